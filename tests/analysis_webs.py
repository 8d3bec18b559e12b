"""Small labelled webs for the analysis tests, built straight into a store."""

from __future__ import annotations

from crawler.records import Artifact, PageRecord
from crawler.store import PageStore

UBIQUITOUS = [
    ("domain", "googleapis.com", "css"),
    ("domain", "cloudflare.com", "script"),
    ("domain", "facebook.com", "href"),
    ("domain", "twitter.com", "href"),
    ("image", "https://static.sharebar.net/icons/share.png", "attr"),
]


def art(kind: str, label: str, source: str = "href", confidence: float = 1.0) -> Artifact:
    return Artifact(kind, label, source, confidence)


def page(url: str, *artifacts: Artifact, day: int = 1, text: str = "", common: bool = True) -> PageRecord:
    arts = list(artifacts)
    if common:
        arts += [art(k, lab, s) for k, lab, s in UBIQUITOUS]
    return PageRecord(url, fetched_at=f"2026-11-{day:02d}T00:00:00Z", text=text, artifacts=arts)


def benign_sites(n: int = 12, pages_per_site: int = 2) -> list[PageRecord]:
    """Unrelated sites: each its own analytics ID and e-mail, plus the ubiquitous web."""
    out = []
    for s in range(n):
        for p in range(pages_per_site):
            out.append(page(
                f"http://benign{s}.com/post{p}.html",
                art("tracking_id", f"ga:UA-{1000 + s}-1", "script"),
                art("handle", f"email:editor@benign{s}.com"),
                art("image", f"http://benign{s}.com/img/{p}.jpg", "attr"),
            ))
    return out


def campaign(name: str, handle: str, n_sites: int, *, image: str | None = None,
             pages_per_site: int = 1, day: int = 3) -> list[PageRecord]:
    """A spam campaign: the same Telegram handle (and image) on many sites."""
    out = []
    for s in range(n_sites):
        for p in range(pages_per_site):
            arts = [art("handle", handle), art("image_host", "postimg.cc", "attr")]
            if image:
                arts.append(art("image", image, "attr"))
            out.append(page(f"http://{name}{s}.com/{p}.html", *arts, day=day + s))
    return out


def build(records: list[PageRecord], path=":memory:") -> PageStore:
    store = PageStore(path)
    store.add_pages(records)
    return store
