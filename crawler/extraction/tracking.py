"""Analytics and advertising IDs: the same ID on two sites means one operator.

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
>>> list(tracking_ids("UA-000000-1 UA-123456-1 GTM-XXXXXX 'G-XXXXXXXXXX' pub-0000000000000000 G-SHOCK"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .found import LINK, Found, anchored, lowered

__all__ = ["tracking_ids", "is_placeholder"]

#: (label prefix, pattern, lower-case the ID, anchors). Anchors in upper case
#: are looked up in the text as written (IDs are upper case, and ``G-`` as
#: written is much rarer than ``g-`` in lower-cased code); the others in the
#: lower-cased text.
_PATTERNS: tuple[tuple[str, re.Pattern[str], bool, tuple[str, ...]], ...] = (
    ("ga", re.compile(r"(?<![A-Za-z0-9-])(UA-(\d{4,10})-\d{1,4})(?![\w-])"), False, ("UA-",)),
    ("ga4", re.compile(r"(?:['\"=]|id=|^)\s*(G-([A-Z0-9]{6,12}))(?![\w-])", re.M), False, ("G-",)),
    ("gtm", re.compile(r"(?<![A-Za-z0-9-])(GTM-([A-Z0-9]{4,9}))(?![\w-])"), False, ("GTM-",)),
    ("gads", re.compile(r"(?<![A-Za-z0-9-])(AW-(\d{6,12}))(?![\w-])"), False, ("AW-",)),
    ("adsense", re.compile(r"(?<![A-Za-z0-9-])(?:ca-)?(pub-(\d{10,20}))(?![\w-])"), False, ("pub-",)),
    ("baidu", re.compile(r"hm\.js\?(([0-9a-f]{32}))(?![0-9a-z])", re.I), True, ("hm.js",)),
    ("yandex", re.compile(r"(?:(?<![\w.])ym\(\s*|mc\.yandex\.(?:ru|com)/watch/)((\d{5,12}))(?!\d)"), False,
     ("ym(", "yandex")),
    ("fbpixel", re.compile(
        r"""(?:fbq\(\s*['"]init['"]\s*,\s*['"]?|facebook\.com/tr/?\?id=)((\d{8,20}))(?!\d)"""
    ), False, ("fbq", "facebook.com/tr")),
)
_SEQUENCE = "1234567890" * 2


def is_placeholder(body: str) -> bool:
    """Whether an ID's distinctive part is a tutorial placeholder.

    >>> is_placeholder("000000"), is_placeholder("XXXXXX"), is_placeholder("123456789"), is_placeholder("8K2M4N6P")
    (True, True, True, False)
    """
    body = body.upper()
    if len(set(body)) <= 1 or set(body) <= {"X", "0"}:
        return True
    return len(body) >= 5 and _SEQUENCE.startswith(body)


def tracking_ids(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """Tracking IDs in script or attribute text, labelled ``kind:ID``."""
    low = lowered(text) if low is None else low
    for name, pattern, lower, anchors in _PATTERNS:
        where = text if anchors[0].isupper() else low
        for m in anchored(pattern, text, where, anchors, 40, 80):
            ident, body = m.group(1), m.group(2)
            if is_placeholder(body):
                continue
            if name == "ga4" and not any(c.isdigit() for c in body):
                continue  # G-SHOCK, G-STRING: words, not IDs
            yield Found("tracking_id", f"{name}:{ident.lower() if lower else ident}", confidence, m.start(1))
