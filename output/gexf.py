"""A streaming GEXF 1.3 writer (Gephi's format), valid against the official RELAX NG schema.

Nodes and edges are written as they come from the view's iterators, so memory
does not grow with the graph. Every label and value passes through
:func:`output.text.xml_text` (and ids through :func:`output.text.xml_id`), so
a page title holding NUL, escape codes or lone surrogates still gives a
well-formed file that keeps the rest of the title.

Times: when the view has times (``GraphData.dynamic``), the graph is written in
``dynamic`` mode and a node or edge with a ``start`` (a page's fetch time, an
artifact's first sighting) appears at that time in Gephi's timeline. The
``timeformat`` is ``date`` and values keep their full ISO 8601 time: the
schema accepts both forms for every ``timeformat``, Gephi parses full times
under ``date``, and networkx's reader (which knows no ``dateTime`` format)
reads them back as strings.

>>> import io
>>> from output.graphdata import AttrSpec, Edge, GraphData, Node
>>> data = GraphData(
...     name="demo", directed=True,
...     node_attrs=[AttrSpec("kind", "string"), AttrSpec("pages", "integer")],
...     edge_attrs=[],
...     nodes=lambda: iter([Node("a", "A\\x00<b>", {"kind": "page"}, (1, 2, 3, 0.5)),
...                         Node("b", "B", {"kind": "handle", "pages": 2}, (4, 5, 6, 1.0))]),
...     edges=lambda: iter([Edge("a", "b", 1.0)]))
>>> buf = io.StringIO()
>>> write_gexf(data, buf)
>>> '<node id="a" label="A&lt;b&gt;">' in buf.getvalue()
True
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TextIO

from output.graphdata import AttrSpec, Edge, GraphData, Node
from output.text import one_line, xml_id, xml_text
from output.xmlwrite import attr_escape, format_value, text_output, write_batched

__all__ = ["write_gexf", "GEXF_NS", "VIZ_NS", "gexf_time"]

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"

_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))?)?"
)


def gexf_time(value: object) -> str | None:
    """``value`` if it is an ISO 8601 date or date-time the schema accepts, else ``None``.

    >>> gexf_time("2026-11-23T05:02:15Z"), gexf_time("2026-11-23")
    ('2026-11-23T05:02:15Z', '2026-11-23')
    >>> gexf_time(""), gexf_time("2026-13-01"), gexf_time("yesterday"), gexf_time(None)
    (None, None, None, None)
    """
    if not isinstance(value, str):
        return None
    m = _TIME.fullmatch(value)
    if m is None:
        return None
    year, month, day, hour, minute, second, tz_h, tz_m = m.groups()
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second) > 59):
        return None
    if tz_h is not None and (int(tz_h) > 14 or int(tz_m) > 59):
        return None
    return value


def _declare(cls: str, specs: list[AttrSpec]) -> str:
    parts = [f'    <attributes class="{cls}" mode="static">\n']
    for spec in specs:
        name = attr_escape(one_line(spec.name))
        parts.append(f'      <attribute id="{name}" title="{name}" type="{spec.type}"/>\n')
    parts.append("    </attributes>\n")
    return "".join(parts)


def _attvalues(values: dict[str, object], specs: list[tuple[str, str, str]]) -> str:
    parts = []
    for name, key, typ in specs:
        value = values.get(name)
        if value is not None:
            parts.append(f'<attvalue for="{key}" value="{format_value(value, typ)}"/>')
    if not parts:
        return ""
    return "<attvalues>" + "".join(parts) + "</attvalues>"


def _node_xml(node: Node, specs: list[tuple[str, str, str]], dynamic: bool) -> str:
    r, g, b, a = node.color
    start = gexf_time(node.start) if dynamic else None
    timed = f' start="{start}"' if start else ""
    node_id, label = attr_escape(xml_id(node.id)), attr_escape(one_line(node.label))
    return (
        f'      <node id="{node_id}" label="{label}"{timed}>'
        f"{_attvalues(node.attrs, specs)}"
        f'<viz:color r="{int(r)}" g="{int(g)}" b="{int(b)}" a="{min(max(float(a), 0.0), 1.0)}"/>'
        f'<viz:size value="{format_value(max(node.size, 0.0), "double")}"/>'
        "</node>\n"
    )


def _edge_xml(i: int, edge: Edge, specs: list[tuple[str, str, str]], dynamic: bool) -> str:
    start = gexf_time(edge.start) if dynamic else None
    timed = f' start="{start}"' if start else ""
    weight = format_value(edge.weight, "double")
    return (
        f'      <edge id="{i}" source="{attr_escape(xml_id(edge.source))}"'
        f' target="{attr_escape(xml_id(edge.target))}" weight="{weight}"{timed}>'
        f"{_attvalues(edge.attrs, specs)}</edge>\n"
    )


def _write(data: GraphData, out: TextIO) -> None:
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    mode = ' mode="dynamic" timeformat="date"' if data.dynamic else ' mode="static"'
    edge_type = "directed" if data.directed else "undirected"
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{VIZ_NS}" version="1.3">\n'
        f'  <meta lastmodifieddate="{today}">\n'
        "    <creator>Cobweb</creator>\n"
        f"    <description>{attr_escape(xml_text(data.name))}</description>\n"
        "  </meta>\n"
        f'  <graph defaultedgetype="{edge_type}"{mode}>\n'
    )
    # a node's id and label are the <node> element's own; Gephi reserves those column names
    node_attrs = [s for s in data.node_attrs if s.name.lower() not in ("id", "label")]
    out.write(_declare("node", node_attrs))
    out.write(_declare("edge", data.edge_attrs))
    node_specs = [(s.name, attr_escape(one_line(s.name)), s.type) for s in node_attrs]
    edge_specs = [(s.name, attr_escape(one_line(s.name)), s.type) for s in data.edge_attrs]
    out.write("    <nodes>\n")
    write_batched(out, (_node_xml(n, node_specs, data.dynamic) for n in data.nodes()))
    out.write("    </nodes>\n    <edges>\n")
    write_batched(
        out, (_edge_xml(i, e, edge_specs, data.dynamic) for i, e in enumerate(data.edges()))
    )
    out.write("    </edges>\n  </graph>\n</gexf>\n")


def write_gexf(data: GraphData, path: str | Path | TextIO) -> None:
    """Write ``data`` as GEXF 1.3 to a path or an open text file.

    Parameters
    ----------
    data : GraphData
        The graph; its node and edge iterators are consumed once each.
    path : str, Path or text file
        Where to write. A path is written as UTF-8.
    """
    with text_output(path) as out:
        _write(data, out)
