"""Run every extractor over a page and merge what they find into artifacts.

The page's material is joined into two strings, each scanned once per
extractor: *prose* (visible and hidden text, attribute values) and *code*
(scripts, link URLs, image URLs). A match's position tells which part it
came from, hence its ``source`` and ``hidden`` flag, and whether that
extractor counts there:

=========== ====================================================================
part        extractors
=========== ====================================================================
text        contact links written out (confidence 0.9), marked mentions, bare
            ``@word``, e-mails, wallets, image URLs
attributes  as text, with links at 1.0, plus tracking IDs
scripts     contact links, e-mails, tracking IDs
links       contact links, ``mailto:``, ``tel:``, wallets, tracking IDs; out-link
            domains; meta refresh and JS targets are also redirects
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
from .email import emails, mailto_links
from .found import LINK, TEXT_LINK, Found, lowered
from .images import image_artifacts, text_image_urls
from .line import line_ids, line_links
from .outlinks import out_link_domains
from .page import ParsedPage, parse_page
from .phones import marked_phones, tel_links
from .qq import qq_links, qq_numbers
from .redirects import http_redirect_targets
from .telegram import telegram_links, telegram_mentions
from .tracking import tracking_ids
from .wallets import wallets
from .wechat import wechat_ids
from .whatsapp import whatsapp_links

__all__ = ["extract_artifacts"]

#: Extractors of link forms: (text, confidence, low).
_LINK_FORMS = (telegram_links, whatsapp_links, line_links, qq_links)
#: Extractors of identifiers written in prose: (text, low).
_PROSE = (telegram_mentions, wechat_ids, qq_numbers, line_ids, marked_phones, text_image_urls)

_SEPARATOR = "\n\x00\n"  # no pattern crosses it: \s does not match NUL

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
        self.low = lowered(self.text)

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

    def add(self, found: Iterable[Found], source: str, hidden: bool) -> None:
        for f in found:
            self.put(f.kind, f.label, source, f.confidence, hidden)

    def scanned(
        self, found: Iterable[Found], joined: _Joined, allowed: frozenset[str], demote: bool = False
    ) -> None:
        """Add matches from ``joined`` that come from an ``allowed`` part kind.

        With ``demote``, a link form written in text counts as ``TEXT_LINK``.
        """
        for f in found:
            kind, source, hidden = joined.part(f.pos)
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
_ATTR_ONLY = frozenset({_ATTR})
_CODE_KINDS = frozenset({_SCRIPT, _LINKS, _IMAGES})
_LINKS_ONLY = frozenset({_LINKS})
_SCRIPT_ONLY = frozenset({_SCRIPT})
_NOT_IMAGES = frozenset({_SCRIPT, _LINKS})


def extract_artifacts(
    html: str,
    url: str,
    *,
    parsed: ParsedPage | None = None,
    redirect_chain: Sequence[str] = (),
) -> list[Artifact]:
    """Every artifact of the page at ``url``, deduplicated, with provenance.

    ``parsed`` avoids parsing twice when the caller already ran
    :func:`~crawler.extraction.page.parse_page`. ``redirect_chain`` lists the
    URLs of the HTTP redirects that led to ``url``, starting with the
    requested one.
    """
    if parsed is None or not parsed.complete:
        parsed = parse_page(html, url)
    merger = _Merger()

    # References: images (in page order), links grouped by provenance, redirects.
    link_groups: dict[tuple[str, bool], list[str]] = {}
    image_urls: list[str] = []
    redirects: list[tuple[str, str, bool]] = []
    for role, ref_url, source, hidden in parsed.refs:
        if role == "image":
            merger.add(image_artifacts(ref_url), source, hidden)
            image_urls.append(ref_url)
            continue
        link_groups.setdefault((source, hidden), []).append(ref_url)
        if role != "link":
            redirects.append((ref_url, source, hidden))
    for (source, hidden), urls in link_groups.items():
        for domain in out_link_domains(url, urls):
            merger.put("domain", domain, source, LINK, hidden)

    prose_parts = []
    code_parts = []
    for source, content, hidden in parsed.chunks:
        if not content:
            continue
        if source == "text" or source == "attr":
            prose_parts.append((content, source, source, hidden))
        elif source == "script":
            code_parts.append((content, _SCRIPT, "script", hidden))
    for (source, hidden), urls in link_groups.items():
        code_parts.append(("\n".join(urls), _LINKS, source, hidden))
    if image_urls:
        code_parts.append(("\n".join(image_urls), _IMAGES, "attr", False))

    # Code first, so that a link seen in an href keeps source "href".
    if code_parts:
        c = _Joined(code_parts)
        text, low = c.text, c.low
        for extract in _LINK_FORMS:
            merger.scanned(extract(text, LINK, low), c, _NOT_IMAGES)
        merger.scanned(mailto_links(text, LINK, low), c, _NOT_IMAGES)
        merger.scanned(tel_links(text, LINK, low), c, _LINKS_ONLY)
        merger.scanned(emails(text, low), c, _SCRIPT_ONLY)
        merger.scanned(tracking_ids(text, LINK, low), c, _CODE_KINDS)
        link_parts = [p for p in code_parts if p[1] == _LINKS]
        if link_parts:
            links = _Joined(link_parts)
            merger.scanned(wallets(links.text, LINK), links, _LINKS_ONLY)
    if prose_parts:
        p = _Joined(prose_parts)
        text, low = p.text, p.low
        for extract in _LINK_FORMS:
            merger.scanned(extract(text, LINK, low), p, _PROSE_KINDS, demote=True)
        for extract in _PROSE:
            merger.scanned(extract(text, low), p, _PROSE_KINDS)
        merger.scanned(emails(text, low), p, _PROSE_KINDS)
        merger.scanned(wallets(text, TEXT_LINK), p, _PROSE_KINDS)
        attr_parts = [part for part in prose_parts if part[1] == _ATTR]
        if attr_parts:
            a = _Joined(attr_parts)
            merger.scanned(tracking_ids(a.text, LINK, a.low), a, _ATTR_ONLY)

    for target, source, hidden in redirects:
        merger.put("redirect", target, source, LINK, hidden)
    for target in http_redirect_targets(redirect_chain, url):
        merger.put("redirect", target, "header", LINK, False)
    return merger.artifacts()
