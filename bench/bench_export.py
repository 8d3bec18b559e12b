"""Benchmark: export large runs as GEXF (``pages`` view) and as the HTML report; time and peak memory.

GEXF: builds a synthetic run (pages with three artifacts each, drawn from
shared pools, plus a campaigns.json covering 1% of the pages) with
``PageStore.add_pages``, then runs ``cobweb export --format gexf`` in a child
process at each size and prints its wall time and peak RSS. Bounded memory
shows as a peak RSS that stays flat while the node count grows tenfold.

HTML: builds a run of ``pages`` pages of which 30% belong to campaigns of 50
pages on 10 sites each (so 10k pages hold 60 campaigns and 1M pages 6,000),
every tenth page with stored HTML that states its date, and a campaigns.json
in the analysis's format; then times ``cobweb export --format html`` in a
child process. The cost should grow about linearly with the pages.

    .venv/bin/python bench/bench_export.py                       # both, default sizes
    .venv/bin/python bench/bench_export.py --format html          # HTML at 10k, 100k, 1M pages
    .venv/bin/python bench/bench_export.py --format gexf --nodes 200000
    .venv/bin/python bench/bench_export.py --format html --pages 100000

The sharing formats (graphology, STIX 2.1, MISP) are measured on runs of 10k
and 100k pages whose every page belongs to a campaign (the worst case for
STIX and MISP, which export campaigns): see :func:`sharing_formats`.

    .venv/bin/python bench/bench_export.py --format sharing --sharing-pages 100000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.records import Artifact, PageRecord
from crawler.store import PageStore

PAGE_SHARE = 0.7  # of the nodes; the rest are artifacts, a third of each kind
BATCH = 20_000


def build_run(run_dir: Path, nodes: int) -> tuple[int, int]:
    """A run of about ``nodes`` nodes; returns ``(pages, page-artifact pairs)``."""
    pages = int(nodes * PAGE_SHARE)
    per_kind = max((nodes - pages) // 3, 1)
    with PageStore.open_run(run_dir) as store:
        for start in range(0, pages, BATCH):
            store.add_pages(
                PageRecord(
                    url=f"http://site{i % 5000}.example.com/p{i}.html",
                    fetched_at=f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                    title=f"LEB eSIM 卡续期 第{i}篇 <b>&",
                    artifacts=[
                        Artifact("handle", f"telegram:helper{i % per_kind}", "href"),
                        Artifact("image", f"https://img.example.net/{i % per_kind}.png", "attr"),
                        Artifact("domain", f"out{i % per_kind}.example.org", "href"),
                    ],
                )
                for i in range(start, min(start + BATCH, pages))
            )
    campaign_pages = [f"http://site{i % 5000}.example.com/p{i}.html" for i in range(0, pages, 100)]
    doc = {
        "schema": "cobweb.campaigns/1",
        "campaigns": [{"id": "c-bench", "label": "telegram:helper0", "score": 0.9,
                       "size": len(campaign_pages), "pages": campaign_pages,
                       "domains": [], "evidence": []}],
    }
    (run_dir / "campaigns.json").write_text(json.dumps(doc), encoding="utf-8")
    return pages, pages * 3


CAMPAIGN_SHARE = 0.3  # of the pages of an HTML benchmark run
CAMPAIGN_PAGES = 50
CAMPAIGN_SITES = 10


def _html_page(i: int) -> str | None:
    if i % 10:
        return None
    return (f'<html><head><meta property="article:published_time" content="2026-{1 + i % 9:02d}-'
            f'{1 + i % 27:02d}T08:00:00Z"><title>LEB eSIM {i}</title></head>'
            f"<body><p>续期 telegram @helper{i}</p></body></html>")


def build_report_run(run_dir: Path, pages: int) -> int:
    """A run of ``pages`` pages with campaigns (see the module); returns the number of campaigns."""
    n_campaigns = max(int(pages * CAMPAIGN_SHARE) // CAMPAIGN_PAGES, 1)
    campaigns = []
    with PageStore.open_run(run_dir) as store:
        for start in range(0, pages, BATCH):
            batch = []
            for i in range(start, min(start + BATCH, pages)):
                c = i // CAMPAIGN_PAGES
                if c < n_campaigns:
                    url = f"http://c{c}-s{i % CAMPAIGN_SITES}.example.com/p{i}.html"
                    arts = [Artifact("handle", f"telegram:helper{c}", "href"),
                            Artifact("image", f"https://img.example.net/{c}.png", "attr"),
                            Artifact("handle", "whatsapp:85200000000", "href"),
                            Artifact("domain", "t.me", "href")]
                else:
                    url = f"http://other{i % 20000}.example.org/p{i}.html"
                    arts = [Artifact("domain", f"out{i % 5000}.example.org", "href")]
                batch.append(PageRecord(url=url, fetched_at=f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                                        title=f"LEB eSIM 卡续期 第{i}篇", html=_html_page(i),
                                        artifacts=arts))
            store.add_pages(batch)
    for c in range(n_campaigns):
        urls = sorted(f"http://c{c}-s{i % CAMPAIGN_SITES}.example.com/p{i}.html"
                      for i in range(c * CAMPAIGN_PAGES, (c + 1) * CAMPAIGN_PAGES))
        campaigns.append({
            "id": f"c-{c:08x}", "label": f"telegram:helper{c}", "score": 0.9, "size": len(urls),
            "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-28T23:00:00Z",
            "pages": urls, "core": urls[:-5], "tied_by": "contacts",
            "domains": sorted({u.split("/")[2] for u in urls}),
            "artifacts": {"handle": [f"telegram:helper{c}", "whatsapp:85200000000"],
                          "image": [f"https://img.example.net/{c}.png"], "domain": ["t.me"]},
            "evidence": [
                {"kind": "handle", "label": f"telegram:helper{c}", "strength": "strong",
                 "pages": len(urls), "core_pages": len(urls) - 5, "sites": CAMPAIGN_SITES,
                 "sites_in_run": CAMPAIGN_SITES, "weight": 2.0},
                {"kind": "image", "label": f"https://img.example.net/{c}.png", "strength": "strong",
                 "pages": len(urls), "core_pages": len(urls) - 5, "sites": CAMPAIGN_SITES,
                 "sites_in_run": CAMPAIGN_SITES, "weight": 2.0},
                {"kind": "domain", "label": "t.me", "strength": "weak", "pages": len(urls),
                 "core_pages": len(urls) - 5, "sites": CAMPAIGN_SITES,
                 "sites_in_run": n_campaigns * CAMPAIGN_SITES, "weight": 0.5},
            ],
        })
    doc = {"schema": "cobweb.campaigns/1",
           "totals": {"pages": pages, "campaigns": n_campaigns},
           "ubiquitous": [], "set_aside": [], "campaigns": campaigns}
    (run_dir / "campaigns.json").write_text(json.dumps(doc), encoding="utf-8")
    return n_campaigns


def _child_peak_rss(code: str) -> tuple[float, float]:
    """Run ``code`` in a child Python; its wall seconds and peak RSS in MiB (it prints ru_maxrss)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return wall, int(proc.stderr.split()[-1]) / 1024  # KiB on Linux


def import_baseline() -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a child that only imports the ``cobweb`` CLI."""
    return _child_peak_rss(
        "import resource, sys; from crawler.cli.main import main; import output.report;"
        " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )


def export(run_dir: Path, out: Path, fmt: str = "gexf") -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``cobweb export --format FMT`` in a child process."""
    code = (
        "import resource, sys; from crawler.cli.main import main;"
        f" rc = main(['export', {str(run_dir)!r}, '--format', {fmt!r}, '-o', {str(out)!r}]);"
        " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr);"
        " sys.exit(rc)"
    )
    return _child_peak_rss(code)


def _measure(build, size: int, fmt: str) -> tuple[object, float, float, float, float]:
    """Build a run of ``size`` with ``build`` in a temporary directory and export it as ``fmt``.

    Returns what ``build`` returned, its seconds, the export's wall seconds, its
    peak RSS (MiB) and the size of what it wrote (MiB).
    """
    with tempfile.TemporaryDirectory(prefix="cobweb-bench-") as tmp:
        run_dir = Path(tmp) / "run"
        t0 = time.perf_counter()
        built = build(run_dir, size)
        seconds = time.perf_counter() - t0
        out = Path(tmp) / f"export.{fmt}"
        wall, rss = export(run_dir, out, fmt)
        return built, seconds, wall, rss, out.stat().st_size / 2**20


def bench_gexf(sizes: list[int]) -> None:
    print(f"{'nodes':>9} {'pages':>9} {'edges':>9} {'build s':>8} {'export s':>9}"
          f" {'peak RSS MiB':>12} {'GEXF MiB':>9}")
    for nodes in sizes:
        (pages, edges), build, wall, rss, size = _measure(build_run, nodes, "gexf")
        print(f"{nodes:>9} {pages:>9} {edges:>9} {build:>8.1f} {wall:>9.1f} {rss:>12.0f}"
              f" {size:>9.0f}", flush=True)


def bench_html(sizes: list[int]) -> None:
    """Per size: the export, and an import-only process just after it (subtracted in ``work s``)."""
    print(f"{'pages':>9} {'campaigns':>9} {'build s':>8} {'export s':>9} {'start s':>7} {'work s':>7}"
          f" {'work s/100k':>11} {'peak RSS MiB':>12} {'HTML MiB':>9}")
    for pages in sizes:
        n_campaigns, build, wall, rss, size = _measure(build_report_run, pages, "html")
        startup = import_baseline()[0]  # the machine is shared: measure start-up next to it
        work = max(wall - startup, 0.0)
        print(f"{pages:>9} {n_campaigns:>9} {build:>8.1f} {wall:>9.1f} {startup:>7.1f} {work:>7.1f}"
              f" {work / pages * 100_000:>11.2f} {rss:>12.0f} {size:>9.1f}", flush=True)


# --- the sharing formats: graphology (Gephi Lite), STIX 2.1, MISP ----------------------------

SHARING_FORMATS = ("graphology", "stix", "misp")


#: Pages per campaign in the sharing-formats runs.
SHARING_CAMPAIGN_PAGES = 100


def campaigns_of_every_page(run_dir: Path, pages: int) -> int:
    """Replace the run's campaigns.json by campaigns of about 100 pages covering every page.

    Each campaign has a handle, an image and an out-link domain as evidence (its
    own labels: the STIX and MISP exports read only campaigns.json). Returns
    the number of campaigns.
    """
    count = max(pages // SHARING_CAMPAIGN_PAGES, 1)
    groups: list[list[int]] = [[] for _ in range(count)]
    for i in range(pages):
        groups[i % count].append(i)
    campaigns = []
    for h, members in enumerate(groups):
        urls = [f"http://site{i % 5000}.example.com/p{i}.html" for i in members]
        days = sorted(1 + i % 28 for i in members)
        campaigns.append({
            "id": f"c-{h:08x}", "label": f"telegram:helper{h}", "score": 0.8, "size": len(urls),
            "first_seen": f"2026-11-{days[0]:02d}T00:00:00Z",
            "last_seen": f"2026-11-{days[-1]:02d}T00:00:00Z",
            "pages": urls, "domains": sorted({f"site{i % 5000}.example.com" for i in members}),
            "evidence": [
                {"kind": "handle", "label": f"telegram:helper{h}", "strength": "strong",
                 "pages": len(urls), "sites": len(urls), "weight": 2.0},
                {"kind": "image", "label": f"https://img.example.net/{h}.png", "strength": "strong",
                 "pages": len(urls), "sites": len(urls), "weight": 1.5},
                {"kind": "domain", "label": f"out{h}.example.org", "strength": "weak",
                 "pages": len(urls), "sites": len(urls), "weight": 0.5},
            ],
            "tied_by": "contacts",
        })
    doc = {"schema": "cobweb.campaigns/1", "generated_at": "2026-11-30T00:00:00Z",
           "campaigns": campaigns}
    (run_dir / "campaigns.json").write_text(json.dumps(doc), encoding="utf-8")
    return len(campaigns)


def sharing_formats(page_counts: list[int]) -> None:
    """Print time, peak RSS and size of the graphology, STIX and MISP exports at each run size."""
    print(f"\nsharing formats: every page in a campaign ({SHARING_CAMPAIGN_PAGES} pages, 3 evidence each)")
    print(f"{'pages':>9} {'campaigns':>9} {'format':>10} {'export s':>9} {'peak RSS MiB':>12}"
          f" {'file MiB':>9}")
    for pages in page_counts:
        nodes = int(pages / PAGE_SHARE) + 1
        with tempfile.TemporaryDirectory(prefix="cobweb-bench-") as tmp:
            run_dir = Path(tmp) / "run"
            build_run(run_dir, nodes)
            n = campaigns_of_every_page(run_dir, pages)
            for fmt in SHARING_FORMATS:
                out = Path(tmp) / f"export-{fmt}.json"
                wall, rss = export(run_dir, out, fmt)
                size = out.stat().st_size / 2**20
                print(f"{pages:>9} {n:>9} {fmt:>10} {wall:>9.1f} {rss:>12.0f} {size:>9.1f}",
                      flush=True)
    print("graphology: the pages view (pages and artifacts); STIX and MISP: campaigns.json,"
          " which the export loads whole (it is the input), objects written as built")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", choices=("gexf", "html", "sharing"), action="append",
                        help="what to measure (default: all three; sharing: graphology, STIX, MISP)")
    parser.add_argument("--nodes", type=int, action="append",
                        help="GEXF graph sizes (default: 100000 and 1000000)")
    parser.add_argument("--pages", type=int, action="append",
                        help="HTML report run sizes in pages (default: 10000, 100000, 1000000)")
    parser.add_argument("--sharing-pages", type=int, action="append",
                        help="run sizes (pages) for graphology, STIX and MISP (default: 10000"
                             " and 100000)")
    args = parser.parse_args()
    formats = args.format or ["gexf", "html", "sharing"]
    startup, base_rss = import_baseline()
    print(f"a process that only imports the cobweb CLI: {startup:.1f} s, peak RSS {base_rss:.0f} MiB")
    if "gexf" in formats:
        bench_gexf(args.nodes or [100_000, 1_000_000])
    if "html" in formats:
        bench_html(args.pages or [10_000, 100_000, 1_000_000])
    if "sharing" in formats:
        sharing_formats(args.sharing_pages or [10_000, 100_000])
    print("export s: wall time of `cobweb export` in a child process; work s: the same minus the"
          " import-only process's time; peak RSS: ru_maxrss of the export process (imports"
          " included)")


if __name__ == "__main__":
    main()
