"""Benchmark: stream the ``pages`` view of a large run to GEXF; print time and peak memory.

Builds a synthetic run (pages with three artifacts each, drawn from shared
pools, plus a campaigns.json covering 1% of the pages) with
``PageStore.add_pages``, then runs ``cobweb export --format gexf`` in a child
process at each size and prints its wall time and peak RSS. Bounded memory
shows as a peak RSS that stays flat while the node count grows tenfold.

    .venv/bin/python bench/bench_export.py                # 100k and 1M nodes
    .venv/bin/python bench/bench_export.py --nodes 200000  # one size only

The sharing formats (graphology, STIX 2.1, MISP) are measured on runs of 10k
and 100k pages whose every page belongs to a campaign (the worst case for
STIX and MISP, which export campaigns): see :func:`sharing_formats`.

    .venv/bin/python bench/bench_export.py --sharing-only --sharing-pages 100000
"""

from __future__ import annotations

import argparse
import json
import resource
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


def _child_peak_rss(code: str) -> tuple[float, float]:
    """Run ``code`` in a child Python; its wall seconds and peak RSS in MiB (it prints ru_maxrss)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return wall, int(proc.stderr.split()[-1]) / 1024  # KiB on Linux


def import_baseline() -> float:
    """Peak RSS (MiB) of a child that only imports the ``cobweb`` CLI."""
    return _child_peak_rss(
        "import resource, sys; from crawler.cli.main import main;"
        " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )[1]


def export(run_dir: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``cobweb export --format gexf`` in a child process."""
    code = (
        "import resource, sys; from crawler.cli.main import main;"
        f" rc = main(['export', {str(run_dir)!r}, '--format', 'gexf', '-o', {str(out)!r}]);"
        " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr);"
        " sys.exit(rc)"
    )
    return _child_peak_rss(code)


# --- the sharing formats: graphology (Gephi Lite), STIX 2.1, MISP ----------------------------

SHARING_FORMATS = ("graphology", "stix", "misp")


#: Pages per campaign in the sharing-formats runs.
CAMPAIGN_PAGES = 100


def campaigns_of_every_page(run_dir: Path, pages: int) -> int:
    """Replace the run's campaigns.json by campaigns of about 100 pages covering every page.

    Each campaign has a handle, an image and an out-link domain as evidence (its
    own labels: the STIX and MISP exports read only campaigns.json). Returns
    the number of campaigns.
    """
    count = max(pages // CAMPAIGN_PAGES, 1)
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


def export_format(run_dir: Path, out: Path, fmt: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of ``cobweb export --format FMT`` in a child process."""
    code = (
        "import resource, sys; from crawler.cli.main import main;"
        f" rc = main(['export', {str(run_dir)!r}, '--format', {fmt!r}, '-o', {str(out)!r}]);"
        " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr);"
        " sys.exit(rc)"
    )
    return _child_peak_rss(code)


def sharing_formats(page_counts: list[int]) -> None:
    """Print time, peak RSS and size of the graphology, STIX and MISP exports at each run size."""
    print(f"\nsharing formats: every page in a campaign ({CAMPAIGN_PAGES} pages, 3 evidence each)")
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
                wall, rss = export_format(run_dir, out, fmt)
                size = out.stat().st_size / 2**20
                print(f"{pages:>9} {n:>9} {fmt:>10} {wall:>9.1f} {rss:>12.0f} {size:>9.1f}",
                      flush=True)
    print("graphology: the pages view (pages and artifacts); STIX and MISP: campaigns.json,"
          " which the export loads whole (it is the input), objects written as built")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, action="append",
                        help="graph sizes to measure (default: 100000 and 1000000)")
    parser.add_argument("--sharing-pages", type=int, action="append",
                        help="run sizes (pages) for graphology, STIX and MISP (default: 10000"
                             " and 100000)")
    parser.add_argument("--sharing-only", action="store_true",
                        help="measure only the graphology, STIX and MISP exports")
    args = parser.parse_args()
    if args.sharing_only:
        sharing_formats(args.sharing_pages or [10_000, 100_000])
        return
    sizes = args.nodes or [100_000, 1_000_000]
    print(f"peak RSS of a process that only imports the cobweb CLI: {import_baseline():.0f} MiB")
    print(f"{'nodes':>9} {'pages':>9} {'edges':>9} {'build s':>8} {'export s':>9}"
          f" {'peak RSS MiB':>12} {'GEXF MiB':>9}")
    for nodes in sizes:
        with tempfile.TemporaryDirectory(prefix="cobweb-bench-") as tmp:
            run_dir = Path(tmp) / "run"
            t0 = time.perf_counter()
            pages, edges = build_run(run_dir, nodes)
            build = time.perf_counter() - t0
            out = Path(tmp) / "pages.gexf"
            wall, rss = export(run_dir, out)
            size = out.stat().st_size / 2**20
            print(f"{nodes:>9} {pages:>9} {edges:>9} {build:>8.1f} {wall:>9.1f} {rss:>12.0f}"
                  f" {size:>9.0f}", flush=True)
    print("peak RSS: ru_maxrss of the export process (imports included)")
    sharing_formats(args.sharing_pages or [10_000, 100_000])


if __name__ == "__main__":
    main()
