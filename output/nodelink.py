"""JSON export in networkx's node-link shape, for scripts.

Read it back with ``networkx.node_link_graph(json.load(fh), edges="edges")``.
An attribute named like one of the format's own keys (the page-artifact edges'
``source``) is written with a prefix (``edge_source``). Strings are stripped of XML-forbidden characters (so of lone surrogates, which
strict JSON readers reject) and ids are the same as in every other export.

>>> import io, json
>>> from output.graphdata import AttrSpec, Edge, GraphData, Node
>>> data = GraphData(
...     name="demo", directed=True, node_attrs=[AttrSpec("kind", "string")], edge_attrs=[],
...     nodes=lambda: iter([Node("a", "A\\ud800", {"kind": "page"}, (1, 2, 3, 1.0)),
...                         Node("b", "B", {"kind": "handle"}, (1, 2, 3, 1.0))]),
...     edges=lambda: iter([Edge("a", "b", 2.0)]))
>>> buf = io.StringIO()
>>> write_node_link(data, buf)
>>> doc = json.loads(buf.getvalue())
>>> doc["nodes"][0], doc["edges"]
({'id': 'a', 'label': 'A', 'kind': 'page', 'color': '#010203', 'size': 1.0}, [{'source': 'a', 'target': 'b', 'weight': 2.0}])
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from output.graphdata import GraphData, Node, reserved_name
from output.style import hex_color
from output.text import xml_id, xml_text
from output.xmlwrite import text_output, write_batched

__all__ = ["write_node_link"]

_NODE_KEYS = frozenset({"id", "color", "size", "start"})
_EDGE_KEYS = frozenset({"source", "target", "weight"})


def _clean(value: object) -> object:
    return xml_text(value) if isinstance(value, str) else value


def _node(n: Node) -> dict[str, object]:
    doc: dict[str, object] = {"id": xml_id(n.id), "label": xml_text(n.label)}
    doc.update(
        (reserved_name(k, "node", _NODE_KEYS), _clean(v))
        for k, v in n.attrs.items()
        if v is not None and k != "label"
    )
    doc["color"] = hex_color(n.color)
    doc["size"] = n.size
    if n.start:
        doc["start"] = xml_text(n.start)
    return doc


def _write(data: GraphData, out: TextIO) -> None:
    head = {"directed": data.directed, "multigraph": False, "graph": {"name": xml_text(data.name)}}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "nodes": [\n')
    write_batched(
        out,
        ((",\n" if i else "") + json.dumps(_node(n), ensure_ascii=False)
         for i, n in enumerate(data.nodes())),
    )
    out.write('\n], "edges": [\n')
    write_batched(
        out,
        (
            (",\n" if i else "")
            + json.dumps(
                {
                    "source": xml_id(e.source),
                    "target": xml_id(e.target),
                    "weight": float(e.weight),
                    **{
                        reserved_name(k, "edge", _EDGE_KEYS): _clean(v)
                        for k, v in e.attrs.items()
                        if v is not None
                    },
                },
                ensure_ascii=False,
            )
            for i, e in enumerate(data.edges())
        ),
    )
    out.write("\n]}\n")


def write_node_link(data: GraphData, path: str | Path | TextIO) -> None:
    """Write ``data`` as node-link JSON to a path (UTF-8) or an open text file."""
    with text_output(path) as out:
        _write(data, out)
