"""``cobweb export``: write a run's graph or report for Gephi, scripts or a browser."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from crawler.cli.errors import UserError
from crawler.store import PageStore, store_path
from output.campaigns import load_campaigns
from output.formats import write_graph
from output.report import write_report
from output.views import VIEWS, view_graph

logger = logging.getLogger(__name__)

FORMATS = ("gexf", "graphml", "csv", "json", "html")
FORMATS += ("wacz",)  # the run's WARC files for replay (output/wacz.py)

EXAMPLE = """example:
  cobweb export runs/esim --format gexf -o esim.gexf
  cobweb export runs/esim --format gexf --view sites -o esim-sites.gexf
  cobweb export runs/esim --format graphml --view campaigns -o esim-campaigns.graphml
  cobweb export runs/esim --format csv -o esim-csv/      (writes nodes.csv and edges.csv)
  cobweb export runs/esim --format json -o esim.json     (networkx node-link)
  cobweb export runs/esim --format html -o esim.html
  cobweb export runs/esim --format wacz -o esim.wacz     (WARCs, index and pages for replay)"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "export",
        help="export the graph (gexf, graphml, csv, json) or the HTML report",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--view", default="pages", choices=VIEWS,
                   help="pages: every page and its artifacts (default); sites: domain-domain;"
                        " campaigns: one node per campaign")
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir)
    if not store_path(run_dir).exists():
        logger.error("%s: no crawl here (expected %s)", run_dir, store_path(run_dir))
        return 2
    campaigns = load_campaigns(run_dir)  # logs a warning when missing
    if campaigns is None and (args.format == "html" or args.view != "pages"):
        what = "the HTML report" if args.format == "html" else f"--view {args.view}"
        logger.error("%s needs %s/campaigns.json: run `cobweb analyze %s` first",
                     what, run_dir, run_dir)
        return 2
    out = Path(args.output)
    with PageStore(store_path(run_dir)) as store:
        if args.format == "wacz":
            from output.wacz import write_wacz

            try:
                write_wacz(run_dir, store, out)
            except FileNotFoundError as exc:
                raise UserError(f"{exc}; crawl without --no-warc to export WACZ") from None
        elif args.format == "html":
            write_report(store, campaigns, out)
        else:
            write_graph(view_graph(args.view, store, campaigns), args.format, out)
    print(out)
    return 0
