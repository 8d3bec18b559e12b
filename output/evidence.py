"""How the exports order and explain a campaign's evidence and numbers.

``campaigns.json`` gives each evidence artifact a ``strength`` (strong tie
artifacts, weak supporting ones) and a ``weight``, the IDF
``ln(1 + sites in run / sites carrying it in the run)``: how *rare* the artifact
is in the run, not how strongly it ties the campaign. A Telegram handle on 36
sites is strong evidence with a low weight; an out-link domain on one other
site is weak evidence with a high weight. So the exports order evidence by
strength, then by the pages carrying it, and call the weight "rarity".

>>> evs = [{"kind": "domain", "label": "x.com", "strength": "weak", "pages": 9, "weight": 2.2},
...        {"kind": "handle", "label": "telegram:a", "strength": "strong", "pages": 36,
...         "core_pages": 30, "weight": 1.2},
...        {"kind": "image", "label": "http://i/x.png", "strength": "strong", "pages": 40,
...         "core_pages": 30, "weight": 1.9}]
>>> [e["kind"] for e in by_strength(evs)]
['image', 'handle', 'domain']
>>> set_aside_labels({"set_aside": [{"kind": "image", "label": "p.gif"}],
...                   "ubiquitous": [{"kind": "domain", "label": "g.com"}]}) == {
...     ("image", "p.gif"), ("domain", "g.com")}
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["by_strength", "set_aside_labels", "SCORE_MEANING", "WEIGHT_MEANING",
           "STRENGTH_MEANING", "CORE_MEANING"]

SCORE_MEANING = (
    "Score (0 to 1): how strongly the pages are coordinated, 1 − exp(−m), where m adds up, over"
    " the strong evidence, the share of the campaign's pages carrying it × (1 − 1/the sites"
    " carrying it). More independent tying artifacts, each on more of the pages and sites, score"
    " higher: one artifact on every page of 2 sites scores 0.39; a handle and an image on every"
    " page of 10 sites, 0.83."
)
STRENGTH_MEANING = (
    "Strength: strong artifacts (contact handles, invites, wallets, images, tracking IDs,"
    " redirects, short and referral links) tie pages to one actor on their own; weak ones (image"
    " hosts, out-link domains) only support them. Evidence is listed strong first, then by the"
    " pages carrying it."
)
WEIGHT_MEANING = (
    "Rarity (the weight in campaigns.json and in the graph exports): ln(1 + sites in the run /"
    " sites carrying the artifact anywhere in the run). It says how rare the artifact is in this"
    " crawl, not how strong it is: a handle that a campaign spread over many sites is strong"
    " evidence with a low rarity."
)
CORE_MEANING = (
    "Core pages are grouped by strong evidence and most of their own tie artifacts belong to the"
    " campaign; attached pages joined through weaker ties (an article quoting the handle, a spam"
    " post on a forum whose other artifacts are the forum's)."
)

_STRENGTH_RANK = {"strong": 0, "weak": 1}


def _number(ev: Mapping[str, Any], key: str) -> float:
    try:
        return float(ev.get(key, 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def by_strength(evidence: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Evidence strong first, then by core pages, pages and sites (most first); stable."""
    items = [ev for ev in evidence if isinstance(ev, Mapping)]
    return sorted(items, key=lambda ev: (
        _STRENGTH_RANK.get(str(ev.get("strength", "")), 2),
        -_number(ev, "core_pages"), -_number(ev, "pages"), -_number(ev, "sites"),
    ))


def set_aside_labels(doc: Mapping[str, Any] | None) -> set[tuple[str, str]]:
    """``(kind, label)`` of every artifact the analysis set aside or found ubiquitous."""
    if not doc:
        return set()
    out: set[tuple[str, str]] = set()
    for key in ("set_aside", "ubiquitous"):
        entries = doc.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping) and entry.get("kind") and entry.get("label"):
                out.add((str(entry["kind"]), str(entry["label"])))
    return out
