"""The records that flow through Cobweb: pages, artifacts and rejections.

Every artifact is identified by ``(kind, label)``. Labels are canonical: two
spellings of one contact produce the same label, so they become one graph node.

Label formats by kind:

========== ====================================================================
kind       label
========== ====================================================================
handle     ``platform:value``; platforms ``telegram``, ``whatsapp`` (E.164
           digits), ``wechat``, ``qq``, ``line``, ``email``, ``phone`` (E.164
           digits); lower-case where the platform is case-insensitive
invite     ``telegram:+HASH`` (invite links keep their case)
image      the absolute image URL
image_host the registered domain that serves images, e.g. ``postimg.cc``
domain     the registered domain of an out-link, e.g. ``example.com``
tracking_id ``ga:UA-1234-1``, ``ga4:G-ABC123``, ``gtm:GTM-ABC1``,
           ``gads:AW-123``, ``adsense:pub-123``, ``baidu:<hex32>``,
           ``yandex:123``, ``fbpixel:123``; chat widgets ``tawk:<hex24>``,
           ``tidio:``, ``jivo:``, ``crisp:<uuid>``, ``livechat:N``, ``zendesk:<uuid>``,
           ``smartsupp:<hex40>``, ``hubspot:N``
wallet     ``btc:<address>``, ``eth:0x<lower-case hex>``, ``tron:T...``
redirect   the absolute target URL of a redirect (HTTP, meta refresh or JS)
link       a specific link: a short link (``https://bit.ly/CODE``) or a referral
           link (``https://okx.com/join/CODE``, ``https://x.example/?ref=CODE``)
landing    the canonical URL of a page that pages on several sites link to
           (derived by analysis, :mod:`analysis.landing`)
========== ====================================================================

>>> a = Artifact("handle", "telegram:esim1088", source="href", confidence=1.0)
>>> a.node_id
'handle:telegram:esim1088'
>>> a.strength
'strong'
>>> Artifact("image_host", "postimg.cc").strength
'weak'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

__all__ = [
    "ArtifactKind",
    "ArtifactSource",
    "Artifact",
    "PageRecord",
    "DropReason",
    "DropRecord",
    "LinkTarget",
    "ARTIFACT_KINDS",
    "STRONG_KINDS",
    "WEAK_KINDS",
    "page_node_id",
]

ArtifactKind = Literal[
    "handle", "invite", "image", "image_host", "domain", "tracking_id", "wallet", "redirect", "link", "landing"
]
ARTIFACT_KINDS: tuple[str, ...] = get_args(ArtifactKind)

#: Kinds that tie pages to one actor on their own.
STRONG_KINDS: frozenset[str] = frozenset(
    {"handle", "invite", "image", "tracking_id", "wallet", "redirect", "link", "landing"}
)
#: Kinds that only support strong evidence.
WEAK_KINDS: frozenset[str] = frozenset({"image_host", "domain"})

#: Where on the page an artifact was found.
ArtifactSource = Literal["href", "attr", "text", "script", "css", "header", "import", "comment",
                         "rendered"]  # "rendered": only in the DOM a browser built (issue 12)

#: Why a request or response was dropped (recorded in the store's ``drops`` table).
DropReason = Literal[
    "forbidden_address",  # loopback, private, link-local, multicast or reserved target
    "forbidden_scheme",  # anything but http and https
    "robots_txt",
    "too_large",  # body or decompressed body over the size cap
    "not_html",
    "too_deep",
    "url_too_long",
    "site_budget",  # per-site page budget exhausted
    "max_pages",
    "redirect_loop",
    "too_many_redirects",
    "http_error",
    "timeout",
    "connection_error",
    "duplicate",
    "offsite",
    "bad_url",
    "too_many_hosts",  # a registered domain introducing more than COBWEB_SITE_HOSTS hosts
    "url_trap",  # self-similar URL growth: repeated path segments, too many segments or parameters
    "headers_too_large",  # response headers over COBWEB_MAX_HEADER_BYTES or COBWEB_MAX_HEADERS
    "extraction_budget",  # page stored, but an extraction budget ran out: part of it not read
    "bad_entry",  # a shared (Redis) frontier entry that is not plain JSON: never unpickled
]


@dataclass(slots=True, frozen=True)
class Artifact:
    """One artifact found on one page, with its provenance.

    ``confidence`` orders evidence: a link (1.0) beats a link or identifier
    written in text (0.9), which beats a mention next to a marker (0.8).
    """

    kind: ArtifactKind
    label: str
    source: ArtifactSource = "text"
    confidence: float = 1.0
    hidden: bool = False

    @property
    def node_id(self) -> str:
        """The artifact's node id in every graph and export."""
        return f"{self.kind}:{self.label}"

    @property
    def strength(self) -> Literal["strong", "weak"]:
        return "strong" if self.kind in STRONG_KINDS else "weak"


@dataclass(slots=True)
class PageRecord:
    """A collected page: what the crawler saw and what extraction found.

    ``url`` is the page's identity: the final URL after redirects, canonical.
    ``requested_url`` is the URL fetched first, as linked; ``fetched_url`` the
    final URL as fetched. ``fetched_at`` is ISO 8601 in UTC
    (``2026-11-23T05:02:15Z``). ``sha256`` is the digest of the body as
    received, ``warc_file`` and ``warc_offset`` locate its WARC record
    (``""`` and -1 when there is none).
    """

    url: str
    requested_url: str = ""
    redirect_chain: list[str] = field(default_factory=list)
    status: int = 200
    fetched_at: str = ""
    title: str = ""
    keywords: list[str] = field(default_factory=list)
    #: How the page wrote each keyword it matched (``{"续费": "續費"}``), see
    #: :func:`crawler.extraction.keyword_matches`.
    keyword_forms: dict[str, str] = field(default_factory=dict)
    text: str = ""
    out_links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    html: str | None = None
    artifacts: list[Artifact] = field(default_factory=list)
    origin: Literal["crawl", "import"] = "crawl"
    #: What rendering saw (crawler.render.middleware.RENDER_META), None when not rendered.
    rendering: dict | None = None
    fetched_url: str = ""
    sha256: str = ""
    warc_file: str = ""
    warc_offset: int = -1


@dataclass(slots=True, frozen=True)
class DropRecord:
    """A request or response the crawler refused, and why."""

    url: str
    reason: DropReason
    detail: str = ""
    at: str = ""


@dataclass(slots=True, frozen=True)
class LinkTarget:
    """Where a short link sent the crawler: one request, its redirect not followed.

    ``link`` is the ``link`` artifact's label, ``url`` the URL requested,
    ``target`` the absolute URL of its ``Location`` (or meta refresh), empty
    when it sent nowhere (a dead or disabled link), ``status`` the HTTP status.
    """

    link: str
    url: str
    target: str
    status: int
    resolved_at: str = ""


def page_node_id(url: str) -> str:
    """The node id of a page in every graph and export.

    >>> page_node_id("http://a.example/x")
    'page:http://a.example/x'
    """
    return f"page:{url}"
