"""Crawl throughput: ``cobweb crawl`` against a plain Scrapy spider, same web, same run.

A synthetic web of ``--pages`` keyword pages (default 20,000) on ``--sites``
made-up sites is generated on the fly by a :class:`~crawler.demoweb.server.VirtualWeb`
and served through the loopback forward proxy from a SEPARATE process, so
the crawler and the server do not share a GIL. Then, one after the other,
each in its own process:

* ``plain``: a Scrapy spider that follows every link and extracts nothing
  (Scrapy's default settings, in-memory scheduler);
* ``cobweb``: :func:`crawler.runner.run_crawl`, what ``cobweb crawl`` runs:
  the durable SQLite frontier, the safety middlewares, robots.txt, keyword
  matching, artifact extraction, the page store and WARC capture;
* ``cobweb --no-warc``: the same without WARC capture. The WARC cost is the
  ratio of the two (target: WARC keeps >= 0.9 of the throughput), and disk
  bytes per fetched page are given for both (store, plus ``warc/``).

Both use the same concurrency (``--concurrency``, ``--per-site``,
``CONCURRENT_ITEMS``) and have
AutoThrottle OFF (Cobweb turns it on by default for politeness; a delay that
adapts to latency would measure the throttle, not the crawler). The figures:
pages fetched, pages/s (pages / Scrapy's elapsed time), the ratio cobweb/plain
(target >= 0.8), each process's peak RSS, and its CPU time per page (the
crawler's own cost, whatever the server's speed: when the single-process
server is the bottleneck, the pages/s of both crawls approach its rate and
CPU ms/page tells them apart). The machine is shared: compare the ratio,
measured in one run, not absolute figures.

    .venv/bin/python bench/bench_crawl.py [--pages 20000] [--sites 40] [--concurrency 32] [--warc-only]

Rendering (issue 12): ``--render auto`` crawls a web where every
``--match-every``-th page (default with --render: 10 %) mentions the keyword
and builds its contact block in a script after a timer, so those pages need
rendering; it runs ``cobweb crawl --render never`` and ``--render auto`` on
it, one after the other, and prints pages/s of each, how many pages were
rendered and why, and the cost per rendered page (the time auto adds, divided
by the pages it rendered, and the browser seconds per page and view).
``--render auto`` runs twice: views of a matched page rendered after the page
(``COBWEB_RENDER_VIEWS_WITH_PAGE`` off, as before) and alongside it (the
default), so the gain is measured in one run.

    .venv/bin/python bench/bench_crawl.py --render auto --pages 2000

Workers (issue 11): ``--workers`` runs, in one run on the same web, plain
Scrapy, ``cobweb crawl --workers 1`` and ``cobweb crawl --workers 2`` (local
worker processes sharing the run's SQLite frontier and store), and with
``--redis URL`` also 2 workers through Redis; it prints pages/s (pages fetched
/ wall time from the crawl's start, worker start-up included), CPU ms per page
(the crawl's processes together) and the ratio of 2 workers to plain Scrapy
(target >= 1.7 on a 2-core machine). The per-site interval across workers
(COBWEB_SITE_INTERVAL) is 0 here, as plain Scrapy has no delay; the per-site
concurrency (--per-site) holds for all three.

    .venv/bin/python bench/bench_crawl.py --workers --pages 5000 [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
KEYWORD = "esim"
LINKS_PER_PAGE = 10
#: Cobweb's project value; given to both crawls (Scrapy's default is 100).
CONCURRENT_ITEMS = 16
WORDS = ("renewal card plan data roaming balance activate top-up carrier travel "
         "settings network coverage support account payment expiry reminder").split()


def page_url(i: int, sites: int) -> str:
    return f"http://cobweb-bench-{i % sites}.org/p/{i}.html"


def page_links(i: int, n: int) -> list[int]:
    """Three tree children (every page reachable, depth ~ log3 n) and pseudo-random others."""
    kids = [k for k in (3 * i + 1, 3 * i + 2, 3 * i + 3) if k < n]
    others = [(i * 7919 + 104729 * k) % n for k in range(1, LINKS_PER_PAGE - len(kids) + 1)]
    return kids + others


def page_html(i: int, n: int, sites: int, match_every: int, scripted: bool = False) -> str:
    words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(60))
    matched = i % match_every == 0
    topic = f"How to renew an {KEYWORD} card" if matched else "Weekend weather notes"
    contact = (f'<p>Contact on Telegram: @bench{i % 97} (t.me/bench{i % 97})</p>'
               f'<img src="http://img.cobweb-bench-img.org/{i % 13}.png">' if matched else "")
    if matched and scripted:  # the contact block appears only when a script has run
        contact = ("<div id=c></div><script>setTimeout(function(){document.getElementById('c')"
                   f".innerHTML='<a href=\"https://t.me/bench{i % 97}\">Telegram</a>';}},500);</script>")
    links = "".join(f'<li><a href="{page_url(k, sites)}">page {k}</a></li>'
                    for k in page_links(i, n))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{topic} #{i}</title></head>"
            f"<body><h1>{topic}</h1><p>{words}</p><p>{words[::-1]}</p>{contact}"
            f"<ul>{links}</ul></body></html>")


# -- roles ----------------------------------------------------------------------


def serve(n: int, sites: int, match_every: int, scripted: bool = False) -> None:
    """Serve the web through the proxy until stdin closes; print the proxy URL first."""
    from crawler.demoweb.server import VirtualWeb, VirtualWebProxy, html_resource

    web = VirtualWeb()

    def handler(method: str, url: str, count: int):
        path = url.split("/", 3)[-1]
        if not (path.startswith("p/") and path.endswith(".html")):
            return None
        try:
            i = int(path[2:-5])
        except ValueError:
            return None
        if not 0 <= i < n or page_url(i, sites) != url:
            return None
        return html_resource(page_html(i, n, sites, match_every, scripted))

    for s in range(sites):
        web.add_handler(f"cobweb-bench-{s}.org", handler)
    with VirtualWebProxy(web) as proxy:
        print(proxy.url, flush=True)
        sys.stdin.read()
        pages = sum(1 for m, u in web.requests if m == "GET" and "/p/" in u)
        print(json.dumps({"page_gets": pages}), flush=True)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child_workers(proxy: str, seed: str, concurrency: int, per_site: int, run_dir: str,
                  workers: int, redis: str | None) -> dict:
    """``cobweb crawl --workers N`` (through Redis with ``redis``)."""
    import logging

    from crawler.runner import run_crawl

    logging.basicConfig(level=logging.WARNING)
    settings = {"CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": per_site,
                "CONCURRENT_ITEMS": CONCURRENT_ITEMS, "AUTOTHROTTLE_ENABLED": False,
                "COBWEB_PROGRESS_ENABLED": False, "COBWEB_SITE_INTERVAL": 0.0}
    if redis:
        settings.update({"COBWEB_FRONTIER_CLASS": "crawler.frontier.redis_streams.RedisStreamsFrontier",
                         "COBWEB_SITE_BUDGET_CLASS": "crawler.sitebudget.redis.RedisSiteBudget",
                         "COBWEB_REDIS_URL": redis, "COBWEB_RUN_NAME": f"bench-{time.monotonic_ns()}"})
    started = time.monotonic()
    summary = run_crawl(run_dir, keywords=[KEYWORD], urls=[seed], depth=1000, proxy=proxy,
                        render="never", settings=settings, workers=workers)
    return {"pages": summary["fetched"], "hits": summary["hits"], "elapsed": time.monotonic() - started,
            "maxrss_mb": _maxrss_mb(), "cpu_s": _cpu_s() + _children_cpu_s()}


def start_server(args: argparse.Namespace, scripted: bool = False) -> tuple[subprocess.Popen, str]:
    """The synthetic web served by a process of its own; the process and its proxy URL."""
    server = subprocess.Popen(
        [sys.executable, str(HERE), "--serve", *(["--scripted"] if scripted else []), "--pages",
         str(args.pages), "--sites", str(args.sites), "--match-every", str(args.match_every)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return server, server.stdout.readline().strip()


def bench_workers(args: argparse.Namespace) -> None:
    """Plain Scrapy, ``cobweb crawl --workers 1`` and ``--workers 2`` (and 2 through Redis)."""
    import os

    server, proxy = start_server(args)
    try:
        print(f"web: {args.pages} pages on {args.sites} sites, served by pid {server.pid}; "
              f"CONCURRENT_REQUESTS={args.concurrency}, per site {args.per_site}, AutoThrottle off; "
              f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        kinds = [("plain scrapy", "plain"), ("cobweb 1 worker", "workers1"), ("cobweb 2 workers", "workers2")]
        if args.redis:
            kinds.append(("cobweb 2 via redis", "redis2"))
        rates = {}
        with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
            for name, kind in kinds:
                res = run_child(kind, args, proxy, Path(tmp))
                rates[name] = res["pages"] / res["elapsed"]
                hits = f", {res['hits']} hits" if "hits" in res else ""
                print(f"{name:20s}: {res['pages']:6d} pages in {res['elapsed']:6.1f} s = {rates[name]:7.1f} pages/s,"
                      f" CPU {1000 * res['cpu_s'] / max(res['pages'], 1):5.1f} ms/page{hits}", flush=True)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        for name in rates:
            if name != "plain scrapy":
                print(f"ratio {name} / plain scrapy: {rates[name] / rates['plain scrapy']:.2f}"
                      + (" (target >= 1.7)" if "2" in name else ""))
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def child_plain(proxy: str, seed: str, concurrency: int, per_site: int) -> dict:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class FollowAll(scrapy.Spider):
        name = "follow_all"

        async def start(self):
            yield scrapy.Request(seed, meta={"proxy": proxy})

        def parse(self, response):
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, meta={"proxy": proxy})

    process = CrawlerProcess({
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": per_site,
        "CONCURRENT_ITEMS": CONCURRENT_ITEMS, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
    })
    crawler = process.create_crawler(FollowAll)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    return {"pages": int(stats.get("response_received_count", 0)),
            "elapsed": float(stats["elapsed_time_seconds"]), "maxrss_mb": _maxrss_mb(),
            "cpu_s": _cpu_s()}


def _disk_bytes(run_dir: str) -> int:
    return sum(p.stat().st_size for p in Path(run_dir).rglob("*") if p.is_file())


def child_cobweb(proxy: str, seed: str, concurrency: int, per_site: int, run_dir: str,
                 render: str = "never", warc: bool = True) -> dict:
    import logging

    from crawler.frontier import SQLiteFrontier
    from crawler.runner import run_crawl

    logging.basicConfig(level=logging.WARNING)
    render, _, variant = render.partition(":")  # auto:views-after renders views after the page
    summary = run_crawl(run_dir, keywords=[KEYWORD], urls=[seed], depth=1000, proxy=proxy,
                        render=render, settings={"CONCURRENT_REQUESTS": concurrency,
                                  "CONCURRENT_REQUESTS_PER_DOMAIN": per_site,
                                  "CONCURRENT_ITEMS": CONCURRENT_ITEMS,
                                  "AUTOTHROTTLE_ENABLED": False,
                                  "COBWEB_PROGRESS_ENABLED": False,
                                  "COBWEB_RENDER_VIEWS_WITH_PAGE": variant != "views-after"},
                        warc=warc)
    frontier = SQLiteFrontier.for_run(run_dir)
    counts = frontier.stats()
    frontier.close()
    return {"pages": counts["done"] + counts["dropped"], "hits": summary["hits"],
            "elapsed": summary["elapsed_seconds"], "maxrss_mb": _maxrss_mb(),
            "cpu_s": _cpu_s(), "dropped": summary["dropped_by_reason"], "render": summary["render"],
            "disk": _disk_bytes(run_dir)}


def run_child(kind: str, args: argparse.Namespace, proxy: str, workdir: Path,
              render: str = "never") -> dict:
    cmd = [sys.executable, str(HERE), "--child", kind, "--proxy", proxy,
           "--pages", str(args.pages), "--sites", str(args.sites),
           "--concurrency", str(args.concurrency), "--per-site", str(args.per_site),
           "--run-dir", str(workdir / f"run-{kind}-{time.monotonic_ns()}"),
           "--child-render", render] + (["--redis", args.redis] if getattr(args, "redis", None) else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{kind} crawl failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20_000)
    ap.add_argument("--sites", type=int, default=40)
    ap.add_argument("--match-every", type=int, default=2, help="every Nth page mentions the keyword")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--per-site", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=1, help="plain/cobweb pairs to run")
    ap.add_argument("--render", choices=("auto", "always"),
                    help="compare cobweb --render never with this mode on a web where the"
                         " keyword pages (10 %% unless --match-every) build contacts in scripts")
    ap.add_argument("--child-render", default="never", help=argparse.SUPPRESS)
    ap.add_argument("--scripted", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--warc-only", action="store_true",
                    help="only the two cobweb crawls, WARC on and off (no plain Scrapy crawl)")
    ap.add_argument("--workers", action="store_true",
                    help="plain Scrapy, cobweb --workers 1 and --workers 2 (issue 11)")
    ap.add_argument("--redis", metavar="URL", help="with --workers: also 2 workers through this Redis")
    ap.add_argument("--child", choices=("plain", "cobweb", "cobweb-nowarc", "workers1", "workers2", "redis2"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--proxy", help=argparse.SUPPRESS)
    ap.add_argument("--run-dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    seed = page_url(0, args.sites)

    if args.render and "--match-every" not in sys.argv:
        args.match_every = 10
    if args.serve:
        serve(args.pages, args.sites, args.match_every, args.scripted)
        return
    if args.child == "plain":
        print(json.dumps(child_plain(args.proxy, seed, args.concurrency, args.per_site)))
        return
    if args.child in ("cobweb", "cobweb-nowarc"):
        print(json.dumps(child_cobweb(args.proxy, seed, args.concurrency, args.per_site,
                                      args.run_dir, args.child_render, warc=args.child == "cobweb")))
        return
    if args.child in ("workers1", "workers2", "redis2"):
        print(json.dumps(child_workers(args.proxy, seed, args.concurrency, args.per_site, args.run_dir,
                                       int(args.child[-1]), args.redis if args.child == "redis2" else None)))
        return
    if args.render:
        bench_render(args)
        return
    if args.workers:
        bench_workers(args)
        return

    server, proxy = start_server(args)
    try:
        print(f"web: {args.pages} pages on {args.sites} sites, served by pid {server.pid} at {proxy}")
        print(f"both crawls: CONCURRENT_REQUESTS={args.concurrency}, per site {args.per_site}, "
              f"CONCURRENT_ITEMS={CONCURRENT_ITEMS}, AutoThrottle off")
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
            ratios = []
            warc_ratios = []
            for r in range(args.rounds):
                runs = {}
                if not args.warc_only:
                    runs["plain scrapy"] = run_child("plain", args, proxy, Path(tmp))
                # WARC on and off in turns, so neither always runs on a warmer machine
                for kind in (("cobweb", "cobweb-nowarc") if r % 2 == 0 else ("cobweb-nowarc", "cobweb")):
                    name = "cobweb crawl" if kind == "cobweb" else "cobweb no-warc"
                    runs[name] = run_child(kind, args, proxy, Path(tmp))
                rates = {}
                for name, res in runs.items():
                    rates[name] = res["pages"] / res["elapsed"]
                    extra = f", {res['hits']} hits stored" if "hits" in res else ""
                    if "disk" in res:
                        extra += f", disk {res['disk'] / res['pages'] / 1024:.1f} KiB/page"
                    print(f"round {r + 1} {name:14s}: {res['pages']:6d} pages in "
                          f"{res['elapsed']:6.1f} s = {rates[name]:7.1f} pages/s, "
                          f"peak RSS {res['maxrss_mb']:6.1f} MB, "
                          f"CPU {1000 * res['cpu_s'] / res['pages']:5.1f} ms/page{extra}")
                if runs["cobweb crawl"].get("dropped"):
                    print(f"         cobweb drops: {runs['cobweb crawl']['dropped']}")
                if "plain scrapy" in rates:
                    ratios.append(rates["cobweb crawl"] / rates["plain scrapy"])
                    print(f"round {r + 1} ratio cobweb/plain: {ratios[-1]:.2f} (target >= 0.8)")
                warc_ratios.append(rates["cobweb crawl"] / rates["cobweb no-warc"])
                print(f"round {r + 1} ratio WARC on/off: {warc_ratios[-1]:.2f} (target >= 0.9)")
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    for name, values in (("cobweb/plain", ratios), ("WARC on/off", warc_ratios)):
        if len(values) > 1:
            print(f"{name} ratios: {', '.join(f'{x:.2f}' for x in values)}; best {max(values):.2f}")


def bench_render(args: argparse.Namespace) -> None:
    """``cobweb crawl --render never`` against ``--render MODE`` on a scripted web."""
    server, proxy = start_server(args, scripted=True)
    try:
        print(f"web: {args.pages} pages on {args.sites} sites, every {args.match_every}th a keyword"
              f" page whose contact a script builds; CONCURRENT_REQUESTS={args.concurrency},"
              f" AutoThrottle off")
        with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
            never = run_child("cobweb", args, proxy, Path(tmp), "never")
            after = run_child("cobweb", args, proxy, Path(tmp), f"{args.render}:views-after")
            rendered = run_child("cobweb", args, proxy, Path(tmp), args.render)
        runs = (("--render never", never), (f"{args.render}, views after", after),
                (f"{args.render}, alongside", rendered))
        for name, res in runs:
            print(f"{name:20s}: {res['pages']:6d} pages in {res['elapsed']:6.1f} s = "
                  f"{res['pages'] / res['elapsed']:7.1f} pages/s, peak RSS {res['maxrss_mb']:6.1f} MB"
                  f" (crawler process), {res['hits']} hits")
        for name, res in runs[1:]:
            info = res["render"]
            n = max(info["rendered"], 1)
            print(f"{name}: rendered {info['rendered']} pages ({info['rendered'] / max(res['pages'], 1):.0%}"
                  f" of fetched): {info['by_reason']}; {info['views']} views of matched pages;"
                  f" {info['failed']} failed")
            print(f"  cost per rendered page: {(res['elapsed'] - never['elapsed']) / n:.2f} s of crawl"
                  f" time added (views included); {info['seconds_per_page']:.2f} s in the browser for the"
                  f" page itself; ratio to never {res['pages'] / res['elapsed'] / (never['pages'] / never['elapsed']):.2f};"
                  f" {info['seconds_per_page_with_views']:.2f} s from a matched page's rendering to its last view")
        print(f"views alongside / views after: {rendered['pages'] / rendered['elapsed'] / (after['pages'] / after['elapsed']):.2f}"
              " x the pages/s")
        print(f"never saw {never['render']['unseen_pages']} script-built pages: {never['render']['unseen_by_reason']}")
    finally:
        server.stdin.close()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
