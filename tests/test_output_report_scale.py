"""The report past a handful of campaigns, and the numbers it explains (issue 13, points 5 to 8).

``many_campaigns`` writes a run of ``n`` campaigns by hand: each on three sites
with its own Telegram handle, all sharing one WhatsApp number (a hub), plus a
score-0 group, a set-aside platform image listed among a campaign's artifacts,
core and attached pages, and pages whose HTML or URL states their own date.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

from crawler.cli.main import main as cobweb
from crawler.records import Artifact, PageRecord
from crawler.store import PageStore, store_path
from output import report
from output.report import render_report
from output.style import campaign_palette

HUB = "whatsapp:85200000000"
PIXEL = "https://pixel.wp.com/b.gif"
LONG = "telegram:" + "a_very_long_handle_name_that_goes_on_" * 3


def _label(i: int) -> str:
    return LONG if i == 0 else f"telegram:helper_{i:03d}"


def _pages(i: int) -> list[PageRecord]:
    pages = []
    for j in range(3):
        url = f"http://c{i}-site{j}.example.com/" + ("2025/03/0%d/post.html" % (j + 1) if i == 1 else f"p{j}")
        html = None
        if i == 0 and j == 0:
            html = ('<html><head><meta property="article:published_time"'
                    ' content="2024-06-01T08:00:00Z"></head><body>x</body></html>')
        pages.append(PageRecord(
            url=url, fetched_at=f"2026-11-{1 + j:02d}T10:00:{i % 60:02d}Z", title=f"第{i}期 page {j}",
            html=html,
            artifacts=[Artifact("handle", _label(i), "href"), Artifact("handle", HUB, "href"),
                       Artifact("image", PIXEL, "attr")],
        ))
    return pages


def _campaign(i: int, pages: list[PageRecord]) -> dict:
    urls = sorted(p.url for p in pages)
    return {
        "id": f"c-{i:08x}", "label": _label(i), "score": round(0.9 - i / 10000, 4),
        "size": len(urls), "first_seen": min(p.fetched_at for p in pages),
        "last_seen": max(p.fetched_at for p in pages), "pages": urls, "core": urls[:2],
        "domains": sorted(u.split("/")[2] for u in urls), "tied_by": "contacts",
        "artifacts": {"handle": sorted([_label(i), HUB]), "image": [PIXEL]},
        "evidence": [
            {"kind": "domain", "label": "t.me", "strength": "weak", "pages": 3, "core_pages": 2,
             "sites": 3, "sites_in_run": 3, "weight": 2.24},
            {"kind": "handle", "label": _label(i), "strength": "strong", "pages": 3,
             "core_pages": 2, "sites": 3, "sites_in_run": 3, "weight": 1.24},
            {"kind": "handle", "label": HUB, "strength": "strong", "pages": 3, "core_pages": 2,
             "sites": 3, "sites_in_run": 90, "weight": 0.7},
        ],
    }


def many_campaigns(run_dir: Path, n: int) -> Path:
    """A run of ``n`` campaigns (see the module) with ``campaigns.json``."""
    campaigns = []
    with PageStore.open_run(run_dir) as store:
        for i in range(n):
            pages = _pages(i)
            store.add_pages(pages)
            campaigns.append(_campaign(i, pages))
        weak = [PageRecord(url=f"http://weak{k}.example.org/", fetched_at="2026-11-05T00:00:00Z",
                           artifacts=[Artifact("domain", "cdn.example.net", "href")])
                for k in range(2)]
        store.add_pages(weak)
    campaigns.append({
        "id": "c-ffffffff", "label": "domain:cdn.example.net", "score": 0.0, "size": 2,
        "pages": [p.url for p in weak], "domains": [p.url.split("/")[2] for p in weak],
        "evidence": [{"kind": "domain", "label": "cdn.example.net", "strength": "weak",
                      "pages": 2, "sites": 2, "weight": 1.0}],
    })
    doc = {"schema": "cobweb.campaigns/1", "totals": {"pages": 3 * n + 2, "campaigns": n + 1},
           "ubiquitous": [],
           "set_aside": [{"kind": "image", "label": PIXEL, "pages": 3 * n, "sites": 3 * n,
                          "reason": "platform", "vendor": "pixel.wp.com"}],
           "campaigns": campaigns}
    (run_dir / "campaigns.json").write_text(json.dumps(doc), encoding="utf-8")
    return run_dir


@pytest.fixture(scope="module")
def sixty(tmp_path_factory) -> Path:
    return many_campaigns(tmp_path_factory.mktemp("sixty") / "run", 60)


@pytest.fixture(scope="module")
def page(sixty) -> lxml_html.HtmlElement:
    with PageStore(store_path(sixty)) as store:
        return lxml_html.fromstring(render_report(store, json.loads(
            (sixty / "campaigns.json").read_text(encoding="utf-8"))))


def _graph(page) -> dict:
    return json.loads(page.get_element_by_id("cobweb-graph-data").text)


def test_the_graph_draws_the_strongest_campaigns_and_says_where_the_rest_are(page) -> None:
    nodes = _graph(page)["nodes"]
    drawn = [n for n in nodes if n["attributes"]["kind"] == "campaign"]
    assert len(drawn) == report.GRAPH_LIMIT == 40
    assert "The 40 strongest of 60 campaigns are drawn" in page.get_element_by_id("graph").text_content()
    options = page.xpath('//select[@id="cobweb-graph-filter"]/option')
    assert len(options) == 41 and options[1].text.startswith("#1 telegram:a_very_long")
    assert len(page.xpath('//ol[@class="campaign-list"]/li/button[@data-campaign]')) == 40
    assert page.xpath('//input[@id="cobweb-graph-search"]')


def test_a_shared_artifact_is_one_hub_not_a_member_of_one_campaign(page) -> None:
    nodes = {n["key"]: n["attributes"] for n in _graph(page)["nodes"]}
    hub = nodes[f"handle:{HUB}"]
    assert hub["hub"] == 40 and "campaign" not in hub
    edges = [e for e in _graph(page)["edges"] if f"handle:{HUB}" in (e["source"], e["target"])]
    assert len(edges) == 40
    own = nodes["handle:telegram:helper_005"]
    assert own["campaign"] == "c-00000005" and "hub" not in own
    assert hub["size"] > own["size"]


def test_the_layout_keeps_nodes_apart_and_puts_the_hub_between_campaigns(page) -> None:
    nodes = [n["attributes"] for n in _graph(page)["nodes"]]
    points = {(round(a["x"], 6), round(a["y"], 6)) for a in nodes}
    assert len(points) == len(nodes)
    hub = next(a for a in nodes if a.get("hub"))
    xs = [a["x"] for a in nodes if a["kind"] == "campaign"]
    ys = [a["y"] for a in nodes if a["kind"] == "campaign"]
    assert min(xs) < hub["x"] < max(xs) and min(ys) < hub["y"] < max(ys)


def test_campaign_colours_stay_distinct_past_ten() -> None:
    colors = campaign_palette(f"c-{i}" for i in range(60)).values()
    assert len(set(colors)) == 60


def test_score_and_rarity_are_explained_and_evidence_is_strongest_first(page) -> None:
    text = page.get_element_by_id("campaigns").text_content()
    assert "Score (0 to 1): how strongly the pages are coordinated" in text
    assert "Rarity (the weight in campaigns.json" in text and "not how strong it is" in text
    first_row = page.xpath('//table[@id="campaign-table"]/tbody/tr')[0]
    items = [li.text_content() for li in first_row.xpath('.//ul[@class="evidence"]/li')]
    assert items[0].startswith("strong handle:telegram:a_very_long")
    assert items[-1].startswith("weak domain:t.me")
    section = page.get_element_by_id("campaign-1")
    heads = [th.text_content() for th in section.xpath('.//table[contains(@class,"evidence-table")]//th')]
    assert "Rarity" in heads and "Weight" not in heads
    kinds = [td.text_content() for td in section.xpath(
        './/table[contains(@class,"evidence-table")]//td[@data-label="Strength"]')]
    assert kinds == ["strong", "strong", "weak"]


def test_set_aside_artifacts_are_not_listed_as_shared(page) -> None:
    section = page.get_element_by_id("campaign-1")
    shared = section.text_content().split("Shared artifacts", 1)[1].split("Pages (", 1)[0]
    assert PIXEL not in shared and HUB in shared
    assert "1 artifact set aside as platform assets or ubiquitous are left out" in shared
    assert PIXEL in page.get_element_by_id("ubiquitous").text_content()


def test_pages_tables_mark_core_and_attached_pages_and_their_own_dates(page) -> None:
    section = page.get_element_by_id("campaign-1")
    roles = [td.text_content() for td in section.xpath('.//td[@data-label="Role"]')]
    assert sorted(roles) == ["attached", "core", "core"]
    assert "2 core and 1 attached pages" in section.text_content()
    dates = [td.text_content() for td in section.xpath('.//td[@data-label="Page date"]')]
    assert "2024-06-01 08:00 (meta)" in dates
    url_dated = page.get_element_by_id("campaign-2").xpath('.//td[@data-label="Page date"]')
    assert [td.text_content() for td in url_dated][0] == "2025-03-01 00:00 (url)"


def test_score_zero_groups_are_counted_not_listed(page) -> None:
    assert len(page.xpath('//table[@id="campaign-table"]/tbody/tr')) == 60
    assert "c-ffffffff" not in page.get_element_by_id("campaign-table").text_content()
    assert "1 group of pages with score 0" in page.get_element_by_id("campaigns").text_content()
    assert not page.xpath('//select[@id="cobweb-graph-filter"]/option[@value="c-ffffffff"]')


def test_plots_say_what_they_leave_out_and_label_without_clipping(page) -> None:
    sizes = page.get_element_by_id("plot-sizes")
    assert "the 30 largest of 60 campaigns" in sizes.text_content()
    assert "+ 30 smaller campaigns not shown" in sizes.text_content()
    svg = sizes.xpath(".//svg")[0]
    width = float(svg.get("width"))
    for text in svg.xpath(".//text"):
        if text.get("text-anchor") == "end":
            assert float(text.get("x")) > 0
            label = "".join(text.xpath("text()"))
            from output.svgplots import text_width
            assert text_width(label) <= float(text.get("x")), label  # fits left of the bars
    assert any("\u2026" in "".join(t.xpath("text()")) for t in svg.xpath(".//text"))  # the long one
    assert all(float(t.get("x")) < width for t in svg.xpath(".//text"))
    timeline = page.get_element_by_id("plot-timeline")
    assert "+ 30 campaigns not shown" in timeline.text_content()
    assert "page's own date" in timeline.text_content() and "fetch time" in timeline.text_content()
    assert timeline.xpath('.//circle[title[contains(text(), "dated")]]')  # own dates, filled


def test_timeline_ticks_of_a_one_minute_crawl_do_not_overlap() -> None:
    from output.svgplots import Track, text_width, timeline
    times = [f"2026-11-01T10:00:{s:02d}Z" for s in range(0, 60, 5)]
    svg = lxml_html.fromstring(timeline([Track("c-1", "#1f77b4", times)]))
    ticks = [t for t in svg.xpath(".//text") if t.get("text-anchor") == "middle"]
    assert len(ticks) >= 3
    spans = sorted((float(t.get("x")) - text_width(t.text) / 2, float(t.get("x")) + text_width(t.text) / 2)
                   for t in ticks)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))
    assert spans[-1][1] <= float(svg.get("width"))


def test_a_thousand_campaigns_export_quickly_without_kamada_kawai(tmp_path, monkeypatch) -> None:
    import networkx as nx

    def refuse(*args, **kwargs):
        raise AssertionError("quadratic layout called")

    monkeypatch.setattr(nx, "kamada_kawai_layout", refuse)
    monkeypatch.setattr(nx, "spring_layout", refuse)
    run = many_campaigns(tmp_path / "run", 1000)
    out = tmp_path / "r.html"
    assert cobweb(["export", str(run), "--format", "html", "-o", str(out)]) == 0
    tree = lxml_html.parse(str(out)).getroot()
    assert len(tree.xpath('//table[@id="campaign-table"]/tbody/tr')) == 500
    assert len(tree.xpath('//section[@class="campaign"]')) == report.SECTION_LIMIT
    assert "The 500 strongest of 1000 campaigns are listed" in tree.get_element_by_id(
        "campaigns").text_content()
    assert "the other 950 are in the campaign table" in tree.get_element_by_id(
        "sections-left-out").text_content()
