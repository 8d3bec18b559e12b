"""Analytics, advertising and chat-widget IDs: the same ID on two sites means one operator.

Read from scripts and attribute values (``<script src>``, ``<img src>`` of
pixels), never from prose. Placeholders from tutorials (``UA-000000-1``,
``GTM-XXXXXX``, ``G-XXXXXXXXXX``) are dropped.

>>> sorted(f.label for f in tracking_ids('''
...   gtag('config', 'UA-48213765-2'); gtag('config', "G-8K2M4N6P9Q");
...   (function(w,d,s,l,i){})(window,document,'script','dataLayer','GTM-W7Q4ZK');
...   gtag('config', 'AW-904736281'); data-ad-client="ca-pub-7392048561273940"
...   hm.src = "https://hm.baidu.com/hm.js?5d1c8e2a9f3b47c6a0e4d7b2c9f1a386";
...   ym(52913746, "init", {}); fbq('init', '1029384756102');'''))
['adsense:pub-7392048561273940', 'baidu:5d1c8e2a9f3b47c6a0e4d7b2c9f1a386', 'fbpixel:1029384756102', 'ga4:G-8K2M4N6P9Q', 'ga:UA-48213765-2', 'gads:AW-904736281', 'gtm:GTM-W7Q4ZK', 'yandex:52913746']
>>> sorted(f.label for f in tracking_ids('''
...   s1.src='https://embed.tawk.to/5d2d5c9bbfcb827ab0cbf4e1/default';
...   <script src="//code.jivosite.com/widget/Ab12Cd34Ef" async></script>
...   window.__lc.license = 13572468; <script src="https://js.hs-scripts.com/4938271.js"></script>'''))
['hubspot:4938271', 'jivo:Ab12Cd34Ef', 'livechat:13572468', 'tawk:5d2d5c9bbfcb827ab0cbf4e1']
>>> list(tracking_ids("UA-000000-1 UA-123456-1 GTM-XXXXXX 'G-XXXXXXXXXX' pub-0000000000000000 G-SHOCK"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .found import LINK, Found, anchored, lowered

__all__ = ["tracking_ids", "is_placeholder"]

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: (label prefix, pattern, lower-case the ID, anchors). Anchors in upper case
#: are looked up in the text as written (IDs are upper case, and ``G-`` as
#: written is much rarer than ``g-`` in lower-cased code); the others in the
#: lower-cased text.
_PATTERNS: tuple[tuple[str, re.Pattern[str], bool, tuple[str, ...]], ...] = (
    ("ga", re.compile(r"(?<![A-Za-z0-9-])(UA-(\d{4,10})-\d{1,4})(?![\w-])"), False, ("UA-",)),
    ("ga4", re.compile(r"(?:['\"]|[?&]t?id=|^)\s*(G-([A-Z0-9]{6,12}))(?![\w-])", re.M), False, ("G-",)),
    ("gtm", re.compile(r"(?<![A-Za-z0-9-])(GTM-([A-Z0-9]{4,9}))(?![\w-])"), False, ("GTM-",)),
    ("gads", re.compile(r"(?<![A-Za-z0-9-])(AW-(\d{6,12}))(?![\w-])"), False, ("AW-",)),
    ("adsense", re.compile(r"(?<![A-Za-z0-9-])(?:ca-|partner-)?(pub-(\d{10,20}))(?![\w-])"), False, ("pub-",)),
    ("baidu", re.compile(r"hm\.js\?(([0-9a-f]{32}))(?![0-9a-z])", re.I), True, ("hm.js",)),
    ("yandex", re.compile(
        r"(?:(?<![\w.])ym\(\s*|mc\.yandex\.(?:ru|com)/watch/|(?<![\w.])yaCounter"
        r"|Ya\.Metrika2?\(\s*\{\s*['\"]?id['\"]?\s*:\s*['\"]?)((\d{5,12}))(?!\d)", re.I
    ), False, ("ym(", "yandex", "metrika", "yacounter")),
    ("fbpixel", re.compile(
        r"""(?:fbq\(\s*['"]init['"]\s*,\s*['"]?|facebook\.com/tr/?\?id=)((\d{8,20}))(?!\d)"""
    ), False, ("fbq", "facebook.com/tr")),
    # Chat widgets: the account of whoever answers the page's visitors.
    ("tawk", re.compile(r"embed\.tawk\.to/(([0-9a-f]{24}))(?![0-9a-z])", re.I), True, ("tawk.to",)),
    ("tidio", re.compile(r"code\.tidio\.co/(([a-z0-9]{32}))\.js", re.I), True, ("tidio.co",)),
    ("jivo", re.compile(r"code\.jivo(?:site\.com|\.ru)/(?:script/)?widget/(([A-Za-z0-9]{8,12}))(?![A-Za-z0-9])"),
     False, ("jivo",)),
    ("crisp", re.compile(r"CRISP_WEBSITE_ID\s*=\s*[\"']((" + _UUID + r"))[\"']", re.I), True, ("crisp_website_id",)),
    ("livechat", re.compile(r"__lc\.license\s*=\s*((\d{6,10}))(?!\d)"), False, ("__lc.license",)),
    ("zendesk", re.compile(r"zdassets\.com/ekr/snippet\.js\?key=((" + _UUID + "))", re.I), True, ("zdassets.com",)),
    ("smartsupp", re.compile(r"_smartsupp\.key\s*=\s*[\"'](([0-9a-f]{40}))[\"']", re.I), True, ("_smartsupp.key",)),
    ("hubspot", re.compile(r"\.hs-scripts\.com/((\d{5,10}))\.js"), False, ("hs-scripts.com",)),
)
_SEQUENCE = "1234567890" * 2
#: Words that show a ``G-`` token is Google Analytics' (its tag, its config call, a
#: measurement ID field), looked for in the lower-cased text just before it.
_GA4_CONTEXT = ("gtag", "config", "measurement", "send_to", "googletagmanager", "google-analytics", "tid=")


def is_placeholder(body: str) -> bool:
    """Whether an ID's distinctive part is a tutorial placeholder.

    >>> is_placeholder("000000"), is_placeholder("XXXXXX"), is_placeholder("123456789"), is_placeholder("8K2M4N6P")
    (True, True, True, False)
    """
    body = body.upper()
    if len(set(body)) <= 1 or set(body) <= {"X", "0"}:
        return True
    return len(body) >= 5 and _SEQUENCE.startswith(body)


def _is_ga4(body: str, low: str, at: int) -> bool:
    """Whether ``G-<body>`` at ``at`` is a GA4 measurement ID.

    Google issues them as ``G-`` and ten letters and digits. Such a token with
    a digit is one wherever it stands quoted or as an ``id=`` parameter; any
    other (all letters like ``G-DZHTJVDKRZ``, another length) only next to
    Analytics' own words, so that words (``G-STRING``) and other systems'
    tokens (Drupal's ``?itok=G-3O4PWV``, a product's ``"sku": "G-12AB45"``)
    are none.

    >>> _is_ga4("8K2M4N6P9Q", "'g-8k2m4n6p9q'", 1), _is_ga4("DZHTJVDKRZ", "'g-dzhtjvdkrz'", 1)
    (True, False)
    >>> _is_ga4("DZHTJVDKRZ", "gtag('config', 'g-dzhtjvdkrz'", 16)
    True
    """
    if len(body) == 10 and any(c.isdigit() for c in body):
        return True
    before = low[max(0, at - 48):at]
    return any(w in before for w in _GA4_CONTEXT)


def tracking_ids(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """Tracking IDs in script or attribute text, labelled ``kind:ID``."""
    low = lowered(text) if low is None else low
    for name, pattern, lower, anchors in _PATTERNS:
        where = text if anchors[0].isupper() else low
        for m in anchored(pattern, text, where, anchors, 40, 80):
            ident, body = m.group(1), m.group(2)
            if is_placeholder(body):
                continue
            if name == "ga4" and not _is_ga4(body, low, m.start(1)):
                continue
            yield Found("tracking_id", f"{name}:{ident.lower() if lower else ident}", confidence, m.start(1))
