"""Run every extractor over a page and merge what they find into artifacts.

Each material is read by the extractors that make sense for it:

========== ==================================================================
material   extractors
========== ==================================================================
links      contact links (t.me, wa.me, line.me, QQ, mailto:, tel:), wallets,
           out-link domains; meta refresh and JS targets are also redirects
images     image and image_host
text       contact links written out, marked mentions, bare ``@word``,
           e-mails, wallets, image URLs
attributes as text, plus tracking IDs; links found there count as links
scripts    contact links, e-mails, tracking IDs (JS redirects come from the parser)
========== ==================================================================

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
handle telegram:esim1088 href 1.0 False
domain t.me href 1.0 False
handle wechat:leb_card88 text 0.8 True
redirect http://spam.example/a.html header 1.0 False
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from ..records import Artifact
from .email import emails, mailto_links
from .found import LINK, TEXT_LINK, Found
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

_LinkExtractor = Callable[[str, float], Iterator[Found]]
_TextExtractor = Callable[[str], Iterator[Found]]

#: Extractors of link forms; they take the confidence to give a match.
_LINK_FORMS: tuple[_LinkExtractor, ...] = (
    telegram_links,
    whatsapp_links,
    line_links,
    qq_links,
)
#: Extractors of identifiers written in prose.
_PROSE: tuple[_TextExtractor, ...] = (
    telegram_mentions,
    wechat_ids,
    qq_numbers,
    line_ids,
    marked_phones,
    emails,
    wallets,
    text_image_urls,
)


class _Merger:
    """Keeps one provenance per ``(kind, label)``, in first-seen order."""

    __slots__ = ("best",)

    def __init__(self) -> None:
        self.best: dict[tuple[str, str], list] = {}

    def add(self, found: Iterable[Found], source: str, hidden: bool) -> None:
        best = self.best
        for kind, label, confidence in found:
            key = (kind, label)
            cur = best.get(key)
            if cur is None:
                best[key] = [source, confidence, hidden]
                continue
            if confidence > cur[1]:
                cur[0], cur[1] = source, confidence
            if not hidden:
                cur[2] = False

    def artifacts(self) -> list[Artifact]:
        return [
            Artifact(kind, label, source=source, confidence=conf, hidden=hidden)
            for (kind, label), (source, conf, hidden) in self.best.items()
        ]


def _links_text(urls: list[str], merger: _Merger, source: str, hidden: bool) -> None:
    text = "\n".join(urls)
    for extract in _LINK_FORMS:
        merger.add(extract(text, LINK), source, hidden)
    merger.add(mailto_links(text), source, hidden)
    merger.add(tel_links(text), source, hidden)
    merger.add(wallets(text, LINK), source, hidden)


def _prose(text: str, merger: _Merger, source: str, hidden: bool, link_confidence: float) -> None:
    for extract in _LINK_FORMS:
        merger.add(extract(text, link_confidence), source, hidden)
    for extract in _PROSE:
        merger.add(extract(text), source, hidden)


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

    # References: images first (in page order), then links grouped by provenance.
    link_groups: dict[tuple[str, bool], list[str]] = {}
    redirects: list[tuple[str, str, bool]] = []
    for role, ref_url, source, hidden in parsed.refs:
        if role == "image":
            merger.add(image_artifacts(ref_url), source, hidden)
            continue
        link_groups.setdefault((source, hidden), []).append(ref_url)
        if role != "link":
            redirects.append((ref_url, source, hidden))
    for (source, hidden), urls in link_groups.items():
        _links_text(urls, merger, source, hidden)
        merger.add(
            (Found("domain", d, LINK) for d in out_link_domains(url, urls)), source, hidden
        )

    for source, content, hidden in parsed.chunks:
        if not content:
            continue
        if source == "text":
            _prose(content, merger, "text", hidden, TEXT_LINK)
        elif source == "attr":
            _prose(content, merger, "attr", hidden, LINK)
            merger.add(tracking_ids(content), "attr", hidden)
        elif source == "script":
            for extract in _LINK_FORMS:
                merger.add(extract(content, LINK), "script", hidden)
            merger.add(emails(content), "script", hidden)
            merger.add(tracking_ids(content), "script", hidden)

    for target, source, hidden in redirects:
        merger.add((Found("redirect", target, LINK),), source, hidden)
    for target in http_redirect_targets(redirect_chain, url):
        merger.add((Found("redirect", target, LINK),), "header", False)
    return merger.artifacts()
