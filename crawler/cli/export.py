"""``cobweb export``: write a run's graph or report for Gephi, scripts or a browser."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.cli.errors import UserError
from crawler.cli.runs import require_run, writing

FORMATS = ("gexf", "graphml", "csv", "json", "html", "graphology", "stix", "misp", "wacz")
#: output.views.VIEWS, spelled out: importing the exporters (networkx, scipy) takes
#: seconds, and every command builds this parser.
VIEWS = ("pages", "sites", "campaigns")

EXAMPLE = """example:
  cobweb export runs/esim --format gexf -o esim.gexf
  cobweb export runs/esim --format gexf --view sites -o esim-sites.gexf
  cobweb export runs/esim --format graphml --view campaigns -o esim-campaigns.graphml
  cobweb export runs/esim --format csv -o esim-csv/      (nodes.csv, edges.csv, campaigns.csv)
  cobweb export runs/esim --format json -o esim.json     (networkx node-link)
  cobweb export runs/esim --format html -o esim.html
  cobweb export runs/esim --format graphology -o esim-graph.json   (Gephi Lite: open local file)
  cobweb export runs/esim --format stix -o esim-stix.json          (STIX 2.1 bundle: OpenCTI, TIPs)
  cobweb export runs/esim --format misp -o esim-misp.json          (one MISP event)
  cobweb export runs/esim --format wacz -o esim.wacz               (WARCs, index and pages for replay)"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "export",
        help="export the graph (gexf, graphml, csv, json, graphology), the HTML report,"
             " or the campaigns for STIX 2.1 and MISP",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--view", default="pages", choices=VIEWS,
                   help="pages: every page and its artifacts (default); sites: domain-domain;"
                        " campaigns: one node per campaign, its evidence and its sites")
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from crawler.store import PageStore, store_path
    from output.campaigns import CAMPAIGNS_FILENAME, load_campaigns
    from output.formats import CAMPAIGN_FORMATS, write_graph
    from output.report import write_report
    from output.tables import write_campaigns_csv
    from output.views import view_graph

    run_dir = require_run(args.run_dir)
    out = Path(args.output)
    if args.format == "csv" and out.exists() and not out.is_dir():
        raise UserError(f"{out} is a file, and --format csv writes a folder (nodes.csv, "
                        "edges.csv); give a folder path with -o")
    if args.format != "csv" and out.is_dir():
        name = "report.html" if args.format == "html" else f"graph.{args.format}"
        raise UserError(f"{out} is a folder; give a file path with -o, e.g. -o {out / name}")
    if args.format in CAMPAIGN_FORMATS:  # the campaigns only, for TIPs: no view, no store
        if not (run_dir / CAMPAIGNS_FILENAME).exists():
            raise UserError(f"--format {args.format} exports the campaigns of {run_dir}, which has"
                            f" no campaigns.json; run `cobweb analyze {run_dir}` first")
        with writing(out):
            CAMPAIGN_FORMATS[args.format](load_campaigns(run_dir), out)
        print(out)
        return 0
    needs_campaigns = args.format == "html" or args.view != "pages"
    if needs_campaigns and not (run_dir / CAMPAIGNS_FILENAME).exists():
        what = "the HTML report" if args.format == "html" else f"--view {args.view}"
        raise UserError(f"{what} needs {run_dir / CAMPAIGNS_FILENAME}; run cobweb analyze "
                        f"{run_dir} first")
    campaigns = load_campaigns(run_dir)  # a warning when missing: pages export without
    with PageStore(store_path(run_dir)) as store, writing(out):
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
            if args.format == "csv" and campaigns is not None:
                write_campaigns_csv(campaigns, out)
    print(out)
    return 0
