"""The HTML report: one self-contained file an investigator opens offline, on a laptop or a phone.

It holds a campaign table with evidence, the sizes and timeline plots (inline
SVG), an interactive graph of the campaigns (sigma.js + graphology, bundled at
install time into ``output/report_graph.min.js`` and inlined here) and a
section per campaign with its pages, sites, artifacts and dates. It says what
score, strength and rarity (the evidence weight) mean.

Bounded at any run size: the table lists the :data:`TABLE_LIMIT` strongest
campaigns, the graph draws :data:`GRAPH_LIMIT` of them (laid out in linear time
by :mod:`output.layout`), the plots :data:`PLOT_LIMIT` and the detail sections
:data:`SECTION_LIMIT`; each part says what it leaves out and where the rest is
(``campaigns.csv`` and the graph exports). Groups with score 0 (no strong
evidence across sites) are counted, not listed as campaigns.

Everything that came from crawled pages is stripped of control characters and
HTML-escaped; the graph's data sits in a ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, and a Content-Security-Policy lets only
the inlined bundle run. When the bundle is missing (the JS build did not run)
the report is still written and says that the graph view is unavailable.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from crawler.store import PageStore
from crawler.atomic import atomic_output
from output.campaigns import CampaignsDoc, campaign_list
from output.evidence import (CORE_MEANING, SCORE_MEANING, STRENGTH_MEANING, WEIGHT_MEANING,
                             by_strength, set_aside_labels)
from output.graphdata import GraphData
from output.layout import campaign_layout
from output.page_dates import PageDate, page_date
from output.store_queries import page_html, page_rows
from output.style import campaign_palette, hex_color, kind_color
from output.svgplots import Bar, Track, parse_time, size_bars, timeline
from output.text import one_line, visible_controls, xml_id, xml_text
from output.views import campaigns_graph, campaigns_view

__all__ = ["write_report", "render_report", "graph_bundle", "BUNDLE_NAME", "safe_json",
           "reported_campaigns"]

logger = logging.getLogger(__name__)

BUNDLE_NAME = "report_graph.min.js"
#: How many of a campaign's pages, sites and artifacts of one kind the report lists.
LIST_LIMIT = 100
#: How many campaigns the campaign table lists.
TABLE_LIMIT = 500
#: How many campaigns get a section of their own.
SECTION_LIMIT = 50
#: How many campaigns the graph draws, and how many of each one's sites and evidence.
GRAPH_LIMIT = 40
GRAPH_SITES = 60
GRAPH_EVIDENCE = 25
#: How many campaigns the plots show.
PLOT_LIMIT = 30
#: The timeline plots at most this many pages per campaign (an even sample of larger ones).
TIMELINE_SAMPLE = 5000

_CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #ddd; --pad: 28px; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       margin: 0; background: #fafafa; overflow-wrap: anywhere; }
header { background: #1d2733; color: #fff; padding: 18px var(--pad); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c9d3de; }
nav { padding: 8px var(--pad); background: #eef1f4; border-bottom: 1px solid var(--line);
      display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a { color: #1d4f91; text-decoration: none; }
main { padding: 8px var(--pad) 40px; max-width: 1280px; }
section { margin: 22px 0; }
h2 { font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .url { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px;
             overflow-wrap: anywhere; word-break: normal; }
td.url { min-width: 16em; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
          margin-right: 6px; vertical-align: -1px; flex: none; }
.evidence { margin: 0; padding-left: 16px; min-width: 14em; }
.badge { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 8px;
         background: #e8eaed; color: #333; }
.badge.strong { background: #fde7e7; color: #8a1c1c; }
.badge.core { background: #e3f1e3; color: #1d5e20; }
.muted { color: var(--muted); }
.date { white-space: nowrap; }
details.explain { background: #fff; border: 1px solid var(--line); padding: 6px 12px;
                  margin: 8px 0 12px; }
details.explain summary { cursor: pointer; font-weight: 600; }
details.explain p { margin: 6px 0; }
.plots { display: flex; flex-wrap: wrap; gap: 24px; }
.plots figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: 10px;
                max-width: 100%; overflow-x: auto; }
.plots figcaption { font-weight: 600; margin-bottom: 6px; }
.plots figcaption .muted { font-weight: 400; }
.plot { display: block; max-width: none; height: auto; }
.graph-controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center;
                  margin: 8px 0; }
.graph-controls label { display: flex; gap: 6px; align-items: center; min-width: 0;
                        max-width: 100%; overflow-wrap: normal; }
.graph-controls input, .graph-controls select { font: inherit; padding: 3px 6px;
                                                min-width: 0; max-width: 28em; flex: 1 1 auto; }
.graph-wrap { display: flex; gap: 12px; }
#cobweb-graph { flex: 1; min-width: 0; height: 560px; background: #fff;
                border: 1px solid var(--line); position: relative; }
#cobweb-graph-details { width: 280px; flex: none; background: #fff; border: 1px solid var(--line);
                        padding: 10px; font-size: 13px; max-height: 560px; overflow-y: auto; }
#cobweb-graph-details dt { font-weight: 600; }
#cobweb-graph-details dd { margin: 0 0 6px; overflow-wrap: anywhere; }
ol.campaign-list { margin: 6px 0 0; padding-left: 0; list-style: none; max-height: 220px;
                   overflow-y: auto; columns: 4 220px; }
ol.campaign-list li { break-inside: avoid; }
ol.campaign-list button { max-width: 100%; overflow-wrap: anywhere; font: inherit; border: 0; background: none; padding: 1px 2px;
                          cursor: pointer; text-align: left; color: var(--ink); }
ol.campaign-list button[aria-pressed="true"] { background: #e8f0fe; }
.graph-status { padding: 16px; color: var(--muted); }
.legend span { margin-right: 14px; white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; min-width: 0; }
.campaign { background: #fff; border: 1px solid var(--line); padding: 4px 18px 14px; }
ul.cols { columns: 3 220px; margin: 0; padding-left: 18px; }
@media (max-width: 700px) {
  :root { --pad: 12px; }
  header h1 { font-size: 19px; }
  .campaign { padding: 4px 10px 12px; }
  .graph-wrap { flex-direction: column; }
  .graph-controls label { flex: 1 1 100%; }
  .graph-controls input, .graph-controls select { width: 100%; max-width: none; }
  #cobweb-graph { flex: none; width: 100%; height: 115vw; max-height: 75vh; min-height: 340px; }
  #cobweb-graph-details { width: 100%; max-height: none; }
  table.cards, table.cards tbody, table.cards td { display: block; width: 100%; }
  table.cards thead { display: none; }
  table.cards tr { display: flex; flex-wrap: wrap; border: 1px solid var(--line);
                   margin: 0 0 10px; background: #fff; }
  table.cards td { flex: 1 1 100%; border: 0; border-bottom: 1px solid #eee; min-width: 0; }
  table.cards td.num { flex: 1 1 22%; }
  table.cards td.rank { flex: 0 0 3.2em; }
  table.cards td.name { flex: 1 1 60%; }
  table.cards td.half { flex: 1 1 45%; }
  table.cards td.num { text-align: left; }
  table.cards td::before { content: attr(data-label); display: block; font-size: 11px;
                           color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
  .evidence { min-width: 0; }
}
"""


_NO_TITLE = '<span class="muted">(no title)</span>'


def _e(text: object, limit: int | None = None) -> str:
    """Crawled text as safe HTML: one line, no control characters, bidi and
    invisible characters written out, escaped."""
    s = visible_controls(one_line(text))
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    return html.escape(s, quote=True)


def _when(value: object) -> str:
    """An ISO 8601 time shown as ``YYYY-MM-DD HH:MM`` (UTC); anything else escaped as is."""
    when = parse_time(value) if isinstance(value, str) else None
    if when is None:
        return _e(value)
    return f'<span class="date">{when.strftime("%Y-%m-%d %H:%M")}</span>'


def safe_json(value: object) -> str:
    """JSON to embed in a ``<script type="application/json">``: ``<``, ``>``, ``&`` escaped.

    >>> safe_json({"t": "</script><script>alert(1)</script>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def graph_bundle() -> str | None:
    """The bundled sigma.js + graphology script, or ``None`` when it was not built."""
    path = resources.files("output") / BUNDLE_NAME
    if not path.is_file():
        logger.warning(
            "%s is missing (build it with `make install`): the report has no graph view",
            BUNDLE_NAME,
        )
        return None
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def reported_campaigns(doc: CampaignsDoc | None) -> tuple[list[dict[str, Any]], int]:
    """The campaigns the report lists (score above 0, strongest first) and how many it leaves out.

    A campaign without a ``score`` is listed; one whose score is 0 is a group tied by
    no strong evidence across sites, counted but not listed.

    >>> reported_campaigns({"campaigns": [{"id": "c-1", "score": 0.4}, {"id": "c-2", "score": 0}]})
    ([{'id': 'c-1', 'score': 0.4}], 1)
    """
    items, unscored = [], 0
    for c in campaign_list(doc):
        try:
            score = float(c["score"]) if "score" in c else 1.0  # no score given: listed
        except (TypeError, ValueError):
            score = 0.0
        if score > 0:
            items.append(c)
        else:
            unscored += 1
    return items, unscored


# -- the graph -----------------------------------------------------------------------------

def _drawn_graph(items: list[dict[str, Any]]) -> tuple[nx.Graph, dict[str, int]]:
    """The campaigns graph of the :data:`GRAPH_LIMIT` strongest campaigns, trimmed to fit.

    Each campaign keeps its :data:`GRAPH_EVIDENCE` strongest evidence artifacts
    and the :data:`GRAPH_SITES` sites with most of its pages; returns the graph
    and, per campaign id, how many of its sites and artifacts were left out.
    """
    trimmed = []
    left_out: dict[str, int] = {}
    for c in items[:GRAPH_LIMIT]:
        evidence = by_strength(c.get("evidence", []))
        trimmed.append({**c, "evidence": evidence[:GRAPH_EVIDENCE]})
        left_out[str(c["id"])] = max(len(evidence) - GRAPH_EVIDENCE, 0)
    G = campaigns_graph({"campaigns": trimmed})
    for c in trimmed:
        cid = str(c["id"])
        own_sites = sorted(
            (n for n in G.neighbors(f"campaign:{cid}")
             if G.nodes[n].get("kind") == "site" and G.nodes[n].get("campaign") == cid
             and not G.nodes[n].get("evidence")),
            key=lambda n: (-int(G.nodes[n].get("pages", 0)), n),
        )
        G.remove_nodes_from(own_sites[GRAPH_SITES:])
        left_out[cid] += len(own_sites[GRAPH_SITES:])
    return G, left_out


def _graph_payload(data: GraphData, pos: dict[Any, tuple[float, float]],
                   numbers: dict[str, int], left_out: dict[str, int]) -> dict[str, Any]:
    """graphology's serialized form of the drawn graph, with positions.

    Colours and sizes are the view's (as in the GEXF); campaign nodes are
    labelled with their number in the report (``#1 ...``) and drawn larger,
    hubs (listed by several campaigns) are drawn larger and say so.
    """
    nodes = []
    for n in data.nodes():
        kind = str(n.attrs.get("kind", ""))
        label = one_line(n.label)
        shared = int(n.attrs.get("campaigns", 1) or 1)
        size = n.size
        if kind == "campaign":
            cid = str(n.attrs.get("campaign"))
            label = f"#{numbers.get(cid, 0)} {label}"
            size *= 1.6
        elif shared > 1:
            size = max(size, 8.0) * 1.2
        attrs: dict[str, Any] = {
            "label": label,
            "x": pos[n.id][0],
            "y": pos[n.id][1],
            "size": size,
            "color": hex_color(n.color),
            "kind": kind,
        }
        if kind == "campaign":
            attrs["number"] = numbers.get(str(n.attrs.get("campaign")), 0)
            if left_out.get(str(n.attrs.get("campaign"))):
                attrs["not_drawn"] = left_out[str(n.attrs.get("campaign"))]
        if shared > 1:
            attrs["hub"] = shared
        for key in ("campaign", "campaign_label", "pages", "score", "strength", "first_seen",
                    "last_seen"):
            value = n.attrs.get(key)
            if value not in (None, ""):
                attrs[key] = xml_text(value) if isinstance(value, str) else value
        nodes.append({"key": xml_id(n.id), "attributes": attrs})
    edges = [
        {"source": xml_id(e.source), "target": xml_id(e.target),
         "attributes": {"size": 1.0 + min(e.weight, 4.0) / 2}}
        for e in data.edges()
    ]
    return {"attributes": {}, "nodes": nodes, "edges": edges}


def _graph_section(items: list[dict[str, Any]], colors: dict[str, str],
                   numbers: dict[str, int], bundle: str | None) -> tuple[str, str, str]:
    """The graph section's HTML, its scripts and the CSP ``script-src``."""
    if bundle is None:
        return ('<p class="graph-status" id="graph-unavailable">The interactive graph view'
                " is unavailable: its script was not built (run <code>make install</code>)."
                " The GEXF export opens in Gephi.</p>", "", "'none'")
    G, left_out = _drawn_graph(items)
    kinds = sorted({str(d.get("kind", "")) for _, d in G.nodes(data=True)})
    legend = "".join(
        f'<span><span class="swatch" style="background:{hex_color(kind_color(k))}"></span>'
        f"{_e(k)}</span>" for k in kinds if k not in ("campaign", "site")
    )
    drawn = items[:GRAPH_LIMIT]
    scope = (f"All {len(items)} campaigns are drawn." if len(items) <= GRAPH_LIMIT else
             f"The {len(drawn)} strongest of {len(items)} campaigns are drawn; the others are in"
             ' the <a href="#campaigns">campaign table</a> and in every graph export'
             " (<code>cobweb export RUN_DIR --view campaigns</code>).")
    if any(left_out.values()):
        scope += (f" Each campaign shows at most {GRAPH_SITES} sites (those with most of its"
                  f" pages) and its {GRAPH_EVIDENCE} strongest evidence artifacts; its details"
                  " say how many more it has.")
    options = "".join(
        f'<option value="{_e(c["id"])}">#{numbers[c["id"]]} {_e(c.get("label") or c["id"], 60)}'
        "</option>" for c in drawn
    )
    picks = "".join(
        f'<li><button type="button" data-campaign="{_e(c["id"])}" aria-pressed="false">'
        f'<span class="swatch" style="background:{colors[c["id"]]}"></span>'
        f'#{numbers[c["id"]]} {_e(c.get("label") or c["id"], 60)}</button></li>'
        for c in drawn
    )
    section = (
        f'<p class="muted">{scope}</p>'
        '<p class="muted legend">A campaign and the sites and artifacts only it lists take the'
        " campaign's colour and sit around it; a node several campaigns share is a"
        " <strong>hub</strong>: it keeps its kind's colour, is drawn larger and sits between its"
        f" campaigns. Kinds: {legend}. Labels show where they fit; zoom in for more. Hover a node"
        " to see its neighbours, click it for details.</p>"
        '<div class="graph-controls">'
        '<label>Campaign <select id="cobweb-graph-filter"><option value="">all drawn</option>'
        f"{options}</select></label>"
        '<label>Search <input id="cobweb-graph-search" type="search" autocomplete="off"'
        ' placeholder="handle, site, image…"></label>'
        '<span id="cobweb-graph-found" class="muted" aria-live="polite"></span></div>'
        '<div class="graph-wrap"><div id="cobweb-graph"></div>'
        '<aside id="cobweb-graph-details"><p class="muted">Click a node, or pick a campaign:</p>'
        f'<ol class="campaign-list">{picks}</ol></aside></div>'
    )
    digest = base64.b64encode(hashlib.sha256(bundle.encode("utf-8")).digest()).decode()
    payload = _graph_payload(campaigns_view({"campaigns": drawn}, G), campaign_layout(G),
                             numbers, left_out)
    scripts = (
        f'<script type="application/json" id="cobweb-graph-data">{safe_json(payload)}</script>\n'
        f"<script>{bundle}</script>"
    )
    return section, scripts, f"'sha256-{digest}'"


# -- pages, dates and plots ----------------------------------------------------------------

@dataclass(slots=True)
class _Pages:
    """What the report shows of the pages of the campaigns it details or plots."""

    listed: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    sampled: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    dates: dict[str, PageDate] = field(default_factory=dict)


def _page_details(store: PageStore, detailed: list[dict[str, Any]],
                  plotted: list[dict[str, Any]]) -> _Pages:
    """One pass over the store: listed pages, timeline samples; then the listed pages' own dates.

    Per detailed campaign, its first :data:`LIST_LIMIT` pages in store order;
    per plotted campaign, every page or an even sample of :data:`TIMELINE_SAMPLE`.
    Own dates come from the listed pages' HTML and from every sampled URL.
    """
    out = _Pages()
    membership: dict[str, str] = {}
    stride: dict[str, int] = {}
    for c in detailed + plotted:
        for url in c.get("pages", []):
            membership[str(url)] = str(c["id"])
    for c in plotted:
        size = int(c.get("size", len(c.get("pages", []))) or 1)
        stride[str(c["id"])] = max(1, math.ceil(size / TIMELINE_SAMPLE))
    seen: Counter[str] = Counter()
    for url, title, fetched, sha256, warc_file, warc_offset in page_rows(store):
        cid = membership.get(url)
        if cid is None:
            continue
        if len(out.listed[cid]) < LIST_LIMIT:
            out.listed[cid].append((url, title, fetched, _record(sha256, warc_file, warc_offset)))
        if cid in stride and seen[cid] % stride[cid] == 0:
            out.sampled[cid].append((url, fetched))
        seen[cid] += 1
    fetched_at = {url: f for pages in out.listed.values() for url, _, f, _ in pages}
    for url, text in page_html(store, list(fetched_at)):
        found = page_date(text, url, not_after=fetched_at[url] or None)
        if found is not None:
            out.dates[url] = found
    return out


def _record(sha256: str, warc_file: str, warc_offset: int) -> str:
    """A page's evidence cell: SHA-256 of the body as received and its WARC record."""
    if not sha256:
        return '<span class="muted">no record</span>'
    where = f"{warc_file} @ {warc_offset}" if warc_file else ""
    return f"<code>sha256:{_e(sha256)}</code><br><code>{_e(where)}</code>"


def _track(c: dict[str, Any], color: str, pages: _Pages) -> Track:
    track = Track(str(c.get("label") or c["id"]), color)
    for url, fetched in pages.sampled.get(str(c["id"]), []):
        own = pages.dates.get(url) or page_date(None, url, not_after=fetched or None)
        if own is not None:
            track.published.append(own.when)
        elif fetched:
            track.times.append(fetched)
    return track


def _plots(items: list[dict[str, Any]], colors: dict[str, str], pages: _Pages) -> str:
    shown = items[:PLOT_LIMIT]
    omitted = len(items) - len(shown)
    bars = size_bars([
        Bar(str(c.get("label") or c["id"]), float(c.get("size", len(c.get("pages", [])))),
            colors[c["id"]])
        for c in shown
    ], omitted=omitted)
    tracks = timeline([_track(c, colors[c["id"]], pages) for c in shown], omitted=omitted)
    which = (f" — the {len(shown)} largest of {len(items)} campaigns; the other {omitted} are in"
             " the campaign table" if omitted else "")
    sampled = [c for c in shown if int(c.get("size", 0) or 0) > TIMELINE_SAMPLE]
    sample_note = (f" Campaigns over {TIMELINE_SAMPLE:,} pages are plotted from an even sample"
                   " of that many pages." if sampled else "")
    no_bars, no_dates = '<p class="muted">No campaign.</p>', '<p class="muted">No dates.</p>'
    return (
        '<div class="plots">'
        f'<figure id="plot-sizes"><figcaption>Campaign sizes (pages)<span class="muted">{which}'
        f"</span></figcaption>{bars or no_bars}</figure>"
        f'<figure id="plot-timeline"><figcaption>Timeline<span class="muted">{which}</span>'
        '<br><span class="muted">Filled dots: the page\'s own date (its <code>&lt;time&gt;</code>,'
        " <code>article:published_time</code>, JSON-LD <code>datePublished</code> or a date in"
        f" its URL; the HTML is read for the first {LIST_LIMIT} pages of each campaign, the URL"
        " for all); rings: the fetch time of pages that state no date."
        f"{sample_note}</span></figcaption>"
        f"{tracks or no_dates}</figure>"
        "</div>"
    )


# -- tables and sections -------------------------------------------------------------------

def _more(total: int, shown: int) -> str:
    if total <= shown:
        return ""
    return (f'<p class="muted">… and {total - shown} more (all of them are in the'
            " GEXF, GraphML, CSV and JSON exports).</p>")


def _badge(strength: object) -> str:
    s = str(strength or "")
    return f'<span class="badge {"strong" if s == "strong" else ""}">{_e(s)}</span>' if s else ""


def _explain() -> str:
    return (
        '<details class="explain" open><summary>What the numbers mean</summary>'
        f"<p>{html.escape(SCORE_MEANING)}</p><p>{html.escape(STRENGTH_MEANING)}</p>"
        f"<p>{html.escape(WEIGHT_MEANING)}</p><p>{html.escape(CORE_MEANING)}</p></details>"
    )


def _campaign_table(items: list[dict[str, Any]], colors: dict[str, str], unscored: int) -> str:
    rows = []
    for i, c in enumerate(items[:TABLE_LIMIT]):
        evidence = "".join(
            f"<li>{_badge(ev.get('strength'))} <code>{_e(ev.get('kind', ''))}:"
            f"{_e(ev.get('label', ''), 80)}</code>"
            f' <span class="muted">{int(ev.get("pages", 0))} pages, {int(ev.get("sites", 0))}'
            " sites</span></li>"
            for ev in by_strength(c.get("evidence", []))[:5]
        )
        size = int(c.get("size", len(c.get("pages", []))))
        core = f' <span class="muted">({len(c["core"])} core)</span>' if "core" in c else ""
        rows.append(
            "<tr>"
            f'<td class="num rank" data-label="#">{i + 1}</td>'
            f'<td class="name" data-label="Campaign"><span class="swatch" style="background:{colors[c["id"]]}">'
            f'</span><a href="#campaign-{i + 1}">{_e(c.get("label") or c["id"], 80)}</a>'
            f'<br><code class="muted">{_e(c["id"])}</code>{_cloaking_badge(c)}</td>'
            f'<td class="num" data-label="Score">{float(c.get("score", 0)):.2f}</td>'
            f'<td class="num" data-label="Pages">{size}{core}</td>'
            f'<td class="num" data-label="Sites">{len(c.get("domains", []))}</td>'
            f'<td class="half" data-label="First seen">{_when(c.get("first_seen", ""))}</td>'
            f'<td class="half" data-label="Last seen">{_when(c.get("last_seen", ""))}</td>'
            f'<td data-label="Evidence, strongest first"><ul class="evidence">{evidence}</ul></td>'
            "</tr>"
        )
    notes = []
    if len(items) > TABLE_LIMIT:
        notes.append(f"The {TABLE_LIMIT} strongest of {len(items)} campaigns are listed; all of"
                     " them are in <code>campaigns.csv</code> (<code>cobweb export RUN_DIR"
                     " --format csv</code>) and <code>campaigns.json</code>.")
    if unscored:
        notes.append(f"{unscored} group{'s' if unscored != 1 else ''} of pages with score 0 (no"
                     " strong evidence across sites) {} not listed as campaigns; see"
                     " <code>campaigns.json</code>.".format("is" if unscored == 1 else "are"))
    note = "".join(f'<p class="muted" id="campaigns-left-out">{n}</p>' for n in notes)
    if not rows:
        return '<p class="muted">No campaign was found in this run.</p>' + note
    return (
        '<table id="campaign-table" class="cards"><thead><tr><th class="num">#</th>'
        '<th>Campaign</th><th class="num">Score</th><th class="num">Pages</th>'
        '<th class="num">Sites</th><th>First seen</th><th>Last seen</th>'
        "<th>Evidence, strongest first</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>" + note
    )


def _evidence_table(c: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr><td class="half" data-label="Strength">{_badge(ev.get("strength"))}</td>'
        f'<td class="half" data-label="Kind">{_e(ev.get("kind", ""))}</td>'
        f'<td data-label="Artifact"><code>{_e(ev.get("label", ""), 160)}</code></td>'
        f'<td class="num" data-label="Pages (core)">{int(ev.get("pages", 0))}'
        + (f' ({int(ev["core_pages"])})' if "core_pages" in ev else "") + "</td>"
        f'<td class="num" data-label="Sites">{int(ev.get("sites", 0))}</td>'
        f'<td class="num" data-label="Sites in run">{_e(ev.get("sites_in_run", "–"))}</td>'
        f'<td class="num" data-label="Rarity">{float(ev.get("weight", 0)):.2f}</td></tr>'
        for ev in by_strength(c.get("evidence", []))
    )
    if not rows:
        return '<p class="muted">No evidence listed.</p>'
    return (
        '<table class="cards evidence-table"><thead><tr><th>Strength</th><th>Kind</th>'
        '<th>Artifact</th><th class="num">Pages (core)</th><th class="num">Sites</th>'
        '<th class="num">Sites in run</th><th class="num">Rarity</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _shared_artifacts(c: dict[str, Any], not_evidence: set[tuple[str, str]]) -> str:
    artifacts = c.get("artifacts", {}) if isinstance(c.get("artifacts"), dict) else {}
    parts, dropped = [], 0
    for kind, labels in sorted(artifacts.items()):
        if not isinstance(labels, list):
            continue
        kept = [str(lab) for lab in labels if (str(kind), str(lab)) not in not_evidence]
        dropped += len(labels) - len(kept)
        if kept:
            parts.append(
                f"<h4>{_e(kind)} ({len(kept)})</h4><ul class=\"cols\">"
                + "".join(f"<li><code>{_e(label, 160)}</code></li>" for label in kept[:LIST_LIMIT])
                + "</ul>" + _more(len(kept), LIST_LIMIT)
            )
    note = (f'<p class="muted">{dropped} artifact{"s" if dropped != 1 else ""} set aside as'
            ' platform assets or ubiquitous are left out (see <a href="#ubiquitous">Not'
            " evidence</a>).</p>" if dropped else "")
    return ("".join(parts) or '<p class="muted">None listed.</p>') + note


def _page_date_cell(url: str, pages: _Pages) -> str:
    own = pages.dates.get(url) or page_date(None, url)
    if own is None:
        return '<span class="muted">–</span>'
    return f'{_when(own.when)} <span class="muted">({_e(own.source)})</span>'


def _pages_table(c: dict[str, Any], pages: _Pages) -> str:
    listed = pages.listed.get(str(c["id"]), [])
    core = set(c["core"]) if isinstance(c.get("core"), list) else None
    rows = []
    for url, title, fetched, record in listed:
        role = ""
        if core is not None:
            role = ('<td class="half" data-label="Role"><span class="badge core">core</span></td>' if url in core
                    else '<td class="half" data-label="Role"><span class="badge">attached</span></td>')
        rows.append(
            f"<tr>{role}<td data-label=\"Title\">{_e(title, 140) or _NO_TITLE}</td>"
            f'<td class="url" data-label="URL">{_e(url, 300)}</td>'
            f'<td class="half" data-label="Page date">{_page_date_cell(url, pages)}</td>'
            f'<td class="half" data-label="Fetched">{_when(fetched)}</td>'
            f'<td class="url" data-label="Evidence">{record}</td></tr>'
        )
    total = len(c.get("pages", []))
    if not rows:
        return '<p class="muted">None of its pages is in this run\'s store.</p>'
    role_head = "<th>Role</th>" if core is not None else ""
    note = ""
    if core is not None:
        note = (f'<p class="muted">{len(core)} core and {total - len(core)} attached pages.'
                " Core: grouped by strong evidence, most of their own tie artifacts are the"
                " campaign's. Attached: joined through weaker ties.</p>")
    return (
        note + f'<table class="cards pages-table"><thead><tr>{role_head}<th>Title</th><th>URL</th>'
        "<th>Page date</th><th>Fetched</th><th>Evidence (digest, WARC record)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>" + _more(total, len(rows))
    )


def _campaign_section(i: int, c: dict[str, Any], color: str, pages: _Pages,
                      not_evidence: set[tuple[str, str]]) -> str:
    domains = [str(d) for d in c.get("domains", [])]
    total_pages = len(c.get("pages", []))
    core = f" ({len(c['core'])} core)" if isinstance(c.get("core"), list) else ""
    return (
        f'<section class="campaign" id="campaign-{i}">'
        f'<h2><span class="swatch" style="background:{color}"></span>Campaign {i}: '
        f"{_e(c.get('label') or c['id'], 120)}</h2>"
        '<dl class="facts">'
        f"<dt>id</dt><dd><code>{_e(c['id'])}</code></dd>"
        f"<dt>score</dt><dd>{float(c.get('score', 0)):.2f}"
        ' <span class="muted">(0–1; see <a href="#campaigns">what the numbers mean</a>)</span></dd>'
        f"<dt>pages</dt><dd>{int(c.get('size', total_pages))}{core}</dd>"
        f"<dt>sites</dt><dd>{len(domains)}</dd>"
        + (f"<dt>tied by</dt><dd>{_e(c['tied_by'])}</dd>" if c.get("tied_by") else "")
        + f"<dt>first seen</dt><dd>{_when(c.get('first_seen', ''))}</dd>"
        f"<dt>last seen</dt><dd>{_when(c.get('last_seen', ''))}</dd>"
        + _cloaking_fact(c) + "</dl>"
        "<h3>Evidence, strongest first</h3>" + _evidence_table(c)
        + f"<h3>Sites ({len(domains)})</h3><ul class=\"cols\">"
        + "".join(f"<li><code>{_e(d, 120)}</code></li>" for d in domains[:LIST_LIMIT])
        + "</ul>" + _more(len(domains), LIST_LIMIT)
        + "<h3>Shared artifacts</h3>" + _shared_artifacts(c, not_evidence)
        + f"<h3>Pages ({total_pages})</h3>" + _pages_table(c, pages)
        + "</section>"
    )


# --- cloaking findings (issue 12) ---------------------------------------------------
def _cloaking_of(c: dict[str, Any]) -> tuple[int, str] | None:
    """(pages, escaped views) of a campaign whose pages cloak, else None."""
    cloaking = c.get("cloaking") if isinstance(c.get("cloaking"), dict) else None
    if not cloaking:
        return None
    return len(cloaking.get("pages", [])), _e(", ".join(map(str, cloaking.get("views", []))))


def _cloaking_badge(c: dict[str, Any]) -> str:
    found = _cloaking_of(c)
    return f'<br><span class="cloaking">cloaks: {found[0]} pages show other content to {found[1]}</span>' \
        if found else ""


def _cloaking_fact(c: dict[str, Any]) -> str:
    found = _cloaking_of(c)
    return f"<dt>cloaking</dt><dd>{found[0]} pages, to {found[1]}</dd>" if found else ""


def _cloaking_section(campaigns: CampaignsDoc, numbers: dict[str, int]) -> str:
    """Every page whose views differed: which views, what differed, its campaign."""
    found = (campaigns.get("findings") or {}).get("cloaking") if isinstance(
        campaigns.get("findings"), dict) else None
    if not found:
        return ""
    rows = []
    for f in found:
        if not isinstance(f, dict):
            continue
        details = f.get("details") if isinstance(f.get("details"), dict) else {}
        shown = "; ".join(
            f"{_e(view)}: " + ", ".join(
                [f"ends at {_e(d.get('final_url', ''), 200)}"] * ("final_url" in d.get("differs", []))
                + [f"+{_e(x, 120)}" for x in d.get("added", [])]
                + [f"&minus;{_e(x, 120)}" for x in d.get("removed", [])])
            for view, d in details.items() if isinstance(d, dict))
        cid = f.get("campaign")
        where = (f'<a href="#campaign-{numbers[cid]}">{_e(cid)}</a>' if cid in numbers
                 else '<span class="muted">none</span>')
        rows.append(f'<tr><td class="url">{_e(f.get("page", ""), 300)}</td><td>{where}</td>'
                    f'<td>{_e(", ".join(map(str, f.get("views", []))))}</td><td>{shown}</td></tr>')
    return (f'<section id="cloaking"><h2>Cloaking: pages that show some visitors something else'
            f' ({len(rows)})</h2><table><thead><tr><th>Page</th><th>Campaign</th><th>Views</th>'
            f"<th>What differs (against what most views saw)</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></section>")


def _not_evidence(campaigns: CampaignsDoc) -> str:
    parts = []
    for key, title in (("ubiquitous", "On too many sites"),
                       ("set_aside", "Set aside: platform assets and other shared infrastructure")):
        entries = campaigns.get(key) if isinstance(campaigns.get(key), list) else []
        rows = "".join(
            f'<tr><td data-label="Kind">{_e(u.get("kind", ""))}</td>'
            f'<td data-label="Artifact"><code>{_e(u.get("label", ""), 160)}</code></td>'
            f'<td class="num" data-label="Pages">{int(u.get("pages", 0))}</td>'
            f'<td class="num" data-label="Sites">{int(u.get("sites", 0))}</td></tr>'
            for u in entries[:LIST_LIMIT] if isinstance(u, dict)
        )
        if key == "set_aside" and not entries:
            continue
        parts.append(
            f"<h3>{title} ({len(entries)})</h3>"
            + ('<table class="cards"><thead><tr><th>Kind</th><th>Artifact</th>'
               '<th class="num">Pages</th><th class="num">Sites</th></tr></thead>'
               f"<tbody>{rows}</tbody></table>" if rows else '<p class="muted">None.</p>')
            + _more(len(entries), LIST_LIMIT)
        )
    return "".join(parts)


def render_report(store: PageStore, campaigns: CampaignsDoc, *, title: str = "Cobweb report") -> str:
    """The whole report as one HTML string."""
    items, unscored = reported_campaigns(campaigns)
    palette = campaign_palette(c["id"] for c in items)
    colors = {cid: hex_color(col) for cid, col in palette.items()}
    numbers = {c["id"]: i + 1 for i, c in enumerate(items)}
    pages = _page_details(store, items[:SECTION_LIMIT], items[:PLOT_LIMIT])
    totals = campaigns.get("totals", {}) if isinstance(campaigns.get("totals"), dict) else {}
    graph_html, scripts, script_src = _graph_section(items, colors, numbers, graph_bundle())
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summary = ", ".join(
        f"{int(totals[k])} {k}" for k in ("pages", "sites", "artifacts", "campaigns")
        if isinstance(totals.get(k), int)
    ) or f"{store.page_count()} pages, {len(items)} campaigns"
    csp = (f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline';"
           " img-src data:; base-uri 'none'; form-action 'none'")
    not_evidence = set_aside_labels(campaigns)
    sections = "".join(
        _campaign_section(i + 1, c, colors[c["id"]], pages, not_evidence)
        for i, c in enumerate(items[:SECTION_LIMIT])
    )
    if len(items) > SECTION_LIMIT:
        sections += (f'<p class="muted" id="sections-left-out">Details are shown for the'
                     f" {SECTION_LIMIT} strongest campaigns; the other {len(items) - SECTION_LIMIT}"
                     " are in the campaign table, <code>campaigns.csv</code> and"
                     " <code>campaigns.json</code>.</p>")
    n_ubiq = len(campaigns.get("ubiquitous") or []) + len(campaigns.get("set_aside") or [])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{_e(title)}</title>
<link rel="icon" href="data:,">
<style>{_CSS}</style>
</head>
<body>
<header><h1>{_e(title)}</h1>
<p>{_e(summary)} · generated {generated} by Cobweb</p></header>
<nav><a href="#campaigns">Campaigns</a><a href="#plots">Plots</a><a href="#graph">Graph</a>
<a href="#campaign-1">Details</a><a href="#ubiquitous">Not evidence</a></nav>
<main>
<section id="campaigns"><h2>Campaigns ({len(items)})</h2>
{_explain()}
{_campaign_table(items, colors, unscored)}</section>
<section id="plots"><h2>Plots</h2>{_plots(items, colors, pages)}</section>
<section id="graph"><h2>Campaign graph</h2>{graph_html}</section>
{sections}
<section id="ubiquitous"><h2>Not evidence ({n_ubiq})</h2>
{_not_evidence(campaigns)}
</section>
{_cloaking_section(campaigns, numbers)}
</main>
{scripts}
</body>
</html>
"""


def write_report(store: PageStore, campaigns: CampaignsDoc, path: str | Path) -> Path:
    """Write the report to ``path`` (UTF-8, atomically) and return the path."""
    out = Path(path)
    page = render_report(store, campaigns)
    with atomic_output(out) as fh:
        fh.write(page)
    return out
