"""``cobweb demo``: the whole pipeline on the bundled demo web, offline.

Builds the synthetic demo web (four planted campaigns, benign and off-topic
pages), serves it through a forward proxy on 127.0.0.1, crawls it from its
seed list, analyzes the run, exports every format, and compares the campaigns
found with the ones planted. No byte leaves the machine: every request goes
to the loopback proxy, which answers for every made-up site (404 for pages it
does not have; links to messaging and social platforms are never fetched).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

EXAMPLE = """example:
  cobweb demo
  cobweb demo -o demo-run
  cobweb demo -o /tmp/demo --seed 3      (same sites and campaigns, other wording)"""

#: (format, view, file name) of every export the demo writes.
EXPORTS: tuple[tuple[str, str, str], ...] = (
    ("gexf", "pages", "graph-pages.gexf"),
    ("gexf", "sites", "graph-sites.gexf"),
    ("gexf", "campaigns", "graph-campaigns.gexf"),
    ("graphml", "pages", "graph-pages.graphml"),
    ("csv", "pages", "csv"),
    ("json", "pages", "graph-pages.json"),
    ("html", "pages", "report.html"),
    ("graphology", "pages", "graph-pages.graphology.json"),
    ("stix", "pages", "campaigns.stix.json"),
    ("misp", "pages", "campaigns.misp.json"),
)

#: The demo web is served on loopback: politeness and retries only slow it down.
DEMO_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}

# Files a previous demo run left in the output directory (removed before a new run).
_RUN_FILES = ("crawl.sqlite", "crawl.sqlite-wal", "crawl.sqlite-shm", "campaigns.json",
              "seeds.txt")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "demo",
        help="crawl, analyze and export the bundled demo web (no network needed)",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-o", "--output", default="demo-run", metavar="RUN_DIR",
                   help="where the run and its exports go (default: demo-run)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the demo web's wording (default 0)")
    p.set_defaults(func=run)
    return p


def _clear_previous_run(out: Path) -> None:
    """Remove what an earlier demo wrote here, so the crawl starts from scratch."""
    for name in _RUN_FILES:
        (out / name).unlink(missing_ok=True)
    for _, _, name in EXPORTS:
        path = out / name
        if path.is_dir():
            for child in path.iterdir():
                child.unlink()
            path.rmdir()
        else:
            path.unlink(missing_ok=True)


def _crawl_quietly(verbose: int, **kwargs) -> dict:
    """Run the crawl; without -v, Scrapy's per-request errors (links to real sites the
    proxy refuses) stay out of the demo's output."""
    from crawler.runner import run_crawl  # imports Scrapy: only when crawling

    handlers = logging.getLogger().handlers
    levels = [h.level for h in handlers]
    if not verbose:
        for handler in handlers:
            handler.setLevel(logging.CRITICAL)
    try:
        return run_crawl(**kwargs)
    finally:
        for handler, level in zip(handlers, levels):
            handler.setLevel(level)


def _crawled_urls(out: Path) -> tuple[list[str], list[str]]:
    """The run's page URLs, and the URLs it passed through on redirects."""
    from crawler.store import PageStore, store_path

    pages, hops = [], []
    with PageStore(store_path(out)) as store:
        for page in store.iter_pages():
            pages.append(page.url)
            hops.extend(page.redirect_chain)
    return pages, hops


def run(args: argparse.Namespace) -> int:
    from crawler.cli.crawl import format_summary, make_run_dir
    from crawler.cli.main import main as cobweb
    from crawler.demoweb.generate import build_demo_web
    from crawler.demoweb.server import VirtualWebProxy
    from crawler.demoweb.truth import compare_campaigns, format_comparison

    out = Path(args.output)
    make_run_dir(out)
    _clear_previous_run(out)
    demo = build_demo_web(seed=args.seed)
    (out / "seeds.txt").write_text("\n".join(demo.seeds) + "\n", encoding="utf-8")
    print(f"demo web: {len(demo.truth)} pages on {len(demo.web.hosts())} made-up hosts, "
          f"{len(demo.planted)} planted campaigns, {len(demo.seeds)} seeds "
          f"(written to {out / 'seeds.txt'})")

    with VirtualWebProxy(demo.web) as proxy:
        print(f"serving it through a forward proxy on {proxy.url} (loopback only)")
        print(f"crawling: keywords {', '.join(demo.keywords)}, depth 3 ...", flush=True)
        summary = _crawl_quietly(getattr(args, "verbose", 0), run_dir=out,
                                 keywords=demo.keywords, urls=demo.seeds, depth=3,
                                 proxy=proxy.url, settings=DEMO_CRAWL_SETTINGS)
    print(format_summary(summary).rsplit("\n", 1)[0])  # without its "next:" hint
    print(f"requests answered by the synthetic web: {len(demo.web.requests)} (http_error drops are "
          "links to pages it does not have)")
    if summary["pages_in_store"] == 0:
        print("cobweb demo: the crawl stored no page; run with -v to see why")
        return 1

    print("\n== cobweb analyze", out, flush=True)
    status = cobweb(["analyze", str(out)])
    if status:
        return status

    print("\n== ground truth: planted campaigns vs campaigns found")
    doc = json.loads((out / "campaigns.json").read_text(encoding="utf-8"))
    pages, hops = _crawled_urls(out)
    comparison = compare_campaigns(doc, demo.truth, crawled=pages, redirect_hops=hops)
    print(format_comparison(comparison))

    print("\n== cobweb export: gexf (pages, sites, campaigns views), graphml, csv, json, html,"
          " graphology, stix, misp", flush=True)
    written, failed = [], []
    for fmt, view, name in EXPORTS:
        target = out / name
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):  # each export prints its path
                status = cobweb(["export", str(out), "--format", fmt, "--view", view,
                                 "-o", str(target)])
        except Exception as exc:  # report it and go on with the other formats
            logger.debug("export %s --view %s", fmt, view, exc_info=True)
            status, printed = 1, io.StringIO(f"{type(exc).__name__}: {exc}"[:300] + "\n")
        if status:
            print(printed.getvalue(), end="")
            print(f"cobweb demo: export {fmt} --view {view} failed (status {status})")
            failed.append((fmt, view))
            continue
        written.append((fmt, view, target))

    print("\n== outputs")
    print(f"  {'crawl store':<22} {out / 'crawl.sqlite'}")
    print(f"  {'campaigns':<22} {out / 'campaigns.json'}")
    for fmt, view, target in written:
        what = f"{fmt} ({view} view)" if fmt in ("gexf", "graphml", "json", "csv", "graphology") else fmt
        print(f"  {what:<22} {target}{'/' if target.is_dir() else ''}")
    print(f"\nopen {out / 'graph-pages.gexf'} in Gephi, or {out / 'report.html'} in a browser")
    print(f"Gephi Lite: open local file {out / 'graph-pages.graphology.json'}; OpenCTI: import"
          f" {out / 'campaigns.stix.json'}; MISP: import {out / 'campaigns.misp.json'}")
    if failed:
        print("failed exports: " + ", ".join(f"{f} --view {v}" for f, v in failed)
              + " (run with -v for the tracebacks)")
    return 0 if comparison.ok and not failed else 1
