"""CSV export in Gephi's spreadsheet format: ``nodes.csv`` and ``edges.csv`` in one directory.

``nodes.csv`` has ``Id``, ``Label`` and one column per node attribute;
``edges.csv`` has ``Source``, ``Target``, ``Type``, ``Weight`` and one column
per edge attribute (an edge attribute named like a fixed column, such as the
page-artifact edges' ``source``, is written as ``edge_source``). Text cells are single lines without XML-forbidden
characters, and a cell that a spreadsheet could run as a formula starts with
``'`` (see :func:`output.text.csv_cell`). Files start with a UTF-8 byte-order
mark, so Excel reads Chinese and every other non-Latin text as UTF-8.

``campaigns.csv`` (:func:`write_campaigns_csv`) is one row per campaign: id,
label, score, pages, core pages, sites, first and last seen, what ties it and
its strongest evidence.
"""

from __future__ import annotations

import csv
from pathlib import Path

from crawler.atomic import atomic_output
from output.campaigns import CampaignsDoc, campaign_list
from output.evidence import by_strength
from output.graphdata import GraphData, reserved_name
from output.text import csv_cell, xml_id

__all__ = ["write_csv", "write_campaigns_csv", "campaign_rows", "NODES_FILE", "EDGES_FILE",
           "CAMPAIGNS_FILE", "CSV_ENCODING"]

_EDGE_COLUMNS = frozenset({"source", "target", "type", "weight", "id", "label"})

NODES_FILE = "nodes.csv"
EDGES_FILE = "edges.csv"
CAMPAIGNS_FILE = "campaigns.csv"
#: UTF-8 with a byte-order mark: Excel's signal that the file is UTF-8.
CSV_ENCODING = "utf-8-sig"
#: How many evidence artifacts the campaigns table names per campaign.
TOP_EVIDENCE = 3


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
    with atomic_output(nodes_path, "w", encoding=CSV_ENCODING, newline="") as fh:
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
    with atomic_output(edges_path, "w", encoding=CSV_ENCODING, newline="") as fh:
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


CAMPAIGN_COLUMNS = ["id", "label", "score", "pages", "core_pages", "sites", "first_seen",
                    "last_seen", "tied_by", "top_evidence"]


def campaign_rows(campaigns: CampaignsDoc | None) -> list[list[object]]:
    """The campaigns table's rows (:data:`CAMPAIGN_COLUMNS`), strongest campaign first.

    ``top_evidence`` names up to :data:`TOP_EVIDENCE` evidence artifacts,
    strong before weak, as ``kind:label (N pages)`` joined by ``; ``.

    >>> doc = {"campaigns": [{"id": "c-1", "label": "telegram:x", "score": 0.5, "size": 3,
    ...   "pages": ["a", "b", "c"], "core": ["a", "b"], "domains": ["a.com", "b.com"],
    ...   "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z",
    ...   "tied_by": "contacts", "evidence": [
    ...     {"kind": "domain", "label": "t.me", "strength": "weak", "pages": 3},
    ...     {"kind": "handle", "label": "telegram:x", "strength": "strong", "pages": 2}]}]}
    >>> campaign_rows(doc)[0][-1]
    'handle:telegram:x (2 pages); domain:t.me (3 pages)'
    """
    rows = []
    for c in campaign_list(campaigns):
        evidence = by_strength(c.get("evidence", []))[:TOP_EVIDENCE]
        rows.append([
            csv_cell(c["id"]),
            csv_cell(c.get("label") or c["id"]),
            float(c.get("score", 0.0)),
            int(c.get("size", len(c.get("pages", [])))),
            len(c.get("core", [])),
            len(c.get("domains", [])),
            csv_cell(c.get("first_seen") or ""),
            csv_cell(c.get("last_seen") or ""),
            csv_cell(c.get("tied_by") or ""),
            csv_cell("; ".join(
                f"{ev.get('kind', '')}:{ev.get('label', '')} ({int(ev.get('pages', 0))} pages)"
                for ev in evidence
            )),
        ])
    return rows


def write_campaigns_csv(campaigns: CampaignsDoc | None, directory: str | Path) -> Path:
    """Write ``campaigns.csv`` (see :func:`campaign_rows`) into ``directory``; return its path."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / CAMPAIGNS_FILE
    with atomic_output(path, "w", encoding=CSV_ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CAMPAIGN_COLUMNS)
        writer.writerows(campaign_rows(campaigns))
    return path
