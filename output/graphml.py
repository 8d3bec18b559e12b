"""A streaming GraphML writer, readable by networkx, igraph and Cytoscape.

Every attribute is declared once as a typed ``<key>``; a node or edge without
a value for it simply has no ``<data>`` for it (never ``None``). Text goes
through :func:`output.text.xml_text`, ids through :func:`output.text.xml_id`.

>>> import io
>>> from output.graphdata import AttrSpec, Edge, GraphData, Node
>>> data = GraphData(
...     name="demo", directed=False,
...     node_attrs=[AttrSpec("kind", "string"), AttrSpec("pages", "integer")],
...     edge_attrs=[],
...     nodes=lambda: iter([Node("a", "A", {"kind": "page\\x1b"}, (1, 2, 3, 1.0))]),
...     edges=lambda: iter([]))
>>> buf = io.StringIO()
>>> write_graphml(data, buf)
>>> '<node id="a"><data key="n0">page</data></node>' in buf.getvalue()
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from output.graphdata import GraphData
from output.text import one_line, xml_id
from output.xmlwrite import attr_escape, format_value, text_output, write_batched

__all__ = ["write_graphml", "GRAPHML_NS"]

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"

_TYPES = {"string": "string", "integer": "int", "long": "long", "double": "double",
          "boolean": "boolean"}


def _data(values: dict[str, object], keys: list[tuple[str, str, str]]) -> str:
    return "".join(
        f'<data key="{key}">{format_value(values[name], typ)}</data>'
        for name, key, typ in keys
        if values.get(name) is not None
    )


def _write(data: GraphData, out: TextIO) -> None:
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<graphml xmlns="{GRAPHML_NS}"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">\n'
    )
    node_keys = [(s.name, f"n{i}", s.type) for i, s in enumerate(data.node_attrs)]
    edge_keys = [(s.name, f"e{i}", s.type) for i, s in enumerate(data.edge_attrs)]
    edge_keys.append(("weight", "weight", "double"))
    for cls, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, key, typ in keys:
            out.write(
                f'  <key id="{key}" for="{cls}" attr.name="{attr_escape(one_line(name))}"'
                f' attr.type="{_TYPES[typ]}"/>\n'
            )
    edge_default = "directed" if data.directed else "undirected"
    out.write(f'  <graph id="G" edgedefault="{edge_default}">\n')
    write_batched(
        out,
        (
            f'    <node id="{attr_escape(xml_id(n.id))}">{_data(n.attrs, node_keys)}</node>\n'
            for n in data.nodes()
        ),
    )
    write_batched(
        out,
        (
            f'    <edge source="{attr_escape(xml_id(e.source))}" target="{attr_escape(xml_id(e.target))}">'
            f"{_data({**e.attrs, 'weight': e.weight}, edge_keys)}</edge>\n"
            for e in data.edges()
        ),
    )
    out.write("  </graph>\n</graphml>\n")


def write_graphml(data: GraphData, path: str | Path | TextIO) -> None:
    """Write ``data`` as GraphML to a path (UTF-8) or an open text file."""
    with text_output(path) as out:
        _write(data, out)
