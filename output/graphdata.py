"""The one graph shape every exporter writes: typed attributes, streamed nodes and edges.

A view (:mod:`output.views`) describes its graph as a :class:`GraphData`: the
typed attributes of its nodes and edges, and two callables that each return a
fresh iterator, one over the nodes and one over the edges. Exporters call them
once each (nodes first), so a view over the page store never holds the graph
in memory.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("site:a.com", kind="site", label="a.com", pages=3, score=None)
>>> G.add_edge("site:a.com", "site:b.com", weight=2.0)
>>> data = from_networkx(G)
>>> [(a.name, a.type) for a in data.node_attrs]
[('kind', 'string'), ('label', 'string'), ('pages', 'integer')]
>>> [n.id for n in data.nodes()], [(e.source, e.target, e.weight) for e in data.edges()]
(['site:a.com', 'site:b.com'], [('site:a.com', 'site:b.com', 2.0)])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

__all__ = [
    "AttrType",
    "AttrSpec",
    "Node",
    "Edge",
    "GraphData",
    "from_networkx",
    "attr_type_of",
    "reserved_name",
]

AttrType = Literal["string", "integer", "long", "double", "boolean"]


@dataclass(frozen=True, slots=True)
class AttrSpec:
    """One typed attribute column."""

    name: str
    type: AttrType


@dataclass(slots=True)
class Node:
    """A node: its id, its attribute values, how to draw it and when it appears.

    ``label`` and ``kind`` are also in ``attrs``; ``color`` is ``(r, g, b, a)``
    with ``a`` in 0..1; ``start`` is an ISO 8601 time or ``None``.
    """

    id: str
    label: str
    attrs: dict[str, object]
    color: tuple[int, int, int, float]
    size: float = 1.0
    start: str | None = None


@dataclass(slots=True)
class Edge:
    """An edge between two node ids, with its weight and attribute values."""

    source: str
    target: str
    weight: float = 1.0
    attrs: dict[str, object] = field(default_factory=dict)
    start: str | None = None


@dataclass(slots=True)
class GraphData:
    """A graph ready to export: attribute columns and node and edge streams.

    ``nodes`` and ``edges`` return new iterators each call; every edge end is
    the id of a node that ``nodes`` yields.
    """

    name: str
    directed: bool
    node_attrs: list[AttrSpec]
    edge_attrs: list[AttrSpec]
    nodes: Callable[[], Iterator[Node]]
    edges: Callable[[], Iterator[Edge]]
    dynamic: bool = False


def attr_type_of(value: object) -> AttrType | None:
    """The attribute type of a Python value, ``None`` for values no export can type.

    >>> attr_type_of(True), attr_type_of(3), attr_type_of(2**40), attr_type_of(0.5), attr_type_of("x")
    ('boolean', 'integer', 'long', 'double', 'string')
    >>> attr_type_of(None), attr_type_of([1])
    (None, None)
    """
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if -(2**31) <= value < 2**31 else "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    return None


def reserved_name(name: str, prefix: str, reserved: frozenset[str]) -> str:
    """``name``, or ``<prefix>_<name>`` when a format reserves it (compared case-insensitively).

    >>> reserved_name("source", "edge", frozenset({"source"})), reserved_name("hidden", "edge", frozenset())
    ('edge_source', 'hidden')
    """
    return f"{prefix}_{name}" if name.lower() in reserved else name


_WIDER: dict[frozenset[str], AttrType] = {
    frozenset({"integer", "long"}): "long",
    frozenset({"integer", "double"}): "double",
    frozenset({"long", "double"}): "double",
    frozenset({"integer", "long", "double"}): "double",
}


def _infer_specs(rows: Iterator[Mapping[str, object]], skip: set[str]) -> list[AttrSpec]:
    seen: dict[str, set[str]] = {}
    for data in rows:
        for key, value in data.items():
            typ = attr_type_of(value)
            if key in skip or typ is None:
                continue
            seen.setdefault(str(key), set()).add(typ)
    specs = []
    for key, types in seen.items():
        if len(types) == 1:
            typ: AttrType = next(iter(types))  # type: ignore[assignment]
        else:
            typ = _WIDER.get(frozenset(types), "string")
        specs.append(AttrSpec(key, typ))
    return specs


def _coerce(value: object, typ: str) -> object:
    if typ == "string":
        return value if isinstance(value, str) else str(value)
    if typ == "double":
        return float(value)  # type: ignore[arg-type]
    return value


def from_networkx(
    G: nx.Graph,
    *,
    name: str = "",
    color: Callable[[str, Mapping[str, object]], tuple[int, int, int, float]] | None = None,
    size: Callable[[str, Mapping[str, object]], float] | None = None,
    weight: str = "weight",
) -> GraphData:
    """Describe an in-memory networkx graph as :class:`GraphData`.

    Attribute columns are inferred from the values present; ``None`` values and
    values of no exportable type (lists, dicts) are left out, and a column with
    mixed types widens to ``double`` or ``string``.
    """
    node_specs = _infer_specs((d for _, d in G.nodes(data=True)), skip=set())
    edge_specs = _infer_specs((d for _, _, d in G.edges(data=True)), skip={weight})
    node_types = {s.name: s.type for s in node_specs}
    edge_types = {s.name: s.type for s in edge_specs}

    def nodes() -> Iterator[Node]:
        for node, data in G.nodes(data=True):
            attrs = {
                k: _coerce(v, node_types[k])
                for k, v in data.items()
                if k in node_types and attr_type_of(v) is not None
            }
            label = str(data.get("label") or node)
            first = data.get("first_seen")
            yield Node(
                id=str(node),
                label=label,
                attrs=attrs,
                color=color(str(node), data) if color else (153, 153, 153, 1.0),
                size=size(str(node), data) if size else 1.0,
                start=first if isinstance(first, str) and first else None,
            )

    def edges() -> Iterator[Edge]:
        for u, v, data in G.edges(data=True):
            attrs = {
                k: _coerce(val, edge_types[k])
                for k, val in data.items()
                if k in edge_types and attr_type_of(val) is not None
            }
            w = data.get(weight, 1.0)
            yield Edge(str(u), str(v), float(w) if attr_type_of(w) in ("integer", "long", "double") else 1.0, attrs)

    return GraphData(
        name=name,
        directed=G.is_directed(),
        node_attrs=node_specs,
        edge_attrs=edge_specs,
        nodes=nodes,
        edges=edges,
    )
