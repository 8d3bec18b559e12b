"""Every export of a run at once (what ``cobweb demo`` writes), and one export by view.

>>> sorted(EXTENSIONS)
['csv', 'gexf', 'graphml', 'json']
"""

from __future__ import annotations

from pathlib import Path

from analysis.sites import site_graph
from crawler.store import PageStore, store_path
from output import views
from output.campaigns import CampaignsDoc, load_campaigns
from output.formats import write_graph
from output.graphdata import GraphData
from output.report import write_report

__all__ = ["VIEWS", "EXTENSIONS", "view_graph", "export_run"]

VIEWS = ("pages", "sites", "campaigns")
#: File name ending per graph format (csv writes a directory).
EXTENSIONS = {"gexf": ".gexf", "graphml": ".graphml", "json": ".json", "csv": "-csv"}


def view_graph(view: str, store: PageStore, campaigns: CampaignsDoc | None) -> GraphData:
    """The graph of one view (``pages``, ``sites`` or ``campaigns``) of an open run."""
    if view == "pages":
        return views.pages_view(store, campaigns)
    if view == "sites":
        return views.sites_view(site_graph(store, campaigns), campaigns)
    if view == "campaigns":
        return views.campaigns_view(campaigns)
    raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")


def export_run(run_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Write every format of every view, and the HTML report, into ``out_dir``.

    Returns ``{"pages.gexf": path, ..., "report.html": path}``. Without
    ``campaigns.json`` only the ``pages`` view is written (campaign ``""``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    campaigns = load_campaigns(run_dir)
    written: dict[str, Path] = {}
    with PageStore(store_path(run_dir)) as store:
        for view in VIEWS if campaigns is not None else ("pages",):
            for fmt, ending in EXTENSIONS.items():
                name = f"{view}{ending}"
                written[name] = write_graph(view_graph(view, store, campaigns), fmt, out / name)
        if campaigns is not None:
            written["report.html"] = write_report(store, campaigns, out / "report.html")
    return written
