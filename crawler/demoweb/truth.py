"""Compare the campaigns Cobweb found (``campaigns.json``) with the demo web's ground truth.

For each planted campaign: how many of its crawled pages landed in the found
campaign that holds most of them (recall), how many found campaigns its pages
are spread over, and whether that found campaign also swallowed pages of
another planted campaign or benign pages.

>>> truth = {"http://a/1": "x", "http://a/2": "x", "http://b/1": "y", "http://n/1": None}
>>> doc = {"campaigns": [{"id": "c-1", "label": "telegram:x", "pages": ["http://a/1", "http://a/2"]},
...                      {"id": "c-2", "label": "qq:1", "pages": ["http://b/1", "http://n/1"]}]}
>>> cmp = compare_campaigns(doc, truth)
>>> [(m.name, m.found_id, m.recovered, m.planted, m.whole) for m in cmp.matches]
[('x', 'c-1', 2, 2, True), ('y', 'c-2', 1, 1, True)]
>>> cmp.unplanted_in_core, cmp.ok
(['http://n/1'], False)

A campaign's ``core`` (when the document has one) is what counts for benign
pages: a hub page attached at the periphery is reported, not held against it.

>>> doc["campaigns"][1]["core"] = ["http://b/1"]
>>> cmp = compare_campaigns(doc, truth)
>>> cmp.unplanted_in_core, cmp.unplanted_attached, cmp.ok
([], ['http://n/1'], True)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CampaignMatch", "TruthComparison", "compare_campaigns", "format_comparison"]


@dataclass(frozen=True, slots=True)
class CampaignMatch:
    """How one planted campaign came out."""

    name: str
    planted: int  # its pages that were crawled (or all of them, without a crawl list)
    found_id: str | None  # the found campaign holding most of its pages
    found_label: str
    recovered: int  # its pages in that found campaign
    spread: int  # found campaigns holding any of its pages
    mixed_with: tuple[str, ...]  # other planted campaigns with pages in that found campaign

    @property
    def whole(self) -> bool:
        """All its pages in one found campaign, and no other planted campaign in it."""
        return (self.planted > 0 and self.recovered == self.planted and self.spread == 1
                and not self.mixed_with)


@dataclass(frozen=True, slots=True)
class TruthComparison:
    matches: list[CampaignMatch]
    unplanted_in_core: list[str]  # benign, hub or off-topic pages in a campaign's core
    unplanted_attached: list[str] = field(default_factory=list)  # ... at its periphery
    extra_campaigns: list[str] = field(default_factory=list)  # found ids with no planted page
    unreached: dict[str, int] = field(default_factory=dict)  # planted pages never crawled

    @property
    def ok(self) -> bool:
        """Every planted campaign whole and separate, no unplanted page in a core."""
        return all(m.whole for m in self.matches) and not self.unplanted_in_core


def compare_campaigns(doc: Mapping[str, Any], truth: Mapping[str, str | None],
                      crawled: Iterable[str] | None = None,
                      redirect_hops: Iterable[str] = ()) -> TruthComparison:
    """Compare a ``campaigns.json`` document with ``truth`` (page URL -> planted name or None).

    With ``crawled`` (the URLs of the run's pages), planted pages the crawl
    never stored are counted in ``unreached`` rather than as misses.
    ``redirect_hops`` are URLs the crawl passed through on a redirect (a
    doorway followed to its target): they are not pages, so not counted.
    """
    crawled_set = set(crawled) if crawled is not None else None
    hops = set(redirect_hops) - (crawled_set or set())
    page_campaign: dict[str, str] = {}
    core: set[str] = set()
    labels: dict[str, str] = {}
    for camp in doc.get("campaigns", []):
        labels[camp["id"]] = camp.get("label", "")
        for url in camp.get("pages", []):
            page_campaign[url] = camp["id"]
        core.update(camp.get("core", camp.get("pages", [])))

    planted_pages: dict[str, list[str]] = defaultdict(list)
    unreached: Counter[str] = Counter()
    for url, name in truth.items():
        if name is None or url in hops:
            continue
        if crawled_set is not None and url not in crawled_set and url not in page_campaign:
            unreached[name] += 1
        else:
            planted_pages[name].append(url)

    by_found: dict[str, Counter[str]] = defaultdict(Counter)
    for url, cid in page_campaign.items():
        name = truth.get(url)
        if name is not None:
            by_found[cid][name] += 1

    matches = []
    for name in sorted(set(planted_pages) | set(unreached)):
        found = Counter(page_campaign[u] for u in planted_pages[name] if u in page_campaign)
        best, recovered = (found.most_common(1)[0] if found else (None, 0))
        mixed = tuple(sorted(n for n in by_found.get(best, {}) if n != name)) if best else ()
        matches.append(CampaignMatch(name, len(planted_pages[name]), best,
                                     labels.get(best, "") if best else "", recovered,
                                     len(found), mixed))
    unplanted = sorted(u for u in page_campaign if truth.get(u) is None)
    extra = sorted(cid for cid in labels if cid not in by_found)
    return TruthComparison(matches, [u for u in unplanted if u in core],
                           [u for u in unplanted if u not in core], extra, dict(unreached))


def format_comparison(cmp: TruthComparison) -> str:
    """A plain-text table of the comparison, for the demo's output."""
    rows = [("planted campaign", "found as", "pages found/planted", "spread over", "verdict")]
    for m in cmp.matches:
        found = f"{m.found_id} ({m.found_label})" if m.found_id else "-"
        if m.whole:
            verdict = "whole"
        elif m.found_id is None:
            verdict = "MISSED"
        else:
            problems = []
            if m.recovered < m.planted or m.spread > 1:
                problems.append("split")
            if m.mixed_with:
                problems.append("merged with " + ", ".join(m.mixed_with))
            verdict = "; ".join(problems).upper()
        rows.append((m.name, found, f"{m.recovered}/{m.planted}", str(m.spread), verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append("benign, hub and off-topic pages in a campaign's core: "
                 f"{len(cmp.unplanted_in_core)}")
    lines.extend(f"  {u}" for u in cmp.unplanted_in_core)
    if cmp.unplanted_attached:
        lines.append("unplanted pages attached at a campaign's periphery (not core): "
                     + ", ".join(cmp.unplanted_attached))
    if cmp.extra_campaigns:
        lines.append(f"found campaigns with no planted page: {', '.join(cmp.extra_campaigns)}")
    if cmp.unreached:
        lines.append("planted pages not crawled: "
                     + ", ".join(f"{n} {c}" for n, c in sorted(cmp.unreached.items())))
    lines.append("verdict: " + ("every planted campaign found whole and separate" if cmp.ok
                                else "differences from the ground truth (see above)"))
    return "\n".join(lines)
