"""One entry point for the graph formats: ``write_graph(data, "gexf", path)``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from output.gexf import write_gexf
from output.graphdata import GraphData
from output.graphml import write_graphml
from output.nodelink import write_node_link
from output.tables import write_csv

__all__ = ["GRAPH_FORMATS", "write_graph"]

GRAPH_FORMATS: dict[str, Callable[[GraphData, Path], object]] = {
    "gexf": write_gexf,
    "graphml": write_graphml,
    "csv": write_csv,
    "json": write_node_link,
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
