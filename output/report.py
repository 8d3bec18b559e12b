"""The HTML report: one self-contained file an investigator opens offline.

It holds a campaign table with evidence, the sizes and timeline plots (inline
SVG), an interactive graph of the campaigns (sigma.js + graphology, bundled at
install time into ``output/report_graph.min.js`` and inlined here) and a
section per campaign with its pages, sites, artifacts and dates.

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
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from analysis.campaigns import page_campaigns
from crawler.store import PageStore, StoredPage
from crawler.atomic import atomic_output
from output.campaigns import CampaignsDoc, campaign_list
from output.graphdata import GraphData
from output.style import campaign_palette, hex_color, kind_color
from output.svgplots import Bar, Track, parse_time, size_bars, timeline
from output.text import one_line, xml_id, xml_text
from output.views import campaigns_graph, campaigns_view

__all__ = ["write_report", "render_report", "graph_bundle", "BUNDLE_NAME", "safe_json"]

logger = logging.getLogger(__name__)

BUNDLE_NAME = "report_graph.min.js"
#: How many of a campaign's pages, sites and artifacts of one kind the report lists.
LIST_LIMIT = 200
#: Components up to this size get the Kamada-Kawai layout, larger ones a spring layout.
_KK_LIMIT = 400
#: How many campaigns the plots show.
PLOT_LIMIT = 30

_CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       margin: 0; background: #fafafa; }
header { background: #1d2733; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c9d3de; }
nav { padding: 8px 28px; background: #eef1f4; border-bottom: 1px solid var(--line); }
nav a { margin-right: 16px; color: #1d4f91; text-decoration: none; }
main { padding: 8px 28px 40px; max-width: 1280px; }
section { margin: 22px 0; }
h2 { font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .url { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px;
             word-break: break-all; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
          margin-right: 6px; vertical-align: -1px; }
.evidence { margin: 0; padding-left: 16px; }
.muted { color: var(--muted); }
.date { white-space: nowrap; }
.plots { display: flex; flex-wrap: wrap; gap: 24px; }
.plots figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: 10px; }
.plots figcaption { font-weight: 600; margin-bottom: 6px; }
.plot { max-width: 100%; height: auto; }
.graph-wrap { display: flex; gap: 12px; }
#cobweb-graph { flex: 1; height: 560px; background: #fff; border: 1px solid var(--line);
                position: relative; }
#cobweb-graph-details { width: 260px; background: #fff; border: 1px solid var(--line);
                        padding: 10px; font-size: 13px; }
#cobweb-graph-details dt { font-weight: 600; }
#cobweb-graph-details dd { margin: 0 0 6px; word-break: break-all; }
.graph-status { padding: 16px; color: var(--muted); }
.legend span { margin-right: 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.campaign { background: #fff; border: 1px solid var(--line); padding: 4px 18px 14px; }
ul.cols { columns: 3 220px; margin: 0; padding-left: 18px; }
"""


_NO_TITLE = '<span class="muted">(no title)</span>'


def _e(text: object, limit: int | None = None) -> str:
    """Crawled text as safe HTML: one line, no control characters, escaped."""
    s = one_line(text)
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


def _layout(G: nx.Graph) -> dict[Any, tuple[float, float]]:
    """Each connected component laid out on its own, components packed on a grid, largest first."""
    parts = sorted(nx.connected_components(G), key=lambda c: (-len(c), min(map(str, c))))
    if not parts:
        return {}
    columns = math.ceil(math.sqrt(len(parts)))
    cell = 2.2 * math.sqrt(len(parts[0])) + 2.0
    pos: dict[Any, tuple[float, float]] = {}
    for i, part in enumerate(parts):
        scale = math.sqrt(len(part))
        if len(part) == 1:
            sub = {next(iter(part)): (0.0, 0.0)}
        elif len(part) <= _KK_LIMIT:  # even spacing; O(n^2) memory, so small parts only
            sub = nx.kamada_kawai_layout(G.subgraph(part), weight=None, scale=scale)
        else:
            sub = nx.spring_layout(G.subgraph(part), seed=0, iterations=80, scale=scale)
        ox, oy = (i % columns) * cell, -(i // columns) * cell
        for node, (x, y) in sub.items():
            pos[node] = (float(x) + ox, float(y) + oy)
    return pos


def _graph_payload(data: GraphData, pos: dict[Any, tuple[float, float]],
                   numbers: dict[str, int]) -> dict[str, Any]:
    """graphology's serialized form of the ``campaigns`` view, with positions.

    Colours and sizes are the view's (as in the GEXF); campaign nodes are
    labelled with their number in the report (``#1 ...``) and drawn larger.
    """
    nodes = []
    for n in data.nodes():
        kind = str(n.attrs.get("kind", ""))
        label = one_line(n.label)
        if kind == "campaign":
            label = f"#{numbers.get(str(n.attrs.get('campaign')), 0)} {label}"
        attrs: dict[str, Any] = {
            "label": label,
            "x": pos[n.id][0],
            "y": pos[n.id][1],
            "size": n.size * (1.6 if kind == "campaign" else 1.0),
            "color": hex_color(n.color),
            "kind": kind,
        }
        for key in ("campaign", "pages", "score", "first_seen", "last_seen"):
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


def _page_details(
    store: PageStore, campaigns: CampaignsDoc
) -> tuple[dict[str, list[tuple[str, str, str]]], dict[str, list[str]]]:
    """Per campaign id: up to :data:`LIST_LIMIT` pages ``(url, title, fetched_at)``, and all fetch times."""
    membership = page_campaigns(campaigns)
    listed: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    times: dict[str, list[str]] = defaultdict(list)
    for page in store.iter_pages():
        cid = membership.get(page.url)
        if cid is None:
            continue
        if page.fetched_at:
            times[cid].append(page.fetched_at)
        if len(listed[cid]) < LIST_LIMIT:
            listed[cid].append((page.url, page.title, page.fetched_at, _record(page)))
    return listed, times


def _record(page: StoredPage) -> str:
    """The page's evidence cell: SHA-256 of the body as received and its WARC record."""
    if not page.sha256:
        return '<span class="muted">no record</span>'
    where = f"{page.warc_file} @ {page.warc_offset}" if page.warc_file else ""
    return f"<code>sha256:{_e(page.sha256)}</code><br><code>{_e(where)}</code>"


def _more(total: int, shown: int) -> str:
    if total <= shown:
        return ""
    return (f'<p class="muted">… and {total - shown} more (all of them are in the'
            " GEXF, GraphML, CSV and JSON exports).</p>")


def _campaign_table(items: list[dict[str, Any]], colors: dict[str, str]) -> str:
    rows = []
    for i, c in enumerate(items):
        evidence = "".join(
            f"<li><code>{_e(ev.get('kind', ''))}:{_e(ev.get('label', ''), 80)}</code>"
            f' <span class="muted">{int(ev.get("pages", 0))} pages, {int(ev.get("sites", 0))}'
            f" sites, weight {float(ev.get('weight', 0)):.2f}</span></li>"
            for ev in c.get("evidence", [])[:5]
        )
        rows.append(
            "<tr>"
            f'<td class="num">{i + 1}</td>'
            f'<td><span class="swatch" style="background:{colors[c["id"]]}"></span>'
            f'<a href="#campaign-{i + 1}">{_e(c.get("label") or c["id"], 80)}</a>'
            f'<br><code class="muted">{_e(c["id"])}</code></td>'
            f'<td class="num">{float(c.get("score", 0)):.2f}</td>'
            f'<td class="num">{int(c.get("size", len(c.get("pages", []))))}</td>'
            f'<td class="num">{len(c.get("domains", []))}</td>'
            f'<td>{_when(c.get("first_seen", ""))}</td><td>{_when(c.get("last_seen", ""))}</td>'
            f'<td><ul class="evidence">{evidence}</ul></td>'
            "</tr>"
        )
    if not rows:
        return '<p class="muted">No campaign was found in this run.</p>'
    return (
        '<table id="campaign-table"><thead><tr><th class="num">#</th><th>Campaign</th>'
        '<th class="num">Score</th><th class="num">Pages</th><th class="num">Sites</th>'
        "<th>First seen</th><th>Last seen</th><th>Evidence</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _campaign_section(
    i: int, c: dict[str, Any], color: str, pages: list[tuple[str, str, str, str]]
) -> str:
    ev_rows = "".join(
        f"<tr><td>{_e(ev.get('kind', ''))}</td><td><code>{_e(ev.get('label', ''), 160)}</code></td>"
        f"<td>{_e(ev.get('strength', ''))}</td><td class=\"num\">{int(ev.get('pages', 0))}</td>"
        f"<td class=\"num\">{int(ev.get('sites', 0))}</td>"
        f"<td class=\"num\">{float(ev.get('weight', 0)):.2f}</td></tr>"
        for ev in c.get("evidence", [])
    )
    domains = [str(d) for d in c.get("domains", [])]
    artifacts = c.get("artifacts", {}) if isinstance(c.get("artifacts"), dict) else {}
    art_html = "".join(
        f"<h4>{_e(kind)} ({len(labels)})</h4><ul class=\"cols\">"
        + "".join(f"<li><code>{_e(label, 160)}</code></li>" for label in labels[:LIST_LIMIT])
        + "</ul>" + _more(len(labels), LIST_LIMIT)
        for kind, labels in sorted(artifacts.items())
        if isinstance(labels, list)
    )
    page_rows = "".join(
        f"<tr><td>{_e(title, 140) or _NO_TITLE}</td>"
        f'<td class="url">{_e(url, 300)}</td><td>{_when(fetched)}</td><td class="url">{record}</td></tr>'
        for url, title, fetched, record in pages
    )
    total_pages = len(c.get("pages", []))
    return (
        f'<section class="campaign" id="campaign-{i}">'
        f'<h2><span class="swatch" style="background:{color}"></span>Campaign {i}: '
        f"{_e(c.get('label') or c['id'], 120)}</h2>"
        '<dl class="facts">'
        f"<dt>id</dt><dd><code>{_e(c['id'])}</code></dd>"
        f"<dt>score</dt><dd>{float(c.get('score', 0)):.2f}</dd>"
        f"<dt>pages</dt><dd>{int(c.get('size', total_pages))}</dd>"
        f"<dt>sites</dt><dd>{len(domains)}</dd>"
        f"<dt>first seen</dt><dd>{_when(c.get('first_seen', ''))}</dd>"
        f"<dt>last seen</dt><dd>{_when(c.get('last_seen', ''))}</dd></dl>"
        "<h3>Evidence</h3>"
        + (
            "<table><thead><tr><th>Kind</th><th>Artifact</th><th>Strength</th>"
            '<th class="num">Pages</th><th class="num">Sites</th><th class="num">Weight</th>'
            f"</tr></thead><tbody>{ev_rows}</tbody></table>"
            if ev_rows else '<p class="muted">No evidence listed.</p>'
        )
        + f"<h3>Sites ({len(domains)})</h3><ul class=\"cols\">"
        + "".join(f"<li><code>{_e(d, 120)}</code></li>" for d in domains[:LIST_LIMIT])
        + "</ul>" + _more(len(domains), LIST_LIMIT)
        + "<h3>Shared artifacts</h3>"
        + (art_html or '<p class="muted">None listed.</p>')
        + f"<h3>Pages ({total_pages})</h3>"
        + (
            "<table><thead><tr><th>Title</th><th>URL</th><th>Fetched</th><th>Evidence (digest, WARC record)</th>"
            "</tr></thead>"
            f"<tbody>{page_rows}</tbody></table>"
            if page_rows else '<p class="muted">None of its pages is in this run\'s store.</p>'
        )
        + _more(total_pages, len(pages))
        + "</section>"
    )


def render_report(store: PageStore, campaigns: CampaignsDoc, *, title: str = "Cobweb report") -> str:
    """The whole report as one HTML string."""
    items = campaign_list(campaigns)
    palette = campaign_palette(c["id"] for c in items)
    colors = {cid: hex_color(col) for cid, col in palette.items()}
    numbers = {c["id"]: i + 1 for i, c in enumerate(items)}
    listed, times = _page_details(store, campaigns)
    totals = campaigns.get("totals", {}) if isinstance(campaigns.get("totals"), dict) else {}

    bars = size_bars([
        Bar(str(c.get("label") or c["id"]), float(c.get("size", len(c.get("pages", [])))),
            colors[c["id"]])
        for c in items[:PLOT_LIMIT]
    ])
    tracks = timeline([
        Track(str(c.get("label") or c["id"]), colors[c["id"]], times.get(c["id"], []))
        for c in items[:PLOT_LIMIT]
    ])
    G = campaigns_graph(campaigns)
    bundle = graph_bundle()
    if bundle is None:
        graph_html = ('<p class="graph-status" id="graph-unavailable">The interactive graph view'
                      " is unavailable: its script was not built (run <code>make install</code>)."
                      " The GEXF export opens in Gephi.</p>")
        scripts = ""
        script_src = "'none'"
    else:
        kinds = sorted({str(d.get("kind", "")) for _, d in G.nodes(data=True)})
        legend = "".join(
            f'<span><span class="swatch" style="background:{hex_color(kind_color(k))}"></span>'
            f"{_e(k)}</span>" for k in kinds if k not in ("campaign", "site")
        )
        graph_html = (
            '<p class="muted legend">Campaigns and their sites take the campaign\'s colour;'
            f" artifacts are coloured by kind: {legend}. Hover a node to see its neighbours,"
            " click it for details; scroll to zoom.</p>"
            '<div class="graph-wrap"><div id="cobweb-graph"></div>'
            '<aside id="cobweb-graph-details"><p class="muted">Click a node.</p></aside></div>'
        )
        digest = base64.b64encode(hashlib.sha256(bundle.encode("utf-8")).digest()).decode()
        script_src = f"'sha256-{digest}'"
        payload = _graph_payload(campaigns_view(campaigns), _layout(G), numbers)
        scripts = (
            f'<script type="application/json" id="cobweb-graph-data">{safe_json(payload)}</script>\n'
            f"<script>{bundle}</script>"
        )
    ubiquitous = campaigns.get("ubiquitous", []) if isinstance(campaigns.get("ubiquitous"), list) else []
    ubi_rows = "".join(
        f"<tr><td>{_e(u.get('kind', ''))}</td><td><code>{_e(u.get('label', ''), 160)}</code></td>"
        f"<td class=\"num\">{int(u.get('pages', 0))}</td><td class=\"num\">{int(u.get('sites', 0))}</td></tr>"
        for u in ubiquitous[:LIST_LIMIT] if isinstance(u, dict)
    )
    ubi_table = (
        "<table><thead><tr><th>Kind</th><th>Artifact</th><th class=\"num\">Pages</th>"
        f'<th class="num">Sites</th></tr></thead><tbody>{ubi_rows}</tbody></table>'
        if ubi_rows else '<p class="muted">None.</p>'
    )
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summary = ", ".join(
        f"{int(totals[k])} {k}" for k in ("pages", "sites", "artifacts", "campaigns")
        if isinstance(totals.get(k), int)
    ) or f"{store.page_count()} pages, {len(items)} campaigns"
    csp = (f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline';"
           " img-src data:; base-uri 'none'; form-action 'none'")
    sections = "".join(
        _campaign_section(i + 1, c, colors[c["id"]], listed.get(c["id"], []))
        for i, c in enumerate(items)
    )
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
{_campaign_table(items, colors)}</section>
<section id="plots"><h2>Plots</h2><div class="plots">
<figure><figcaption>Campaign sizes (pages)</figcaption>{bars or '<p class="muted">No campaign.</p>'}</figure>
<figure><figcaption>Timeline (when each campaign's pages were fetched)</figcaption>{tracks or '<p class="muted">No fetch times.</p>'}</figure>
</div></section>
<section id="graph"><h2>Campaign graph</h2>{graph_html}</section>
{sections}
<section id="ubiquitous"><h2>Not evidence: on too many sites ({len(ubiquitous)})</h2>
{ubi_table}
</section>
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
