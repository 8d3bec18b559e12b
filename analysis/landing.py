"""Landing pages: one deep URL that pages on several sites send their readers to.

A campaign's doorway pages on many sites often share no handle at all, only
the page they funnel readers to (the money page, a sign-up form). Such a URL,
linked from pages on :data:`LANDING_MIN_SITES` sites or more, becomes a
``landing`` artifact (label: the canonical URL, written with ``https``) of each
page that links it.

What is never a landing page, so that innocent sites are not tied by a link
every writer makes or by the web's own structure:

- a page of the run itself: that directories, hubs and other pages link a
  collected page is the web's structure (the page is a node of its own), not
  a funnel; a landing page is where readers are sent, off the crawl;
- what a page with more than :data:`MAX_FUNNEL_LINKS` such candidates links:
  it is a directory, a link farm's hub or an article citing its sources, and
  its links say nothing about who runs it;
- a site's home page (``https://news.example/``): only a specific page;
- a page on the linking page's own site;
- a host of shared infrastructure (``analysis/data/shared_infrastructure.txt``),
  a messenger or social network (their links are contacts, read as handles),
  a short link (its own ``link`` artifact) or a reference site
  (``analysis/data/reference_sites.txt``: encyclopedias, standards, licences);
- a script, style sheet, image or font.

Three sites, not two: two news articles citing one source page is common, and
a landing page is a weaker tie than a contact (``tied_by`` says ``assets``).

>>> pages = [(1, "a.example", ["https://money.example/offer?id=7", "https://en.wikipedia.org/wiki/ESIM"]),
...          (2, "b.example", ["https://money.example/offer?id=7#top", "https://en.wikipedia.org/wiki/ESIM"]),
...          (3, "c.example", ["http://MONEY.example/offer?id=7", "https://en.wikipedia.org/wiki/ESIM"]),
...          (4, "c.example", ["https://money.example/", "https://c.example/own"])]
>>> landing_links(pages)
{'https://money.example/offer?id=7': [1, 2, 3]}
>>> landing_links(pages[:2])
{}
>>> landing_links(pages, run_pages={"http://money.example/offer?id=7"})
{}
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.resources import files

from analysis.infrastructure import shared_host
from crawler.domains import registered_domain
from crawler.extraction.links import SHORTENERS
from crawler.linkpolicy import NOFOLLOW_DOMAINS
from crawler.records import Artifact
from crawler.store import PageStore
from crawler.urls import canonical_url

__all__ = ["LANDING_MIN_SITES", "REFERENCE_SITES", "landing_key", "landing_links", "add_landing_artifacts"]

logger = logging.getLogger(__name__)

#: Sites that must link one URL for it to be a landing page.
LANDING_MIN_SITES = 3
#: A page linking more candidate landing pages than this is a hub, not a funnel.
MAX_FUNNEL_LINKS = 5

REFERENCE_SITES: frozenset[str] = frozenset(
    e for line in files("analysis.data").joinpath("reference_sites.txt").read_text(encoding="utf-8").splitlines()
    if (e := line.split("#", 1)[0].strip().lower())
)
_NOT_PAGES = (".js", ".css", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".woff", ".woff2", ".ttf")


@lru_cache(maxsize=1 << 16)
def landing_key(url: str) -> tuple[str, str] | None:
    """``(label, site)`` if ``url`` may be a landing page, else None. The label is
    the canonical URL written with ``https`` (one page, however it was linked).

    >>> landing_key("http://Money.example/offer/?utm_source=x")
    ('https://money.example/offer/', 'money.example')
    >>> landing_key("https://money.example/"), landing_key("https://t.me/s/x"), landing_key("https://bit.ly/AbC1")
    (None, None, None)
    >>> landing_key("https://cdn.example/app.js?v=2"), landing_key("https://creativecommons.org/licenses/by/4.0/")
    (None, None)
    """
    if not url[:8].lower().startswith(("http://", "https://")):
        return None
    try:
        canon = canonical_url(url)
    except ValueError:
        return None
    path_and_query = canon.split("/", 3)[3] if canon.count("/") >= 3 else ""
    if not path_and_query or path_and_query.split("?", 1)[0].lower().endswith(_NOT_PAGES):
        return None
    site = registered_domain(canon)
    if (not site or site in NOFOLLOW_DOMAINS or site in REFERENCE_SITES or site in SHORTENERS
            or shared_host(canon) is not None):
        return None
    return "https://" + canon.split("://", 1)[1], site


def landing_links(
    pages: Iterable[tuple[int, str, Sequence[str]]],
    *,
    run_pages: Iterable[str] = (),
    min_sites: int = LANDING_MIN_SITES,
) -> dict[str, list[int]]:
    """Landing pages of ``(page id, page site, out-links)`` rows: ``{label: page ids}``.

    A URL qualifies when pages of at least ``min_sites`` sites other than its
    own link it, it is none of ``run_pages`` (the run's page URLs), and the
    pages count only with at most :data:`MAX_FUNNEL_LINKS` candidates each (see
    the module docstring for what never does).
    """
    candidates = []  # (page id, site, candidates) of pages linking any
    for page_id, page_site, links in pages:
        found = {k[0] for u in set(links) if (k := landing_key(u)) is not None and k[1] != page_site}
        if found:
            candidates.append((page_id, page_site, found))
    if not candidates:  # the run's own URLs are only read when needed (a million imported pages)
        return {}
    own = {k[0] for u in run_pages if (k := landing_key(u)) is not None}
    sites: dict[str, set[str]] = defaultdict(set)
    linking: dict[str, list[int]] = defaultdict(list)
    for page_id, page_site, found in candidates:
        found -= own
        if len(found) > MAX_FUNNEL_LINKS:
            continue
        for label in found:
            sites[label].add(page_site)
            linking[label].append(page_id)
    return {u: sorted(set(ids)) for u, ids in sorted(linking.items()) if len(sites[u]) >= min_sites}


def add_landing_artifacts(store: PageStore, *, min_sites: int = LANDING_MIN_SITES) -> int:
    """Give each stored page its ``landing`` artifacts (source ``href``); idempotent.

    Returns how many landing pages the run has.
    """
    found = landing_links(store.iter_out_links(), run_pages=store.iter_page_urls(), min_sites=min_sites)
    if found:
        store.add_artifact_to_pages(
            (Artifact("landing", url, "href", 1.0, False), ids) for url, ids in found.items()
        )
        logger.info("analysis: %s landing pages linked from %s+ sites", len(found), min_sites)
    return len(found)
