"""FrontierScheduler: dedupe, retries, redirects, done-marking, budget, resume."""

from __future__ import annotations

import pytest
from scrapy import Request, signals
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.frontier import SQLiteFrontier
from crawler.records import PageRecord
from crawler.scheduler import FRONTIER_KEY, FrontierScheduler
from crawler.signals import request_rejected
from crawler.spiders.keywords import KeywordsSpider
from crawler.spiders.outcome import FetchOutcome

SETTINGS = {
    "COBWEB_FRONTIER_CLASS": "crawler.frontier.sqlite.SQLiteFrontier",
    "COBWEB_FRONTIER_BATCH": 4,
}


def open_scheduler(run_dir, max_pages=0):
    crawler = get_crawler(KeywordsSpider, SETTINGS)
    spider = KeywordsSpider.from_crawler(crawler, keywords="esim", run_dir=str(run_dir),
                                         max_pages=max_pages)
    crawler.spider = spider
    sched = FrontierScheduler.from_crawler(crawler)
    sched.open(spider)
    return crawler, spider, sched


def drain(sched):
    out = []
    while (r := sched.next_request()) is not None:
        out.append(r)
    return out


def finish(crawler, request, item=None):
    """What the engine does when the spider's last output for ``request`` passed the pipelines."""
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    crawler.signals.send_catch_log(signals.item_scraped, item=item or FetchOutcome(request.url),
                                   response=response, spider=crawler.spider)


@pytest.fixture
def opened(tmp_path):
    crawler, spider, sched = open_scheduler(tmp_path)
    yield crawler, spider, sched
    sched.close("finished")


def test_dedupes_and_rebuilds_requests(opened):
    crawler, spider, sched = opened
    assert sched.enqueue_request(Request("http://a.example/p?b=1&a=2", callback=spider.parse,
                                         errback=spider.failed, meta={"depth": 2},
                                         headers={"Referer": "http://hub.example/"}))
    assert not sched.enqueue_request(Request("http://A.example/p?a=2&b=1&utm_source=x"))
    assert sched.has_pending_requests()
    (req,) = drain(sched)
    assert req.url == "http://a.example/p?b=1&a=2"  # fetched as first linked
    assert req.meta[FRONTIER_KEY] == "http://a.example/p?a=2&b=1" and req.meta["depth"] == 2
    assert req.callback == spider.parse and req.errback == spider.failed
    assert req.meta["referer"] == "http://hub.example/" and b"Referer" not in req.headers
    assert not sched.has_pending_requests()
    assert crawler.stats.get_value("cobweb/frontier/duplicates") == 1


def test_done_only_after_last_output(opened, tmp_path):
    crawler, spider, sched = opened
    sched.enqueue_request(Request("http://a.example/", callback=spider.parse))
    (req,) = drain(sched)
    # the page's links are buffered, not yet durable, and the page is in flight
    sched.enqueue_request(Request("http://a.example/next"))
    probe = SQLiteFrontier.for_run(tmp_path)
    assert probe.stats()["in_flight"] == 1 and not probe.seen("http://a.example/next")
    finish(crawler, req, PageRecord(url=req.url))
    assert probe.stats() == {"queued": 1, "in_flight": 0, "done": 1, "dropped": 0}
    assert probe.seen("http://a.example/next")
    probe.close()


def test_retry_requeues_same_entry_with_meta(opened):
    crawler, spider, sched = opened
    sched.enqueue_request(Request("http://a.example/", callback=spider.parse))
    (req,) = drain(sched)
    retried = req.replace(dont_filter=True)
    retried.meta["retry_times"] = 1
    assert sched.enqueue_request(retried)
    (again,) = drain(sched)
    assert again.url == req.url and again.meta["retry_times"] == 1
    assert again.callback == spider.parse
    # a new request with dont_filter is fetched again even if done
    finish(crawler, again)
    assert sched.enqueue_request(Request("http://a.example/", dont_filter=True))
    assert len(drain(sched)) == 1


def test_redirect_adds_target_and_finishes_origin(opened, tmp_path):
    crawler, spider, sched = opened
    for url in ("http://a.example/old", "http://a.example/seen"):
        sched.enqueue_request(Request(url, callback=spider.parse))
    old, seen = drain(sched)
    # 301 old -> new: the downloader's redirect middleware copies the meta
    hop = old.replace(url="http://a.example/new")
    hop.meta["redirect_urls"] = [old.url]
    assert sched.enqueue_request(hop)
    # 301 seen -> new again: deduplicated, and the origin is finished too
    hop2 = seen.replace(url="http://a.example/new/../new")
    assert not sched.enqueue_request(hop2)
    (new,) = drain(sched)
    assert new.url == "http://a.example/new"
    assert new.meta["redirect_urls"] == [old.url] and new.meta[FRONTIER_KEY] == new.url
    probe = SQLiteFrontier.for_run(tmp_path)
    assert probe.stats() == {"queued": 0, "in_flight": 1, "done": 2, "dropped": 0}
    probe.close()


def test_rejected_request_is_dropped(opened, tmp_path):
    crawler, spider, sched = opened
    sched.enqueue_request(Request("http://a.example/big"))
    (req,) = drain(sched)
    crawler.signals.send_catch_log(request_rejected, request=req, reason="too_large", detail="x")
    finish(crawler, req)  # the errback's outcome afterwards changes nothing
    probe = SQLiteFrontier.for_run(tmp_path)
    assert probe.stats()["dropped"] == 1
    assert probe.conn.execute("SELECT reason FROM frontier").fetchone()[0] == "too_large"
    probe.close()


def test_max_pages_budget_counts_earlier_runs(tmp_path):
    crawler, spider, sched = open_scheduler(tmp_path, max_pages=3)
    for i in range(5):
        sched.enqueue_request(Request(f"http://a.example/{i}"))
    first = drain(sched)
    assert len(first) == 3
    assert not sched.has_pending_requests()
    finish(crawler, first[0])
    sched.close("finished")
    # the next run with the same cap fetches again the two in flight at the close, no more
    crawler, spider, sched = open_scheduler(tmp_path, max_pages=3)
    second = drain(sched)
    assert [r.url for r in second] == ["http://a.example/1", "http://a.example/2"]
    for r in second:
        finish(crawler, r)
    assert not sched.has_pending_requests()
    sched.close("finished")
    # a bigger cap continues with the URLs never fetched
    crawler, spider, sched = open_scheduler(tmp_path, max_pages=10)
    assert [r.url for r in drain(sched)] == ["http://a.example/3", "http://a.example/4"]
    sched.close("finished")


def test_resume_requeues_in_flight(tmp_path):
    crawler, spider, sched = open_scheduler(tmp_path)
    for i in range(3):
        sched.enqueue_request(Request(f"http://a.example/{i}", callback=spider.parse))
    reqs = drain(sched)
    finish(crawler, reqs[0])
    sched.frontier.conn.close()  # killed: no close(), nothing flushed beyond commits
    crawler, spider, sched = open_scheduler(tmp_path)
    again = drain(sched)
    assert [r.url for r in again] == ["http://a.example/1", "http://a.example/2"]
    assert all(r.callback == spider.parse for r in again)
    sched.close("finished")


def test_network_failures_are_queued_again_on_resume_others_on_request(tmp_path):
    crawler, spider, sched = open_scheduler(tmp_path)
    reasons = ["connection_error", "timeout", "http_error", "too_large"]
    for i in range(len(reasons)):
        sched.enqueue_request(Request(f"http://a.example/{i}"))
    for req, reason in zip(drain(sched), reasons):
        crawler.signals.send_catch_log(request_rejected, request=req, reason=reason, detail="x")
    sched.close("finished")
    assert crawler.stats.get_value("cobweb/frontier/retryable") == 2
    # the next run queues the network failures again, not what the sites refused
    crawler, spider, sched = open_scheduler(tmp_path)
    assert crawler.stats.get_value("cobweb/frontier/retried_drops") == 2
    assert [r.url for r in drain(sched)] == ["http://a.example/0", "http://a.example/1"]
    sched.close("shutdown")
    # COBWEB_RETRY_DROPPED (cobweb crawl --retry-dropped) names more reasons
    crawler = get_crawler(KeywordsSpider, {**SETTINGS, "COBWEB_RETRY_DROPPED": ["http_error"]})
    spider = KeywordsSpider.from_crawler(crawler, keywords="esim", run_dir=str(tmp_path))
    crawler.spider = spider
    sched = FrontierScheduler.from_crawler(crawler)
    sched.open(spider)
    assert {r.url for r in drain(sched)} == {"http://a.example/0", "http://a.example/1",
                                             "http://a.example/2"}
    sched.close("shutdown")


def test_failed_fetch_is_dropped_with_its_reason(opened, tmp_path):
    crawler, spider, sched = opened
    sched.enqueue_request(Request("http://a.example/busy"))
    (req,) = drain(sched)
    finish(crawler, req, FetchOutcome(req.url, "http_error", "HTTP 503"))
    probe = SQLiteFrontier.for_run(tmp_path)
    assert probe.dropped_counts() == {"http_error": 1}
    probe.close()
