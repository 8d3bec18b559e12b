"""One entry point for the graph formats: ``write_graph(data, "gexf", path)``.

The sharing formats (STIX 2.1, MISP) export the campaigns, not a graph view:
:data:`CAMPAIGN_FORMATS` maps each to its writer ``f(campaigns_doc, path)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from output.gexf import write_gexf
from output.graphdata import GraphData
from output.graphml import write_graphml
from output.graphology import write_graphology
from output.nodelink import write_node_link
from output.tables import write_csv

__all__ = ["GRAPH_FORMATS", "CAMPAIGN_FORMATS", "write_graph"]

GRAPH_FORMATS: dict[str, Callable[[GraphData, Path], object]] = {
    "gexf": write_gexf,
    "graphml": write_graphml,
    "csv": write_csv,
    "json": write_node_link,
    "graphology": write_graphology,
}


# stix2 and PyMISP take about a second each to import: only when their format is asked for.
def _write_stix(doc: dict | None, path: Path) -> object:
    from output.stix import write_stix

    return write_stix(doc, path)


def _write_misp(doc: dict | None, path: Path) -> object:
    from output.misp import write_misp

    return write_misp(doc, path)


#: Formats that export ``campaigns.json`` for threat-intelligence platforms.
CAMPAIGN_FORMATS: dict[str, Callable[[dict | None, Path], object]] = {
    "stix": _write_stix,
    "misp": _write_misp,
}


def write_graph(data: GraphData, fmt: str, out: str | Path) -> Path:
    """Write ``data`` as ``fmt`` (one of :data:`GRAPH_FORMATS`) to ``out`` and return it.

    For ``csv``, ``out`` is a directory that receives ``nodes.csv`` and ``edges.csv``.
    """
    out = Path(out)
    if fmt != "csv":
        out.parent.mkdir(parents=True, exist_ok=True)
    GRAPH_FORMATS[fmt](data, out)
    return out
