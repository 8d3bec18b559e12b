"""Campaign detection on small labelled webs (issue 4's "Done when" cases)."""

from __future__ import annotations

import pytest

from analysis.clustering import cluster_pages
from analysis.evidence import artifact_evidence
from analysis.run import analyze_run, analyze_store
from analysis.table import load_table
from crawler.store import PageStore
from analysis_webs import art, benign_sites, build, campaign, page

IMG_A = "https://i.postimg.cc/4NQf/a.png"
IMG_B = "https://i.postimg.cc/9XyZ/b.png"


def campaigns_of(doc):
    return {c["label"]: set(c["pages"]) for c in doc["campaigns"]}


def urls(records):
    return {r.url for r in records}


def test_same_topic_different_actors_are_two_campaigns():
    # same keywords, same image host, same template text: different contacts
    text = "LEB卡怎么续费？登录官网，选择套餐，完成支付，轻松搞定续费全流程。" * 5
    a = campaign("esim", "telegram:esim1088", 4, image=IMG_A)
    b = campaign("simvip", "telegram:simvipcard", 4, image=IMG_B)
    for r in a + b:
        r.text = text
        r.artifacts.append(art("domain", "leb-official.com"))
    doc = analyze_store(build(benign_sites() + a + b))
    assert campaigns_of(doc) == {"telegram:esim1088": urls(a), "telegram:simvipcard": urls(b)}


def test_rotating_handles_chain_is_one_campaign():
    chain = [("h1",), ("h1",), ("h1", "h2"), ("h2",), ("h2", "h3"), ("h3",), ("h3",)]
    records = [
        page(f"http://rot{i}.com/a.html", *[art("handle", f"telegram:rot_{h}") for h in hs])
        for i, hs in enumerate(chain)
    ]
    doc = analyze_store(build(benign_sites() + records))
    assert len(doc["campaigns"]) == 1
    (c,) = doc["campaigns"]
    assert set(c["pages"]) == urls(records)
    assert c["artifacts"]["handle"] == ["telegram:rot_h1", "telegram:rot_h2", "telegram:rot_h3"]


def test_shared_tracking_id_only_is_one_campaign():
    records = [
        page(f"http://shop{i}.net/", art("tracking_id", "ga4:G-SPAM123", "script"))
        for i in range(3)
    ]
    doc = analyze_store(build(benign_sites(14) + records))
    assert campaigns_of(doc) == {"ga4:G-SPAM123": urls(records)}
    (c,) = doc["campaigns"]
    assert c["evidence"][0] | {"weight": 0} == {
        "kind": "tracking_id", "label": "ga4:G-SPAM123", "strength": "strong",
        "pages": 3, "core_pages": 3, "sites": 3, "sites_in_run": 3, "weight": 0}


def test_blogspot_subdomains_with_unrelated_owners_are_not_merged():
    platform = [
        art("image", "https://resources.blogblog.com/img/icon18_wrench_allbkg.png", "attr"),
        art("tracking_id", "ga:UA-18003-7", "script"),
        art("domain", "blogger.com"),
        art("image_host", "bp.blogspot.com", "attr"),
    ]
    alice = [page(f"http://alice.blogspot.com/{i}.html", art("handle", "telegram:alice_cards"),
                  *platform) for i in range(3)]
    alice += [page(f"http://alice-mirror{i}.com/", art("handle", "telegram:alice_cards"))
              for i in range(2)]
    bob = [page(f"http://bob.blogspot.com/{i}.html", art("handle", "whatsapp:85261234567"),
                *platform) for i in range(3)]
    bob += [page(f"http://bob-mirror{i}.com/", art("handle", "whatsapp:85261234567"))
            for i in range(2)]
    carol = [page(f"http://carol.blogspot.com/{i}.html", *platform) for i in range(2)]
    doc = analyze_store(build(benign_sites() + alice + bob + carol))
    assert campaigns_of(doc) == {"telegram:alice_cards": urls(alice),
                                 "whatsapp:85261234567": urls(bob)}
    # each blog is a site of its own
    assert "alice.blogspot.com" in doc["campaigns"][0]["domains"] + doc["campaigns"][1]["domains"]


def test_blogspot_platform_artifact_would_merge_without_the_platform_rule():
    # the same web with the blogs moved off the platform: the shared image then ties them
    shared = art("image", "https://resources.example-cdn.com/img/wrench.png", "attr")
    alice = [page(f"http://alice{i}.com/", art("handle", "telegram:alice_cards"), shared)
             for i in range(2)]
    bob = [page(f"http://bob{i}.com/", art("handle", "whatsapp:85261234567"), shared)
           for i in range(2)]
    doc = analyze_store(build(benign_sites(20) + alice + bob))
    assert len(doc["campaigns"]) == 1


def spam_web():
    spam = [page(f"http://leb-renew{i}.com/guide.html", art("handle", "telegram:esim1088"),
                 art("image", IMG_A, "attr"), day=3 + i) for i in range(5)]
    news = [page(f"http://dailynews.com/{i}.html",
                 art("tracking_id", "ga:UA-5555-1", "script"),
                 art("handle", "email:tips@dailynews.com")) for i in range(4)]
    return spam, news


def test_benign_warning_with_a_text_mention_is_not_a_member():
    spam, news = spam_web()
    warning = page("http://dailynews.com/warning.html",
                   art("tracking_id", "ga:UA-5555-1", "script"),
                   art("handle", "email:tips@dailynews.com"),
                   art("handle", "telegram:esim1088", "text", 0.8))
    doc = analyze_store(build(benign_sites() + spam + news + [warning]))
    (c,) = doc["campaigns"]
    assert set(c["pages"]) == urls(spam)
    assert c["mentions"] == [warning.url]


def test_benign_warning_linking_the_handle_is_not_core_and_brings_no_site():
    spam, news = spam_web()
    warning = page("http://dailynews.com/warning.html",
                   art("tracking_id", "ga:UA-5555-1", "script"),
                   art("handle", "email:tips@dailynews.com"),
                   art("handle", "telegram:esim1088", "href"))
    doc = analyze_store(build(benign_sites() + spam + news + [warning]))
    (c,) = doc["campaigns"]
    assert set(c["core"]) == urls(spam)
    assert warning.url in c["pages"]
    assert not urls(news) & set(c["pages"])  # the news site's own template is not evidence
    # the warning page changes neither the id nor the label
    alone = analyze_store(build(benign_sites() + spam + news))
    assert (c["id"], c["label"]) == (alone["campaigns"][0]["id"], alone["campaigns"][0]["label"])


def test_spam_post_on_a_forum_joins_without_the_forum():
    spam, _ = spam_web()
    forum = [page(f"http://bigforum.org/t/{i}", art("tracking_id", "ga:UA-777-2", "script"),
                  art("image", "http://bigforum.org/logo.png", "attr")) for i in range(8)]
    post = page("http://bigforum.org/t/spam", art("tracking_id", "ga:UA-777-2", "script"),
                art("image", "http://bigforum.org/logo.png", "attr"),
                art("handle", "telegram:esim1088"))
    doc = analyze_store(build(benign_sites() + spam + forum + [post]))
    (c,) = doc["campaigns"]
    assert set(c["pages"]) == urls(spam) | {post.url}
    assert post.url not in c["core"]


def test_site_local_artifacts_bring_the_campaign_sites_other_pages():
    # a campaign site's page without the handle joins through the site's own tracking ID
    records = []
    for s in range(3):
        ga = art("tracking_id", f"ga:UA-90{s}-1", "script")
        records += [page(f"http://camp{s}.com/{p}.html", ga, art("handle", "telegram:shopbot"))
                    for p in range(3)]
        records.append(page(f"http://camp{s}.com/about.html", ga))
    doc = analyze_store(build(benign_sites() + records))
    assert campaigns_of(doc) == {"telegram:shopbot": urls(records)}


def test_cdn_fonts_and_share_links_everywhere_are_ignored():
    doc = analyze_store(build(benign_sites(15)))
    assert doc["campaigns"] == []
    ubiquitous = {(u["kind"], u["label"]) for u in doc["ubiquitous"]}
    assert ubiquitous == {("domain", "googleapis.com"), ("domain", "cloudflare.com"),
                          ("domain", "facebook.com"), ("domain", "twitter.com"),
                          ("image", "https://static.sharebar.net/icons/share.png")}
    assert all(u["sites"] == 15 for u in doc["ubiquitous"])
    # and they are no evidence inside a campaign either
    spam, _ = spam_web()
    doc = analyze_store(build(benign_sites(15) + spam))
    (c,) = doc["campaigns"]
    assert {(e["kind"], e["label"]) for e in c["evidence"]} == {
        ("handle", "telegram:esim1088"), ("image", IMG_A)}


def test_campaign_image_on_most_sites_of_a_small_crawl_is_not_ubiquitous():
    spam, _ = spam_web()
    doc = analyze_store(build(benign_sites(3, 1) + spam))
    (c,) = doc["campaigns"]
    assert ("image", IMG_A) in {(e["kind"], e["label"]) for e in c["evidence"]}
    assert IMG_A not in {u["label"] for u in doc["ubiquitous"]}


def test_ids_are_stable_across_runs_and_insertion_order(tmp_path):
    spam, news = spam_web()
    other = campaign("vip", "telegram:vipsim", 3, image=IMG_B)
    records = benign_sites() + spam + news + other
    first = analyze_store(build(records))
    again = analyze_store(build(records))
    shuffled = analyze_store(build(list(reversed(records))))
    ids = [c["id"] for c in first["campaigns"]]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert ids == [c["id"] for c in again["campaigns"]] == [c["id"] for c in shuffled["campaigns"]]
    strip = lambda d: {k: v for k, v in d.items() if k != "generated_at"}  # noqa: E731
    assert strip(first) == strip(shuffled)


def text_web():
    """Two text-only campaigns (handles only mentioned in text, no links)."""
    t_pages = [page(f"http://tpl-a{i}.com/", art("handle", "telegram:alpha_sim", "text", 0.8))
               for i in range(4)]
    u_pages = [page(f"http://tpl-b{i}.com/", art("handle", "telegram:beta_sim", "text", 0.8))
               for i in range(4)]
    return t_pages, u_pages


def test_louvain_splits_a_weak_bridge():
    t_pages, u_pages = text_web()
    store = build(benign_sites() + t_pages + u_pages)
    table = load_table(store)
    ev = artifact_evidence(table)
    row = {int(pid): i for i, pid in enumerate(table.page_ids)}
    ids = {r.url: row[pid] for r, pid in zip(
        [p for p in store.iter_pages()], table.page_ids)}
    t_rows = [ids[p.url] for p in t_pages]
    u_rows = [ids[p.url] for p in u_pages]
    # near-duplicate templates inside each campaign, one weak bridge between them
    dups = [(a, b, 0.9) for g in (t_rows, u_rows) for i, a in enumerate(g) for b in g[i + 1:]]
    dups.append((t_rows[0], u_rows[0], 0.7))
    result = cluster_pages(table, ev, near_dups=dups, seed=0)
    assert result.n_campaigns == 2
    assert len(set(result.campaign[t_rows].tolist())) == 1
    assert len(set(result.campaign[u_rows].tolist())) == 1
    assert result.campaign[t_rows[0]] != result.campaign[u_rows[0]]
    assert result.attached[t_rows + u_rows].all()


def test_weak_evidence_never_merges_strong_groups():
    a = campaign("esim", "telegram:esim1088", 3, image=IMG_A)
    b = campaign("simvip", "telegram:simvipcard", 3, image=IMG_B)
    store = build(benign_sites() + a + b)
    table = load_table(store)
    ev = artifact_evidence(table)
    urls_by_row = {i: p.url for i, p in enumerate(store.iter_pages())}
    rows_a = [i for i, u in urls_by_row.items() if "esim" in u]
    rows_b = [i for i, u in urls_by_row.items() if "simvip" in u]
    dups = [(x, y, 1.0) for x in rows_a for y in rows_b]  # identical text across actors
    result = cluster_pages(table, ev, near_dups=dups)
    assert result.n_campaigns == 2
    assert not set(result.campaign[rows_a].tolist()) & set(result.campaign[rows_b].tolist())


def test_text_mention_plus_near_duplicate_text_attaches_a_page():
    spam, _ = spam_web()
    template = ("LEB卡续费只需要三步：先登录官网的个人中心，再选择适合自己的套餐，最后完成支付。"
                "支付方式包括信用卡、支付宝和微信。续费以后记得检查设备连接是否正常，"
                "如果信号中断，可以重启手机或者联系在线客服。定期查看余额，提前规划续费时间，"
                "就不会因为欠费而停机。关注促销活动，有时还能获得折扣和赠送流量。")
    for i, r in enumerate(spam):
        r.text = template + f"第{i}篇"
    echo = page("http://copy-site.com/leb.html", art("handle", "telegram:esim1088", "text", 0.8),
                text=template + "copy")
    warning = page("http://dailynews.com/warning.html",
                   art("handle", "telegram:esim1088", "text", 0.8),
                   text="警告：有人冒充客服骗取钱财，请勿相信陌生账号。" * 6)
    doc = analyze_store(build(benign_sites() + spam + [echo, warning]))
    (c,) = doc["campaigns"]
    assert set(c["pages"]) == urls(spam) | {echo.url}
    assert echo.url not in c["core"]
    assert c["mentions"] == [warning.url]


def test_campaign_fields(tmp_path):
    spam, news = spam_web()
    with PageStore.open_run(tmp_path) as store:
        store.add_pages(benign_sites() + spam + news)
    doc = analyze_run(tmp_path, seed=3)
    assert (tmp_path / "campaigns.json").exists()
    assert doc["schema"] == "cobweb.campaigns/1"
    assert doc["parameters"]["seed"] == 3
    assert doc["totals"] == {"pages": 33, "sites": 18, "artifacts": 57, "campaigns": 1}
    (c,) = doc["campaigns"]
    assert c["id"].startswith("c-") and len(c["id"]) == 10
    assert c["label"] == "telegram:esim1088"
    assert (c["first_seen"], c["last_seen"]) == ("2026-11-03T00:00:00Z", "2026-11-07T00:00:00Z")
    assert c["domains"] == sorted(f"leb-renew{i}.com" for i in range(5))
    assert c["pages"] == sorted(c["pages"])
    assert c["artifacts"]["handle"] == ["telegram:esim1088"]
    assert c["evidence"][0]["label"] == "telegram:esim1088"
    assert [e["strength"] for e in c["evidence"]] == ["strong", "strong"]
    assert 0.0 < c["score"] <= 1.0


def test_empty_run(tmp_path):
    PageStore.open_run(tmp_path).close()
    doc = analyze_run(tmp_path)
    assert doc["campaigns"] == [] and doc["totals"]["pages"] == 0


def test_missing_store(tmp_path):
    with pytest.raises(FileNotFoundError):
        analyze_run(tmp_path / "nope")


def test_score_orders_coordination():
    tight = campaign("tight", "telegram:tightsim", 5, image=IMG_A)
    loose = [page(f"http://loose{i}.com/", art("domain", f"x{i}.com"),
                  art("image", IMG_B, "attr")) for i in range(2)]
    doc = analyze_store(build(benign_sites() + tight + loose))
    score = {c["label"]: c["score"] for c in doc["campaigns"]}
    assert score["telegram:tightsim"] > score[IMG_B]
    assert len(score) == 2


def test_forum_network_with_posts_from_two_campaigns_bridges_nothing():
    a = campaign("esim", "telegram:esim1088", 3, image=IMG_A)
    b = campaign("simvip", "telegram:simvipcard", 3, image=IMG_B)
    network_ga = art("tracking_id", "ga:UA-4242-1", "script")  # two forums, one owner
    forums = [page(f"http://forum{s}.org/t/{i}", network_ga) for s in range(2) for i in range(6)]
    post_a = page("http://forum0.org/t/spam", network_ga, art("handle", "telegram:esim1088"))
    post_b = page("http://forum1.org/t/spam", network_ga, art("handle", "telegram:simvipcard"))
    doc = analyze_store(build(benign_sites() + a + b + forums + [post_a, post_b]))
    assert campaigns_of(doc) == {"telegram:esim1088": urls(a) | {post_a.url},
                                 "telegram:simvipcard": urls(b) | {post_b.url},
                                 "ga:UA-4242-1": urls(forums)}
