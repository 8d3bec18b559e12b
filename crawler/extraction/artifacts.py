"""Run every extractor over a page and merge what they find into artifacts.

The page's material is joined into one string (scripts, image URLs, link URLs
to other sites, attribute values, then text), and each extractor reads it, or
the slice it needs, once. A match's position tells which part it came from,
hence its ``source`` and ``hidden`` flag, and whether that extractor counts
there:

=========== ====================================================================
part        extractors
=========== ====================================================================
text        contact links written out (confidence 0.9), marked mentions, bare
            ``@word``, e-mails, wallets, image URLs
attributes  as text, with links at 1.0, plus tracking IDs
scripts     contact links, e-mails, tracking IDs
links       contact links, ``mailto:``, ``tel:``, wallets, tracking IDs; out-link
            domains (links to the page's own origin are skipped); meta refresh
            and JS targets are also redirects
images      image and image_host; tracking IDs (pixels)
=========== ====================================================================

One artifact per ``(kind, label)``: the most confident provenance wins, and
an artifact is ``hidden`` only if every sighting was hidden.

>>> arts = extract_artifacts('''<html><body><p>加飞机 @esim1088</p>
... <a href="https://t.me/s/esim1088">TG</a>
... <span style="display:none">微信: leb_card88</span>
... <img src="https://i.postimg.cc/4N/a.png"></body></html>''',
...     "http://spam.example/a.html", redirect_chain=["http://old.example/a"])
>>> for a in arts: print(a.kind, a.label, a.source, a.confidence, a.hidden)
image https://i.postimg.cc/4N/a.png attr 1.0 False
image_host postimg.cc attr 1.0 False
domain t.me href 1.0 False
handle telegram:esim1088 href 1.0 False
handle wechat:leb_card88 text 0.8 True
redirect http://spam.example/a.html header 1.0 False
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from ..records import Artifact
from .email import cloudflare_links, emails, mailto_links
from .found import LINK, TEXT_LINK, Found, lowered
from .images import text_image_urls
from .comments import comment_links, comment_text
from .line import line_ids, line_links
from .links import carried_urls, link_label
from .outlinks import out_link_domains, site_of
from .page import ParsedPage, parse_page
from .page_urls import url_origin
from .phones import marked_phones, page_regions, tel_links
from .qq import qq_links, qq_numbers
from .redirects import http_redirect_targets, is_redirect_target
from .telegram import telegram_links, telegram_mentions
from .tracking import tracking_ids
from .wallets import wallets
from .wechat import wechat_ids
from .whatsapp import whatsapp_links

__all__ = ["extract_artifacts"]

#: Extractors of link forms: (text, confidence, low).
_LINK_FORMS = (telegram_links, whatsapp_links, line_links, qq_links)
#: Extractors of identifiers written in prose: (text, low).
_PROSE = (telegram_mentions, wechat_ids, qq_numbers, line_ids, text_image_urls)

#: Sites whose pages link to contacts on the same site.
_MESSENGER_SITES = frozenset(
    {"t.me", "telegram.me", "telegram.dog", "wa.me", "whatsapp.com", "line.me", "lin.ee", "qq.com"}
)

_SEPARATOR = "\n\x00\n"  # no pattern crosses it: \s does not match NUL

# Every artifact read from prose has an ASCII part (after NFKC): an ID, digits,
# a URL, an ``@``. Chinese prose is mostly not ASCII, so extractors scan only
# windows around ASCII runs, with room for a marker before (微信：, 飞机号,
# 电话) and after (``@x (TG)``). The windows keep what every extractor needs;
# a page of Chinese text shrinks several times.
CONTEXT_BEFORE = 32
CONTEXT_AFTER = 14

# Runs of printable ASCII (and the space) at least MIN_RUN long, once leading
# spaces are dropped. In pure Python they are found in a byte copy of the text
# (encoding and translating cost ~2 ns a character, a regex scanning the str
# for a character class 5-10); compiled, in the str itself (~1 ns).
_RUN_BYTES = bytes(0x61 if 0x20 <= b <= 0x7E and b != 0x3F else 0 for b in range(256))
MIN_RUN = 4


def _window_spans_py(text: str, min_run: int, before: int, after: int) -> list[tuple[int, int]]:
    """The spans of the windows around ASCII runs (see :func:`_ascii_windows`),
    found in a byte copy: printable ASCII and the space become "a", anything
    else (non-ASCII, which ``encode`` turns into "?", and control characters)
    NUL, and ``bytes.find`` skips from run to run.

    >>> _window_spans_py("中文 ab?d 中 x  y 文a b", 4, 1, 1)
    [(2, 16)]
    """
    if "?" in text:  # a real "?" must not look like an encoded non-ASCII character
        text = text.replace("?", "!")
    codes = text.encode("ascii", "replace").translate(_RUN_BYTES)
    run = b"a" * min_run
    spans: list[tuple[int, int]] = []
    start = codes.find(run)
    while start >= 0:
        end = codes.find(0, start + min_run)
        if end < 0:
            end = len(codes)
        if text[start] == " ":
            start = end - len(text[start:end].lstrip(" "))
        if end - start >= min_run:
            lo, hi = start - before, end + after
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], hi)
            else:
                spans.append((max(0, lo), hi))
        start = codes.find(run, end)
    return spans


try:  # the same scan compiled, when the package was built with it
    from ._fasttext import ascii_window_spans as _window_spans
except ImportError:
    _window_spans = _window_spans_py


def _ascii_windows(text: str) -> str:
    """The parts of ``text`` around ASCII runs, joined by a separator.

    >>> w = _ascii_windows("很长的中文" * 20 + "微信：abc123" + "再来一段中文" * 20)
    >>> "微信：abc123" in w, len(w) == CONTEXT_BEFORE + len("abc123") + CONTEXT_AFTER
    (True, True)
    """
    if text.isascii():
        return text
    spans = _window_spans(text, MIN_RUN, CONTEXT_BEFORE, CONTEXT_AFTER)
    if len(spans) == 1 and spans[0][0] == 0 and spans[0][1] >= len(text):
        return text
    return _SEPARATOR.join([text[s:e] for s, e in spans])

# Part kinds.
_TEXT, _ATTR, _SCRIPT, _LINKS, _IMAGES = "text", "attr", "script", "links", "images"


class _Joined:
    """Parts joined into one string; maps a position back to its part."""

    __slots__ = ("text", "low", "starts", "parts")

    def __init__(self, parts: list[tuple[str, str, str, bool]]) -> None:
        # parts: (content, part kind, artifact source, hidden)
        self.starts: list[int] = []
        self.parts = [(kind, source, hidden) for _c, kind, source, hidden in parts]
        pos = 0
        for content, *_ in parts:
            self.starts.append(pos)
            pos += len(content) + len(_SEPARATOR)
        self.text = _SEPARATOR.join(p[0] for p in parts)
        # Part by part: str.lower() is ten times faster on ASCII-only strings,
        # and only the text part is usually not ASCII.
        self.low = _SEPARATOR.join(lowered(p[0]) for p in parts)

    def part(self, pos: int) -> tuple[str, str, bool]:
        return self.parts[bisect_right(self.starts, pos) - 1]


class _Merger:
    """Keeps one provenance per ``(kind, label)``, in first-seen order."""

    __slots__ = ("best",)

    def __init__(self) -> None:
        self.best: dict[tuple[str, str], list] = {}

    def put(self, kind: str, label: str, source: str, confidence: float, hidden: bool) -> None:
        key = (kind, label)
        cur = self.best.get(key)
        if cur is None:
            self.best[key] = [source, confidence, hidden]
            return
        if confidence > cur[1]:
            cur[0], cur[1] = source, confidence
        if not hidden:
            cur[2] = False

    def scanned(
        self,
        found: Iterable[Found],
        joined: _Joined,
        allowed: frozenset[str],
        offset: int = 0,
        demote: bool = False,
    ) -> None:
        """Add matches from ``joined`` (or its slice from ``offset``) that come
        from an ``allowed`` part kind.

        With ``demote``, a link form written in text counts as ``TEXT_LINK``.
        """
        for f in found:
            kind, source, hidden = joined.part(f.pos + offset)
            if kind not in allowed:
                continue
            conf = f.confidence
            if demote and kind == _TEXT and conf == LINK:
                conf = TEXT_LINK
            self.put(f.kind, f.label, source, conf, hidden)

    def artifacts(self) -> list[Artifact]:
        return [
            Artifact(kind, label, source=source, confidence=conf, hidden=hidden)
            for (kind, label), (source, conf, hidden) in self.best.items()
        ]


_PROSE_KINDS = frozenset({_TEXT, _ATTR})
_LINKS_ONLY = frozenset({_LINKS})
_NOT_IMAGES = frozenset({_SCRIPT, _LINKS, _ATTR, _TEXT})
_EMAIL_KINDS = frozenset({_SCRIPT, _ATTR, _TEXT})
_TRACKING_KINDS = frozenset({_SCRIPT, _IMAGES, _LINKS, _ATTR})
_WALLET_KINDS = frozenset({_LINKS, _ATTR, _TEXT})


def extract_artifacts(
    html: str,
    url: str,
    *,
    parsed: ParsedPage | None = None,
    redirect_chain: Sequence[str] = (),
    cut_short: list[str] | None = None,
) -> list[Artifact]:
    """Every artifact of the page at ``url``, deduplicated, with provenance.

    ``parsed`` avoids parsing twice when the caller already ran
    :func:`~crawler.extraction.page.parse_page`. ``redirect_chain`` lists the
    URLs of the HTTP redirects that led to ``url``, starting with the
    requested one. ``cut_short``, when given, receives a line for each part of
    the page left unread because an extraction budget ran out.
    """
    if parsed is None or not parsed.complete:
        parsed = parse_page(html, url)
    merger = _Merger()

    # References: plain links, images (in page order), other links grouped by
    # provenance, redirects.
    link_groups: dict[tuple[str, bool], list[str]] = {}
    if parsed.hrefs:
        link_groups["href", False] = parsed.hrefs
    image_urls: list[str] = []
    redirects: list[tuple[str, str, bool]] = []
    for role, ref_url, source, hidden, _at in parsed.refs:
        if role == "image":  # what images.image_artifacts() yields, without a generator
            merger.put("image", ref_url, source, LINK, hidden)
            host = site_of(ref_url)
            if host:
                merger.put("image_host", host, source, LINK, hidden)
            image_urls.append(ref_url)
            continue
        link_groups.setdefault((source, hidden), []).append(ref_url)
        if role != "link" and is_redirect_target(ref_url):
            redirects.append((ref_url, source, hidden))
    commented = comment_links(html, url) if "<!--" in html else []
    if commented:
        link_groups.setdefault(("comment", True), []).extend(commented)
    commented_code = comment_text(html) if "<!--" in html else ""
    if commented_code:  # a tag switched off in a comment is the template's all the same
        for f in tracking_ids(commented_code):
            merger.put(f.kind, f.label, "comment", f.confidence, True)
    # One string, in this order: scripts, images, links, attributes, text; so
    # that each extractor reads one contiguous slice, or all of it.
    scripts, links, attrs, texts = [], [], [], []
    for source, content, hidden in parsed.chunks:
        if not content:
            continue
        if source == "text":
            texts.append((_ascii_windows(content), _TEXT, "text", hidden))
        elif source == "attr":
            attrs.append((content, _ATTR, "attr", hidden))
        elif source == "script":
            scripts.append((content, _SCRIPT, "script", hidden))
    # Out-links and contact links point elsewhere: the page's own links need
    # no look, unless the page is on a messenger's site (t.me/s/x links t.me/y).
    page_site = site_of(url)
    own = url_origin(url) + "/"
    if own == "/" or site_of(url) in _MESSENGER_SITES:
        own = ""
    for (source, hidden), urls in link_groups.items():
        carried = [c for u in urls if "?" in u for c in carried_urls(u)]
        if carried:  # a local redirector's target (/go?url=...) is a link too
            urls = urls + carried
        foreign = [u for u in urls if not u.startswith(own)] if own else urls
        if foreign:
            for domain in out_link_domains(url, foreign):
                merger.put("domain", domain, source, LINK, hidden)
            for link in foreign:
                label = link_label(link)
                if label and site_of(link) != page_site:
                    merger.put("link", label, source, LINK, hidden)
            links.append(("\n".join(foreign), _LINKS, source, hidden))
    images = [("\n".join(image_urls), _IMAGES, "attr", False)] if image_urls else []
    parts = scripts + images + links + attrs + texts
    if parts:
        j = _Joined(parts)
        text, low = j.text, j.low
        # Where the slices start: links onwards, attributes onwards.
        at_links = j.starts[len(scripts) + len(images)] if links or attrs or texts else len(text)
        at_prose = j.starts[len(parts) - len(attrs) - len(texts)] if attrs or texts else len(text)
        for extract in _LINK_FORMS:
            merger.scanned(extract(text, LINK, low), j, _NOT_IMAGES, demote=True)
        merger.scanned(mailto_links(text, LINK, low), j, _NOT_IMAGES)
        merger.scanned(emails(text, low), j, _EMAIL_KINDS)
        regions = page_regions(url, html)  # for national phone numbers
        at_text = j.starts[len(parts) - len(texts)] if texts else len(text)
        merger.scanned(tracking_ids(text[:at_text], LINK, low[:at_text]), j, _TRACKING_KINDS)
        if at_prose > at_links:
            merger.scanned(tel_links(text[at_links:at_prose], LINK, low[at_links:at_prose], regions), j, _LINKS_ONLY, at_links)
        if at_links < len(text):
            merger.scanned(wallets(text[at_links:], LINK), j, _WALLET_KINDS, at_links, demote=True)
        if at_prose < len(text):
            prose, prose_low = text[at_prose:], low[at_prose:]
            for extract in _PROSE:
                merger.scanned(extract(prose, prose_low), j, _PROSE_KINDS, at_prose)
            merger.scanned(marked_phones(prose, prose_low, regions, cut_short), j, _PROSE_KINDS, at_prose)

    if "/cdn-cgi/l/email-protection#" in html:  # the fragment is dropped from parsed links
        for f in cloudflare_links(html):
            merger.put(f.kind, f.label, "href", f.confidence, False)
    for target, source, hidden in redirects:
        merger.put("redirect", target, source, LINK, hidden)
    for target in http_redirect_targets(redirect_chain, url):
        merger.put("redirect", target, "header", LINK, False)
    return merger.artifacts()
