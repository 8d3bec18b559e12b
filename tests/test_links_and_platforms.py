"""Links as evidence, and shared infrastructure that never ties (issue 16).

Each case failed before the rule it tests: short and referral links were only
their domain, a local redirector hid its target, a commented-out link was
lost, a data: URL became a redirect label, a platform's pixel tied strangers,
and a family on one site was never a campaign.
"""

from __future__ import annotations

import pytest

from analysis.run import analyze_store
from analysis_webs import art, benign_sites, build, page
from crawler.extraction import extract_artifacts

PAGE = "http://blog.spam-site.com/p/1.html"


def node_ids(html: str, url: str = PAGE) -> set[str]:
    return {f"{a.kind}:{a.label}" for a in extract_artifacts(html, url)}


@pytest.mark.parametrize("html, node", [
    ('<a href="https://bit.ly/3xYzAbC">win</a>', "link:https://bit.ly/3xYzAbC"),
    ('<a href="http://www.tinyurl.com/abc123?utm_source=x#top">x</a>', "link:https://tinyurl.com/abc123"),
    ('<a href="https://www.okx.com/join/39154880">sign up</a>', "link:https://okx.com/join/39154880"),
    ('<a href="https://exchange-a.com/register?ref=AB12CD&lang=en">x</a>', "link:https://exchange-a.com/?ref=AB12CD"),
    ('<a href="https://www.amazon.com/dp/B00X?tag=dealsguy-21">x</a>', "link:https://amazon.com/?tag=dealsguy-21"),
    # a local redirector: the target rides in a query parameter of an own-site link
    ('<a href="./302.html?target=https://t.me/chanOwner7">x</a>', "handle:telegram:chanowner7"),
    ('<a href="/go?url=https%3A%2F%2Fbit.ly%2FqWe123">x</a>', "link:https://bit.ly/qWe123"),
    ('<a href="https://www.google.com/url?q=https://www.okx.com/join/777888&sa=D">x</a>',
     "link:https://okx.com/join/777888"),
    # commented-out markup of the template still ties its pages
    ('<p>x</p><!-- <a href="https://bit.ly/oldBanner9">old</a> -->', "link:https://bit.ly/oldBanner9"),
])
def test_specific_links_are_artifacts(html, node):
    assert node in node_ids(html)


@pytest.mark.parametrize("html", [
    '<a href="https://bit.ly/">bitly</a>',  # no code
    '<a href="https://news-a.com/story?ref=homepage">x</a>',  # where a click came from, no code
    '<a href="https://news-a.com/search?tag=elections2024">x</a>',  # a topic, not Amazon's tag
    '<a href="https://forum-b.com/r/cats">x</a>',
    '<a href="/about?ref=nav1">x</a>',  # the page's own site
])
def test_ordinary_links_are_not_link_artifacts(html):
    assert not {n for n in node_ids(html) if n.startswith("link:")}


def test_commented_link_is_hidden_and_says_so():
    (a,) = [a for a in extract_artifacts('<!-- <a href="https://bit.ly/zz9Top">x</a> -->', PAGE)
            if a.kind == "link"]
    assert (a.source, a.hidden) == ("comment", True)


def test_a_data_url_is_no_redirect_target():
    blob = "data:text/html;base64," + "QUFB" * 30_000
    html = f'<meta http-equiv="refresh" content="0; url={blob}"><script>location.href="{blob}"</script>'
    assert not {n for n in node_ids(html) if n.startswith("redirect:")}


# -- analysis ------------------------------------------------------------------

def _blogs(n: int, *extra):
    return [page(f"http://blog{i}.com/post.html", art("tracking_id", f"ga:UA-{500 + i}-1", "script"),
                 *extra, common=False) for i in range(n)]


@pytest.mark.parametrize("asset", [
    art("image", "https://pixel.wp.com/b.gif?blog=1", "attr"),
    art("image", "https://s0.wp.com/i/blank.jpg", "attr"),
    art("image", "https://www.blogger.com/img/icon18_edit_allbkg.gif", "attr"),
    art("image", "https://static.xx.fbcdn.net/rsrc.php/v3/y9/r/abc.gif", "attr"),
    art("link", "https://t.co/Ab12Cd34"),
])
def test_a_vendors_asset_never_ties_strangers_however_small_the_run(asset):
    doc = analyze_store(build(benign_sites() + _blogs(3, asset)))
    assert doc["campaigns"] == []
    (aside,) = [d for d in doc["set_aside"] if d["label"] == asset.label]
    assert (aside["kind"], aside["label"], aside["reason"], aside["pages"]) == (asset.kind, asset.label, "platform", 3)
    assert aside["vendor"]


def test_a_campaigns_own_uploaded_image_still_ties():
    img = art("image", "https://i.postimg.cc/Qx7/banner.png", "attr")
    doc = analyze_store(build(benign_sites() + _blogs(3, img)))
    assert [c["label"] for c in doc["campaigns"]] == [img.label]
    assert all(d["reason"] == "ubiquitous" for d in doc["set_aside"])


def test_a_short_link_on_two_sites_is_a_campaign():
    short = art("link", "https://bit.ly/famCode1")
    doc = analyze_store(build(benign_sites() + _blogs(2, short)))
    (c,) = doc["campaigns"]
    assert c["label"] == short.label and c["tied_by"] == "contacts"


def test_a_family_on_one_site_tied_by_its_contact_is_a_campaign():
    fam = [page(f"http://one-farm.com/p{i}.html", art("handle", "telegram:farm_owner"), common=False)
           for i in range(4)]
    doc = analyze_store(build(benign_sites() + fam))
    (c,) = doc["campaigns"]
    assert set(c["pages"]) == {r.url for r in fam} and c["domains"] == ["one-farm.com"]


def test_a_sites_own_address_or_analytics_on_every_page_is_no_campaign():
    # benign_sites: each site's own e-mail and GA ID on both its pages
    assert analyze_store(build(benign_sites()))["campaigns"] == []


def test_sites_sharing_only_analytics_are_a_network_not_contacts():
    chain = [page(f"http://paper{i}.com/a.html", art("tracking_id", "ga:UA-777-1", "script"), common=False)
             for i in range(3)]
    (c,) = analyze_store(build(benign_sites() + chain))["campaigns"]
    assert c["tied_by"] == "tracking"


# -- landing pages ---------------------------------------------------------------

def _doorways(n: int, links: list[str]):
    recs = _blogs(n)
    for r in recs:
        r.out_links = list(links)
    return recs


def test_doorways_on_three_sites_sending_readers_to_one_page_are_a_campaign():
    store = build(benign_sites() + _doorways(3, ["https://money-offer.com/esim/buy?aff=x"]))
    (c,) = analyze_store(store)["campaigns"]
    assert c["label"] == "https://money-offer.com/esim/buy?aff=x" and c["tied_by"] == "assets"
    assert c["pages"] == sorted(f"http://blog{i}.com/post.html" for i in range(3))


@pytest.mark.parametrize("links", [
    ["https://money-offer.com/"],  # a home page: every writer links some
    ["https://en.wikipedia.org/wiki/ESIM", "https://creativecommons.org/licenses/by/4.0/"],  # reference sites
    ["https://fonts.googleapis.com/css?family=Roboto", "https://cdn.example.org/app.js"],  # infrastructure, a script
    ["https://twitter.com/someone/status/123"],  # social: a contact, not a landing page
])
def test_what_every_writer_links_is_no_landing_page(links):
    assert analyze_store(build(benign_sites() + _doorways(3, links)))["campaigns"] == []


def test_two_sites_citing_one_page_are_not_tied():
    assert analyze_store(build(benign_sites() + _doorways(2, ["https://news-source.com/story/42"])))["campaigns"] == []


def test_landing_artifacts_are_added_once():
    from analysis.landing import add_landing_artifacts
    store = build(_doorways(3, ["https://money-offer.com/esim/buy"]))
    assert add_landing_artifacts(store) == add_landing_artifacts(store) == 1
    pairs = [(k, lab) for _, k, lab in store.iter_page_artifacts() if k == "landing"]
    assert pairs == [("landing", "https://money-offer.com/esim/buy")] * 3


def test_pages_of_the_run_linked_from_hubs_are_no_landing_pages():
    # three directories on three sites list the same collected article: structure, not a funnel
    article = page("http://esim-article.com/renew.html", art("handle", "telegram:someone1"), common=False)
    hubs = _doorways(3, ["http://esim-article.com/renew.html"])
    assert analyze_store(build(benign_sites() + hubs + [article]))["campaigns"] == []


def test_a_hub_linking_many_pages_is_no_funnel():
    targets = [f"https://shop{i}.com/item/{i}" for i in range(6)]
    assert analyze_store(build(benign_sites() + _doorways(3, targets)))["campaigns"] == []
