"""Spider, pipelines, proxy middleware and progress with hand-made responses."""

from __future__ import annotations

import io

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError, TimeoutError
from twisted.python.failure import Failure

from crawler.extensions import Progress, progress_line
from crawler.middlewares.proxy import ProxyMiddleware
from crawler.pipelines import ExtractionPipeline, StorePipeline
from crawler.records import PageRecord
from crawler.signals import request_rejected
from crawler.spiders.keywords import KeywordsSpider, read_seeds
from crawler.spiders.outcome import FetchOutcome
from crawler.store import PageStore, store_path

PAGE = """<html><head><title>LEB eSIM 续费教程</title></head><body>
<p>如何给 esim 续费？联系 Telegram: <a href="https://t.me/s/demo_handle">@demo_handle</a></p>
<img src="https://i.postimg.cc/abc/card.png">
<a href="/next.html">next</a> <a href="http://other.example.org/x">other</a>
<a href="file:///etc/passwd">local</a> <a href="ftp://files.example.com/a">ftp</a>
<a href="mailto:a@b.example">mail</a> <a href="/next.html#again">dup</a>
</body></html>"""

OFFTOPIC = """<html><head><title>Cats</title></head><body><p>cats sleep</p>
<a href="/more.html">more</a></body></html>"""


def make_spider(settings=None, **kwargs):
    crawler = get_crawler(KeywordsSpider, settings or {})
    args = {"keywords": "esim,续费", "run_dir": "unused", **kwargs}
    spider = KeywordsSpider.from_crawler(crawler, **args)
    crawler.spider = spider
    return crawler, spider


def response(url, html, *, depth=0, status=200, ctype="text/html; charset=utf-8", meta=None):
    request = Request(url, meta={"depth": depth, **(meta or {})})
    return HtmlResponse(url, status=status, body=html.encode("utf-8"), request=request,
                        headers={"Content-Type": ctype})


def test_matching_page_yields_links_first_then_record():
    _, spider = make_spider()
    resp = response("http://leb-help.example.com/renew.html", PAGE, depth=1,
                    meta={"redirect_urls": ["http://short.example/r"]})
    out = list(spider.parse(resp))
    requests, last = out[:-1], out[-1]
    assert all(isinstance(r, Request) for r in requests)
    # http(s) links only (no file:, ftp:, mailto:), each once, fragments aside
    assert sorted(r.url for r in requests) == ["http://leb-help.example.com/next.html",
                                               "http://other.example.org/x",
                                               "https://t.me/s/demo_handle"]
    assert all(r.meta["depth"] == 2 and r.errback == spider.failed for r in requests)
    assert isinstance(last, PageRecord)
    assert last.url == "http://leb-help.example.com/renew.html"
    assert last.requested_url == "http://short.example/r"
    assert last.redirect_chain == ["http://short.example/r"]
    assert last.title == "LEB eSIM 续费教程"
    assert sorted(last.keywords) == sorted(["esim", "续费"])
    assert "https://i.postimg.cc/abc/card.png" in last.images
    assert "http://other.example.org/x" in last.out_links
    assert last.fetched_at.endswith("Z") and last.html and last.status == 200


def test_non_matching_page_links_follow_the_setting():
    _, spider = make_spider()
    out = list(spider.parse(response("http://cats.example/", OFFTOPIC)))
    assert [r.url for r in out[:-1]] == ["http://cats.example/more.html"]
    assert out[-1] == FetchOutcome("http://cats.example/")
    _, strict = make_spider({"COBWEB_FOLLOW_NONMATCHING": False})
    assert list(strict.parse(response("http://cats.example/", OFFTOPIC))) == \
        [FetchOutcome("http://cats.example/")]


def test_platform_links_are_not_followed():
    _, spider = make_spider({"COBWEB_NOFOLLOW_DOMAINS": ["t.me", "facebook.com"]})
    out = list(spider.parse(response("http://leb-help.example.com/renew.html", PAGE)))
    assert sorted(r.url for r in out[:-1]) == ["http://leb-help.example.com/next.html",
                                               "http://other.example.org/x"]
    # the handle is still extracted from the page: only the fetch is skipped
    assert "https://t.me/s/demo_handle" in out[-1].out_links


def test_project_settings_skip_messaging_and_social_platforms():
    from scrapy.utils.project import get_project_settings

    domains = get_project_settings().getlist("COBWEB_NOFOLLOW_DOMAINS")
    assert {"t.me", "wa.me", "facebook.com", "twitter.com"} <= set(domains)


def test_depth_limit_stops_link_following():
    _, spider = make_spider(depth=2)
    out = list(spider.parse(response("http://leb.example/", PAGE, depth=2)))
    assert len(out) == 1 and isinstance(out[0], PageRecord)


def test_non_html_is_an_outcome():
    _, spider = make_spider()
    resp = Response("http://a.example/f.pdf", body=b"%PDF-1.4", request=Request("http://a.example/f.pdf"),
                    headers={"Content-Type": "application/pdf"})
    assert list(spider.parse(resp)) == [FetchOutcome("http://a.example/f.pdf", "not_html",
                                                     "application/pdf")]


@pytest.mark.parametrize(("exc", "reason"), [
    (TimeoutError(), "timeout"),
    (ConnectionRefusedError(), "connection_error"),
    (IgnoreRequest("already recorded"), None),
])
def test_errback_classifies_failures(exc, reason):
    _, spider = make_spider()
    failure = Failure(exc)
    failure.request = Request("http://a.example/")
    (outcome,) = spider.failed(failure)
    assert outcome.url == "http://a.example/" and outcome.reason == reason


def test_errback_http_error():
    _, spider = make_spider()
    resp = response("http://a.example/missing", "", status=404)
    failure = Failure(HttpError(resp))
    failure.request = resp.request
    assert list(spider.failed(failure)) == [FetchOutcome("http://a.example/missing", "http_error",
                                                         "HTTP 404")]


def test_seeds_file(tmp_path):
    f = tmp_path / "seeds.txt"
    f.write_text("# campaign seeds\nhttp://a.example/1\n\n  http://b.example/#x  # note\n")
    assert read_seeds(f) == ["http://a.example/1", "http://b.example/#x"]
    _, spider = make_spider(seeds=str(f), urls="http://c.example/")
    assert spider.seed_urls == ["http://a.example/1", "http://b.example/#x", "http://c.example/"]


def test_spider_needs_keywords():
    with pytest.raises(ValueError, match="keyword"):
        make_spider(keywords="")


def test_extraction_then_store_pipeline(tmp_path):
    crawler, spider = make_spider(run_dir=str(tmp_path))
    (record,) = [o for o in spider.parse(response("http://leb.example/a", PAGE))
                 if isinstance(o, PageRecord)]
    extract = ExtractionPipeline.from_crawler(crawler)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    item = store.process_item(extract.extract(record))
    assert ("handle", "telegram:demo_handle") in {(a.kind, a.label) for a in item.artifacts}
    store.process_item(item)  # the same page twice is still one page
    with pytest.raises(DropItem):
        store.process_item(FetchOutcome("http://a.example/x", "timeout", "30 s"))
    with pytest.raises(DropItem):
        store.process_item(FetchOutcome("http://a.example/y"))
    crawler.signals.send_catch_log(request_rejected, request=Request("http://10.0.0.5/"),
                                   reason="forbidden_address", detail="private")
    store.close_spider()
    with PageStore(store_path(tmp_path)) as db:
        assert db.page_count() == 1
        assert db.drop_counts() == {"timeout": 1, "forbidden_address": 1}
        assert db.get_meta("spider_params")["keywords"] == ["esim", "续费"]
        (page,) = db.iter_pages(with_html=True)
        assert page.html and page.keywords
        assert ("handle", "telegram:demo_handle") in {(k, lab) for _, k, lab in db.iter_page_artifacts()}
    assert crawler.stats.get_value("cobweb/dropped/timeout") == 1


def test_store_without_html(tmp_path):
    crawler, spider = make_spider({"COBWEB_STORE_HTML": False}, run_dir=str(tmp_path))
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    store.process_item(PageRecord("http://a.example/", html="<p>esim</p>"))
    store.close_spider()
    with PageStore(store_path(tmp_path)) as db:
        assert next(db.iter_pages(with_html=True)).html is None


def test_proxy_middleware():
    with pytest.raises(NotConfigured):
        ProxyMiddleware.from_crawler(get_crawler(settings_dict={"COBWEB_PROXY": ""}))
    mw = ProxyMiddleware.from_crawler(get_crawler(settings_dict={"COBWEB_PROXY": "http://127.0.0.1:9"}))
    own = Request("http://a.example/", meta={"proxy": "http://127.0.0.1:7"})
    plain = Request("http://a.example/")
    mw.process_request(own)
    mw.process_request(plain)
    assert own.meta["proxy"] == "http://127.0.0.1:7" and plain.meta["proxy"] == "http://127.0.0.1:9"


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_live_on_a_terminal_and_plain_lines_in_a_log():
    crawler = get_crawler()
    quiet = Progress(crawler, stream=io.StringIO(), log_interval=0)
    quiet.spider_closed()
    assert quiet.stream.getvalue() == ""
    live = Progress(crawler, stream=_Tty())
    crawler.stats.set_value("response_received_count", 3)
    live.update()
    assert live.stream.getvalue().startswith("\r0:00  fetched 3  hits 0")
    logged = Progress(crawler, stream=io.StringIO(), log_interval=30)
    assert logged.interval == 30
    logged.update()
    logged.update()
    assert logged.stream.getvalue().count("\n") == 2 and "\r" not in logged.stream.getvalue()
    with pytest.raises(NotConfigured):
        Progress.from_crawler(get_crawler(settings_dict={"COBWEB_PROGRESS_ENABLED": False}))


def test_progress_line_counts_drops():
    line = progress_line({"response_received_count": 10, "cobweb/pages_stored": 2,
                          "cobweb/frontier/queued": 5, "cobweb/dropped/timeout": 1,
                          "cobweb/dropped/connection_error": 3}, 2.0)
    assert line == "0:02  fetched 10  hits 2  queued 5  5.0 pages/s  dropped: unreachable 3, timed out 1"


def test_progress_line_against_max_pages():
    stats = {"response_received_count": 120, "cobweb/frontier/finished_before": 80}
    assert progress_line(stats, 3725.0, rate=4.0, max_pages=1000) == (
        "1:02:05  fetched 120 (200/1000, 20%, ETA 3:20)  hits 0  queued 0  4.0 pages/s")
    # no ETA once the cap is reached, or while nothing is fetched
    assert "ETA" not in progress_line(stats, 10.0, rate=4.0, max_pages=200)
    assert "(200/400, 50%)" in progress_line(stats, 10.0, rate=0.0, max_pages=400)


def test_progress_rate_is_recent():
    crawler = get_crawler()
    p = Progress(crawler, stream=io.StringIO(), window=10.0)
    p._start = 0.0
    assert p.rate(10.0, 1000) == 100.0  # 1000 pages in the first 10 s
    assert p.rate(20.0, 1010) == 1.0  # then 10 in the next 10 s: 1/s, not the 50/s average
    assert p.rate(25.0, 1020) == pytest.approx(20 / 15)  # since the newest update 10 s old


def test_links_carry_the_referring_page_not_a_header():
    _, spider = make_spider()
    out = list(spider.parse(response("http://cats.example/", OFFTOPIC)))
    assert out[0].meta["referer"] == "http://cats.example/"
    assert b"Referer" not in out[0].headers


def test_extraction_reuses_the_spiders_parse():
    crawler, spider = make_spider()
    (record,) = [o for o in spider.parse(response("http://leb.example/a", PAGE))
                 if isinstance(o, PageRecord)]
    parsed = spider.take_parsed(record.url)
    assert parsed is not None and parsed.title == record.title
    assert spider.take_parsed(record.url) is None  # handed out once
    # without a kept parse the pipeline parses the HTML itself, with the same result
    again = ExtractionPipeline.from_crawler(crawler).extract(
        PageRecord(record.url, html=record.html))
    spider._parsed[record.url] = parsed
    reused = ExtractionPipeline.from_crawler(crawler).extract(record)
    assert sorted(reused.artifacts, key=repr) == sorted(again.artifacts, key=repr)


def test_kept_parses_are_bounded():
    _, spider = make_spider()
    for i in range(200):
        list(spider.parse(response(f"http://leb.example/{i}", PAGE)))
    assert len(spider._parsed) == 64


def test_crawl_settings_apply_run_parameters():
    from crawler.runner import crawl_settings

    s = crawl_settings({"run_dir": "runs/x", "proxy": "http://127.0.0.1:8899", "allow_private": True,
                        "user_agent": "UA/1"}, {"CONCURRENT_REQUESTS": 4})
    assert s["COBWEB_RUN_DIR"] == "runs/x" and s.getbool("COBWEB_ALLOW_PRIVATE")
    assert s["USER_AGENT"] == "UA/1" and s.getint("CONCURRENT_REQUESTS") == 4
    assert not s.getbool("COOKIES_ENABLED")
    assert s["SCHEDULER"] == "crawler.scheduler.FrontierScheduler"


def test_resume_needs_a_run(tmp_path):
    from crawler.runner import run_crawl

    with pytest.raises(FileNotFoundError):
        run_crawl(tmp_path / "nothing", resume=True)
    with PageStore.open_run(tmp_path / "empty"):
        pass
    with pytest.raises(ValueError, match="no stored crawl parameters"):
        run_crawl(tmp_path / "empty", resume=True)


def test_progress_line_is_broken_before_a_message():
    live = Progress(get_crawler(), stream=_Tty())
    live.break_line()  # nothing written yet: nothing to break
    live.update()
    live.break_line()
    live.break_line()
    assert live.stream.getvalue().endswith("pages/s\n")
