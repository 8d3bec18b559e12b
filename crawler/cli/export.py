"""``cobweb export``: write a run's graph or report for Gephi, scripts or a browser."""

from __future__ import annotations

import argparse

FORMATS = ("gexf", "graphml", "csv", "json", "html")
VIEWS = ("pages", "sites", "campaigns")

EXAMPLE = """example:
  cobweb export runs/esim --format gexf -o esim.gexf
  cobweb export runs/esim --format gexf --view sites -o esim-sites.gexf
  cobweb export runs/esim --format csv -o esim-csv/      (writes nodes.csv and edges.csv)
  cobweb export runs/esim --format html -o esim.html"""


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
    raise NotImplementedError("export: being written")
