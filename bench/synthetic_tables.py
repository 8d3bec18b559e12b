"""Synthetic page-artifact tables with planted campaigns, for the analysis benchmark.

``write_table(n_pages, directory, seed)`` writes ``pages.jsonl`` (one
``cobweb import`` artifact line per page) and ``truth.tsv`` (URL and planted
campaign of every campaign page; all other pages belong to no campaign).

The web it models, about 11 artifacts per page:

- background sites of 1-60 pages (20 on average), each with its own analytics
  ID, logo image and (70% of sites) contact e-mail on every page: site-local
  strong evidence;
- two page-unique images per page;
- out-link domains (3 per page) and an image host drawn from a Zipf
  distribution (s = 1.1) over ``n_pages / 10`` values: a few are on most
  pages, most on a handful (weak evidence);
- site template infrastructure (fonts, CDN, share buttons and icon, a widget
  tag) on 30-90% of sites: ubiquitous, partly of strong kinds;
- planted campaigns (about 5% of pages, 5 to 2,000 pages each): rotating
  Telegram/WhatsApp handles (consecutive handles overlap on some pages, a
  chain), one or two campaign images on 80% of pages, a shared tracking ID
  on the owned sites of half the campaigns; 20% of handles only mentioned in
  text; 80% of pages on campaign-owned sites, 20% posted on background sites
  (forum spam: the host site is not part of the campaign);
- warning pages: 0.1% of background pages mention a campaign handle in text.

Not modelled: mid-popularity strong artifacts shared by unrelated sites
(a stock photo on 200 sites); each would be a false tie.

Two more shapes (``shape=``), for the growth of the analysis rather than its
quality on a plausible web; both are artifact-only JSON lines, as ``cobweb
import`` reads them from another tool:

- ``scattered`` (issue 15's table): ``n/10`` sites (``siteN.com``), each page
  on a random one; half of the pages in campaigns of Pareto sizes 2..5,000,
  each campaign with 1-4 Telegram handles, 1-3 images and (30%) a GA ID, of
  which each of its pages carries 1 or 2; every page also carries 6 out-link
  domains from a Zipf law over ``n/10`` domains, one image host out of five
  and one image of its own.
- ``skewed``: the same, at the extremes: campaign sizes 2 to ``min(100,000,
  n/10)`` (the largest always present), sites of 1 to ``min(100,000, n/10)``
  pages (Pareto, the largest always present), and artifacts shared by 2 pages
  (campaigns of two) up to half of the run (a domain, an image and a tag
  manager ID on every other page).

For these two, ``truth.tsv`` holds the planted campaign of each campaign
page, and ``truth-shared.tsv`` the connected component of the pages sharing
campaign artifacts (handles, images, GA IDs), for components of two pages or
more: what any tool can find at best.

Run ``python -m bench.synthetic_tables 10000 /tmp/t10k [--shape skewed]`` to write one table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

__all__ = ["write_table", "SHAPES"]

SHAPES = ("default", "scattered", "skewed")

INFRA = [  # (kind, label, share of sites)
    ("domain", "googleapis.com", 0.9),
    ("domain", "cloudflare.com", 0.6),
    ("image", "https://static.sharebar.net/icons/share.png", 0.45),
    ("domain", "facebook.com", 0.35),
    ("tracking_id", "gtm:GTM-WIDGET1", 0.3),
]


def _zipf_sampler(rng: np.random.Generator, vocab: int, s: float = 1.1):
    p = 1.0 / np.arange(1, vocab + 1) ** s
    cdf = np.cumsum(p / p.sum())
    return lambda size: np.minimum(np.searchsorted(cdf, rng.random(size)), vocab - 1)


def _art(kind: str, label: str, text: bool = False) -> str:
    if text:
        return f'{{"kind":"{kind}","label":"{label}","source":"text","confidence":0.8}}'
    return f'{{"kind":"{kind}","label":"{label}"}}'


def write_table(n_pages: int, directory: str | Path, seed: int = 0, shape: str = "default") -> dict[str, int]:
    """Write ``pages.jsonl`` and ``truth.tsv`` for a table of about ``n_pages`` pages."""
    if shape != "default":
        from bench.synthetic_shapes import write_shaped_table

        return write_shaped_table(n_pages, directory, seed=seed, skewed=shape == "skewed")
    rng = np.random.default_rng(seed)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    n_campaign_pages = int(0.05 * n_pages)
    n_background = n_pages - n_campaign_pages

    # campaign sizes: heavy-tailed, 5..2000, until the campaign budget is spent
    sizes = []
    left = n_campaign_pages
    while left >= 5:
        size = int(min(left, min(2000, max(5, rng.pareto(1.2) * 15 + 5))))
        sizes.append(size)
        left -= size
    domain_pick = _zipf_sampler(rng, max(500, n_pages // 10))
    host_pick = _zipf_sampler(rng, max(100, n_pages // 100))

    lines = 0
    stats = {"pages": 0, "campaigns": len(sizes), "campaign_pages": 0, "pairs": 0}
    with (out / "pages.jsonl").open("w") as fh, (out / "truth.tsv").open("w") as truth:

        def emit(url: str, arts: list[str], day: int) -> None:
            nonlocal lines
            fh.write(f'{{"url":"{url}","fetched_at":"2026-11-{day:02d}T00:00:00Z",'
                     f'"artifacts":[{",".join(arts)}]}}\n')
            lines += 1
            stats["pairs"] += len(arts)

        def site_template(site: str, n_site_pages: int, ga: str | None = None) -> list[str]:
            arts = [_art("tracking_id", ga or f"ga4:G-{site.upper()}"),
                    _art("image", f"http://{site}/logo.png")]
            if rng.random() < 0.7:
                arts.append(_art("handle", f"email:admin@{site}"))
            for kind, label, share in INFRA:
                if rng.random() < share:
                    arts.append(_art(kind, label))
            return arts

        def filler(url: str, n_images: int, n_domains: int) -> list[str]:
            arts = [_art("image", f"{url}img{i}.jpg") for i in range(n_images)]
            arts += [_art("domain", f"d{d}.org") for d in sorted(set(domain_pick(n_domains).tolist()))]
            arts.append(_art("image_host", f"img{int(host_pick(1)[0])}.net"))
            return arts

        # campaigns: handles, images, owned sites; some pages go to background sites
        all_handles: list[str] = []
        forum_posts: list[tuple[list[str], str]] = []
        for c, size in enumerate(sizes):
            n_handles = 1 + size // 100
            platform = "telegram" if c % 3 else "whatsapp"
            handles = [f"telegram:camp{c}_{h}" if platform == "telegram" else f"whatsapp:8526{c:05d}{h:03d}"
                       for h in range(n_handles)]
            all_handles += handles
            images = [f"https://i.postimg.cc/c{c}/{i}.png" for i in range(1 + c % 2)]
            shared_ga = f"ga:UA-77{c:05d}-1" if c % 2 == 0 else None
            n_owned = max(2, size // 8)
            owned = [f"camp{c}-{k}.net" for k in range(n_owned)]
            templates = {s: site_template(s, 0, shared_ga) for s in owned}
            counters = dict.fromkeys(owned, 0)
            for i in range(size):
                seg = min(i * n_handles // size, n_handles - 1)
                hs = [handles[seg]]
                first_of_segment = seg > 0 and (i - 1) * n_handles // size < seg
                if first_of_segment or (seg > 0 and rng.random() < 0.1):
                    hs.append(handles[seg - 1])
                soft = rng.random() < 0.2
                arts = [_art("handle", h, text=soft) for h in hs]
                if rng.random() < 0.8:
                    arts += [_art("image", im) for im in images]
                arts.append(_art("image_host", "postimg.cc"))
                on_forum = rng.random() < 0.2
                if on_forum:
                    forum_posts.append((arts, f"camp{c}"))
                    continue
                site = owned[int(rng.integers(n_owned))]
                url = f"http://{site}/p{counters[site]}.html"
                counters[site] += 1
                emit(url, arts + templates[site] + filler(url, 1, 2), 1 + c % 28)
                truth.write(f"{url}\tcamp{c}\n")
                stats["campaign_pages"] += 1

        # background sites; campaign forum posts and warning pages land on them
        posts_at = set(rng.choice(n_background, size=min(len(forum_posts), n_background),
                                  replace=False).tolist())
        post_iter = iter(forum_posts)
        page = 0
        site_no = 0
        while page < n_background:
            site = f"site{site_no}.com"
            site_no += 1
            n_site = int(min(n_background - page, rng.integers(1, 40)))
            template = site_template(site, n_site)
            for j in range(n_site):
                url = f"http://www.{site}/p{j}.html"
                arts = template + filler(url, 2, 3)
                if page in posts_at:
                    extra, camp = next(post_iter)
                    url = f"http://www.{site}/t/{j}.html"
                    emit(url, arts + extra, 1 + page % 28)
                    truth.write(f"{url}\t{camp}\n")
                    stats["campaign_pages"] += 1
                else:
                    if all_handles and rng.random() < 0.001:
                        h = all_handles[int(rng.integers(len(all_handles)))]
                        arts.append(_art("handle", h, text=True))
                    emit(url, arts, 1 + page % 28)
                page += 1
    stats["pages"] = lines
    return stats


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description="Write a synthetic table with planted campaigns.")
    cli.add_argument("pages", type=int)
    cli.add_argument("directory")
    cli.add_argument("seed", type=int, nargs="?", default=0)
    cli.add_argument("--shape", choices=SHAPES, default="default")
    a = cli.parse_args()
    print(write_table(a.pages, a.directory, seed=a.seed, shape=a.shape))
