"""Short links resolved during a crawl: one request each, the target stored as the page's evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.demoweb.server import Resource, VirtualWeb, VirtualWebProxy, html_resource, redirect
from crawler.store import PageStore, store_path
from test_crawl_e2e import cobweb, finish, page_fetches

pytestmark = pytest.mark.e2e


def _page(text: str, links: list[str]) -> Resource:
    anchors = "".join(f'<a href="{u}">link</a> ' for u in links)
    return html_resource(f"<html><body><p>{text}</p><nav>{anchors}</nav></body></html>")


def short_link_web() -> VirtualWeb:
    """Two spam pages on two sites whose different short links land on one contact."""
    web = VirtualWeb()
    web.add("http://hub.example.net/", _page("links", ["http://renew-a.example.org/", "http://renew-b.example.info/"]))
    web.add("http://renew-a.example.org/", _page("esim renewal, ask us", ["http://bit.ly/AbC123"]))
    web.add("http://renew-b.example.info/", _page("esim top-up, ask us", [
        "http://tinyurl.com/xyz987", "http://is.gd/dead12", "http://bit.ly/Land42"]))
    web.add("http://bit.ly/AbC123", redirect("https://t.me/esimshortcut", status=301))
    web.add("http://tinyurl.com/xyz987", redirect("https://t.me/esimshortcut", status=302))
    web.add("http://bit.ly/Land42", redirect("http://offer.example.org/buy"))
    web.add("http://offer.example.org/buy", _page("buy an esim here", []))
    return web  # is.gd/dead12 is not served: 404


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    web = short_link_web()
    run = tmp_path_factory.mktemp("short") / "run"
    with VirtualWebProxy(web) as proxy:
        finish(cobweb("crawl", "http://hub.example.net/", "-k", "esim", "-o", str(run),
                      "--depth", "2", "--proxy", proxy.url, "--render", "never"))
    return web, run


def _pairs(run: Path) -> dict[str, set[tuple[str, str]]]:
    with PageStore(store_path(run)) as store:
        urls = {p.id: p.url for p in store.iter_pages()}
        out: dict[str, set[tuple[str, str]]] = {u: set() for u in urls.values()}
        for pid, kind, label in store.iter_page_artifacts():
            out[urls[pid]].add((kind, label))
    return out


def test_each_short_link_is_resolved_once_without_following_into_messengers(crawled):
    web, run = crawled
    fetched = page_fetches(web)
    for short in ("http://bit.ly/AbC123", "http://tinyurl.com/xyz987", "http://is.gd/dead12", "http://bit.ly/Land42"):
        assert fetched[short] == 1, short
    assert not any("t.me" in u for u in fetched)  # a messenger's page is a contact, not a page
    with PageStore(store_path(run)) as store:
        assert store.link_targets() == {
            "https://bit.ly/AbC123": "https://t.me/esimshortcut",
            "https://tinyurl.com/xyz987": "https://t.me/esimshortcut",
            "https://is.gd/dead12": "",
            "https://bit.ly/Land42": "http://offer.example.org/buy",
        }


def test_the_target_is_the_pages_evidence(crawled):
    _, run = crawled
    pairs = _pairs(run)
    for page in ("http://renew-a.example.org/", "http://renew-b.example.info/"):
        assert ("handle", "telegram:esimshortcut") in pairs[page]
        assert ("redirect", "https://t.me/esimshortcut") in pairs[page]
    assert ("redirect", "http://offer.example.org/buy") in pairs["http://renew-b.example.info/"]


def test_the_target_is_crawled_like_a_link(crawled):
    _, run = crawled
    pairs = _pairs(run)
    assert "http://offer.example.org/buy" in pairs


def test_rotated_short_links_to_one_contact_are_one_campaign(crawled):
    from analysis.run import analyze_run
    _, run = crawled
    doc = analyze_run(run)
    members = [set(c["pages"]) if isinstance(c["pages"][0], str) else {p["url"] for p in c["pages"]}
               for c in doc["campaigns"]]
    assert any({"http://renew-a.example.org/", "http://renew-b.example.info/"} <= m for m in members), doc["campaigns"]
