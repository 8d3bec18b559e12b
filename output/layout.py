"""A linear-time layout for the report's campaign graph: one disc per campaign, hubs between.

Each campaign is a disc: the campaign node in the middle and the nodes only it
lists (its evidence and its sites) on a sunflower spiral around it, evenly
spaced, so nothing overlaps and the disc's area grows with its node count.
Discs are packed in rows, largest first. A hub (a node several campaigns list,
such as a shared ``wa.me`` handle or image host) sits at the middle of its
campaigns' centres, so its edges point to every campaign it joins instead of
pulling them into one hairball. Time and memory are linear in the graph size,
unlike Kamada-Kawai (quadratic memory, cubic time) or force layouts.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("campaign:a", kind="campaign", campaign="a")
>>> G.add_node("campaign:b", kind="campaign", campaign="b")
>>> for n, c in (("site:x", "a"), ("site:y", "a"), ("site:z", "b")):
...     G.add_node(n, kind="site", campaign=c)
...     G.add_edge(f"campaign:{c}", n)
>>> G.add_node("handle:wa", kind="handle", campaign="", campaigns=2)
>>> G.add_edges_from([("campaign:a", "handle:wa"), ("campaign:b", "handle:wa")])
>>> pos = campaign_layout(G)
>>> sorted(pos) == sorted(G)
True
>>> len(set(pos.values())) == len(G)
True
>>> (ax, ay), (bx, by) = pos["campaign:a"], pos["campaign:b"]
>>> mid = ((ax + bx) / 2, (ay + by) / 2)
>>> math.dist(pos["handle:wa"], mid) < math.dist(pos["campaign:a"], mid)
True
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from typing import Any

import networkx as nx

__all__ = ["campaign_layout"]

_GOLDEN = math.pi * (3 - math.sqrt(5))
#: Distance between neighbouring nodes on a spiral.
_SPACING = 1.0
#: Free space around each disc, in node spacings.
_GAP = 3.0


def _spiral(count: int) -> list[tuple[float, float]]:
    """``count`` evenly spread points around the origin (a sunflower), the first ones nearest."""
    return [
        (_SPACING * math.sqrt(k + 1.5) * math.cos(k * _GOLDEN),
         _SPACING * math.sqrt(k + 1.5) * math.sin(k * _GOLDEN))
        for k in range(count)
    ]


def _jitter(node: Any) -> tuple[float, float]:
    """A small stable offset, so hubs of the same campaigns do not sit on one point."""
    h = zlib.crc32(str(node).encode("utf-8", "surrogatepass"))
    angle = (h % 3600) / 3600 * 2 * math.pi
    radius = 0.4 + (h >> 12) % 100 / 100 * 1.2
    return radius * math.cos(angle), radius * math.sin(angle)


def campaign_layout(G: nx.Graph) -> dict[Any, tuple[float, float]]:
    """Positions for :func:`output.views.campaigns_graph`-shaped graphs (see the module).

    A node belongs to the campaign in its ``campaign`` attribute; campaign
    nodes have ``kind="campaign"``. Nodes of no campaign that touch campaigns
    are hubs; anything else is placed on a last disc of its own.
    """
    centre_of: dict[str, Any] = {}
    members: dict[str, list[Any]] = defaultdict(list)
    hubs, loose = [], []
    for node, data in G.nodes(data=True):
        cid = str(data.get("campaign") or "")
        if data.get("kind") == "campaign":
            centre_of[cid] = node
        elif cid:
            members[cid].append(node)
        elif any(G.nodes[n].get("kind") == "campaign" for n in G.neighbors(node)):
            hubs.append(node)
        else:
            loose.append(node)
    discs = [(centre_of.get(cid), members.get(cid, [])) for cid in centre_of]
    discs += [(None, nodes) for cid, nodes in members.items() if cid not in centre_of]
    if loose:
        discs.append((None, loose))
    discs.sort(key=lambda d: -len(d[1]))  # stable: campaigns' own order among equals

    total = sum(math.pi * (_SPACING * math.sqrt(len(m) + 2) + _GAP) ** 2 for _, m in discs)
    row_width = max(math.sqrt(total) * 1.3, 1.0)
    pos: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for centre, nodes in discs:
        radius = _SPACING * math.sqrt(len(nodes) + 2) + _GAP
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        cx, cy = x + radius, y - radius
        if centre is not None:
            pos[centre] = (cx, cy)
        for node, (dx, dy) in zip(nodes, _spiral(len(nodes))):
            pos[node] = (cx + dx, cy + dy)
        x += 2 * radius
        row_height = max(row_height, 2 * radius)

    for hub in hubs:
        centres = [pos[n] for n in G.neighbors(hub) if n in pos and G.nodes[n].get("kind") == "campaign"]
        if not centres:
            centres = [(0.0, 0.0)]
        dx, dy = _jitter(hub)
        pos[hub] = (sum(c[0] for c in centres) / len(centres) + dx,
                    sum(c[1] for c in centres) / len(centres) + dy)
    return {n: (float(px), float(py)) for n, (px, py) in pos.items()}
