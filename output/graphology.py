"""graphology's serialized JSON, the file Gephi Lite opens ("Open a local file").

The document is ``{"attributes", "options", "nodes", "edges"}`` as
``Graph.import()`` / ``Graph.from()`` of graphology read it: each node is
``{"key", "attributes"}``, each edge ``{"key", "source", "target",
"attributes"}``. Attributes are those of the GEXF export (``kind``, ``label``,
``url``, ``campaign``, ...) plus the drawing attributes graphology renderers
read: ``size``, ``color`` (``rgba(r,g,b,a)``, as graphology-gexf reads the
GEXF's ``viz:color``) and ``x``/``y``. The GEXF carries no positions; here
each node gets a fixed one derived from its id (a disc), so Gephi Lite draws
the graph at once and a layout starts from the same picture every time.
Edges carry ``weight`` and their GEXF attributes; an edge's key is its index,
as in the GEXF.

Nodes and edges are written as the view's iterators yield them, so a 100k-page
run streams through with flat memory, atomically (:mod:`crawler.atomic`).

>>> import io, json
>>> from output.graphdata import AttrSpec, Edge, GraphData, Node
>>> data = GraphData(
...     name="demo", directed=True, node_attrs=[AttrSpec("kind", "string")], edge_attrs=[],
...     nodes=lambda: iter([Node("a", "A\\ud800", {"kind": "page", "label": "A"}, (1, 2, 3, 0.5)),
...                         Node("b", "B", {"kind": "handle"}, (1, 2, 3, 1.0), 4.0)]),
...     edges=lambda: iter([Edge("a", "b", 2.0, {"source": "href"})]))
>>> buf = io.StringIO()
>>> write_graphology(data, buf)
>>> doc = json.loads(buf.getvalue())
>>> doc["options"], doc["nodes"][0]["attributes"]["color"], doc["nodes"][0]["attributes"]["label"]
({'type': 'directed', 'multi': False, 'allowSelfLoops': True}, 'rgba(1,2,3,0.5)', 'A')
>>> doc["nodes"][1]["attributes"]["color"]
'rgba(1,2,3,1.0)'
>>> doc["edges"]
[{'key': '0', 'source': 'a', 'target': 'b', 'attributes': {'weight': 2.0, 'source': 'href'}}]
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import TextIO

from output.graphdata import Edge, GraphData, Node
from output.text import xml_id, xml_text
from output.xmlwrite import text_output, write_batched

__all__ = ["write_graphology", "node_position"]

#: Radius of the disc the nodes are placed on.
RADIUS = 1000.0


def node_position(node_id: str) -> tuple[float, float]:
    """A fixed position for a node, uniform on a disc, from a hash of its id.

    >>> node_position("page:x") == node_position("page:x"), math.hypot(*node_position("a")) <= RADIUS
    (True, True)
    """
    digest = hashlib.blake2b(node_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    u = int.from_bytes(digest[:4], "big") / 2**32
    v = int.from_bytes(digest[4:], "big") / 2**32
    r, angle = RADIUS * math.sqrt(u), 2 * math.pi * v
    return round(r * math.cos(angle), 3), round(r * math.sin(angle), 3)


def _value(value: object) -> object:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    return value


def _rgba(color: tuple[int, int, int, float]) -> str:
    r, g, b, a = color
    return f"rgba({int(r)},{int(g)},{int(b)},{min(max(float(a), 0.0), 1.0)})"  # as in the GEXF


def _node(n: Node) -> str:
    attrs = {k: _value(v) for k, v in n.attrs.items() if v is not None}
    attrs["label"] = xml_text(n.label)
    x, y = node_position(n.id)
    attrs.update(size=max(float(n.size), 0.0), color=_rgba(n.color), x=x, y=y)
    return json.dumps({"key": xml_id(n.id), "attributes": attrs}, ensure_ascii=False,
                      allow_nan=False)


def _edge(i: int, e: Edge) -> str:
    attrs: dict[str, object] = {"weight": _value(float(e.weight))}
    attrs.update((k, _value(v)) for k, v in e.attrs.items() if v is not None)
    doc = {"key": str(i), "source": xml_id(e.source), "target": xml_id(e.target),
           "attributes": {k: v for k, v in attrs.items() if v is not None}}
    return json.dumps(doc, ensure_ascii=False, allow_nan=False)


def _write(data: GraphData, out: TextIO) -> None:
    head = {
        "attributes": {"name": xml_text(data.name)},
        "options": {"type": "directed" if data.directed else "undirected", "multi": False,
                    "allowSelfLoops": True},
    }
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "nodes": [\n')
    write_batched(out, ((",\n" if i else "") + _node(n) for i, n in enumerate(data.nodes())))
    out.write('\n], "edges": [\n')
    write_batched(out, ((",\n" if i else "") + _edge(i, e) for i, e in enumerate(data.edges())))
    out.write("\n]}\n")


def write_graphology(data: GraphData, path: str | Path | TextIO) -> None:
    """Write ``data`` as graphology serialized JSON to a path (atomically, UTF-8) or a text file."""
    with text_output(path) as out:
        _write(data, out)
