"""CSV export in Gephi's spreadsheet format: ``nodes.csv`` and ``edges.csv`` in one directory.

``nodes.csv`` has ``Id``, ``Label`` and one column per node attribute;
``edges.csv`` has ``Source``, ``Target``, ``Type``, ``Weight`` and one column
per edge attribute (an edge attribute named like a fixed column, such as the
page-artifact edges' ``source``, is written as ``edge_source``). Text cells are single lines without XML-forbidden
characters, and a cell that a spreadsheet could run as a formula starts with
``'`` (see :func:`output.text.csv_cell`).
"""

from __future__ import annotations

import csv
from pathlib import Path

from crawler.atomic import atomic_output
from output.graphdata import GraphData, reserved_name
from output.text import csv_cell, xml_id

__all__ = ["write_csv", "NODES_FILE", "EDGES_FILE"]

_EDGE_COLUMNS = frozenset({"source", "target", "type", "weight", "id", "label"})

NODES_FILE = "nodes.csv"
EDGES_FILE = "edges.csv"


def write_csv(data: GraphData, directory: str | Path) -> tuple[Path, Path]:
    """Write ``nodes.csv`` and ``edges.csv`` into ``directory`` (created if needed).

    Returns the two paths.
    """
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    node_cols = [s.name for s in data.node_attrs if s.name.lower() not in ("id", "label")]
    edge_cols = [s.name for s in data.edge_attrs]
    edge_heads = [reserved_name(c, "edge", _EDGE_COLUMNS) for c in edge_cols]
    edge_type = "Directed" if data.directed else "Undirected"

    nodes_path = out_dir / NODES_FILE
    with atomic_output(nodes_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Id", "Label", *(csv_cell(c) for c in node_cols)])
        writer.writerows(
            [
                csv_cell(xml_id(n.id)),
                csv_cell(n.label),
                *(csv_cell(n.attrs[c]) if n.attrs.get(c) is not None else "" for c in node_cols),
            ]
            for n in data.nodes()
        )
    edges_path = out_dir / EDGES_FILE
    with atomic_output(edges_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Source", "Target", "Type", "Weight", *(csv_cell(c) for c in edge_heads)])
        writer.writerows(
            [
                csv_cell(xml_id(e.source)),
                csv_cell(xml_id(e.target)),
                edge_type,
                float(e.weight),
                *(csv_cell(e.attrs[c]) if e.attrs.get(c) is not None else "" for c in edge_cols),
            ]
            for e in data.edges()
        )
    return nodes_path, edges_path
