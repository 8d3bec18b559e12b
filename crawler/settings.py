"""Scrapy settings of the Cobweb project (``scrapy.cfg`` points here).

One commented block per concern. Components are registered in the dicts of
the first block; later blocks add to them with ``.update()`` so no block
replaces another's entries.
"""

# --- project and crawl (issue 2) ---------------------------------------------
BOT_NAME = "cobweb"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = "Cobweb/0.1 (campaign research crawler)"

# The durable frontier: the scheduler keeps every request in a frontier class
# named here (SQLite tables in RUN_DIR/crawl.sqlite), so `cobweb crawl
# --resume` continues after kill -9. A Redis frontier drops in by changing
# COBWEB_FRONTIER_CLASS. See docs/frontier.md.
SCHEDULER = "crawler.scheduler.FrontierScheduler"
COBWEB_FRONTIER_CLASS = "crawler.frontier.sqlite.SQLiteFrontier"
# Requests the scheduler hands to the engine per frontier round trip.
COBWEB_FRONTIER_BATCH = 64
# URLs dropped for these reasons are queued again when a crawl (re)starts:
# network-level failures by default (the proxy or the network was down), so a
# failed network path never loses URLs; `cobweb crawl --retry-dropped REASON`
# adds reasons.
COBWEB_RETRY_DROPPED = ["connection_error", "timeout"]

# Follow the links of pages that match no keyword (True): campaign pages are
# often linked from off-topic hub pages, so the depth limit, not the keyword
# match, bounds the crawl. False keeps the crawl on matching pages only.
COBWEB_FOLLOW_NONMATCHING = True
# Links to these registered domains are never followed: messaging and social
# platforms, whose links are contacts and share buttons (extracted as
# artifacts), not campaign pages. Empty list: follow everything.
from crawler import linkpolicy as _linkpolicy  # noqa: E402

COBWEB_NOFOLLOW_DOMAINS = sorted(_linkpolicy.NOFOLLOW_DOMAINS)
# Keep each matching page's HTML in the store (analysis re-extracts from it).
COBWEB_STORE_HTML = True
# Extract artifacts while crawling (off: pages are stored without artifacts).
COBWEB_EXTRACTION_ENABLED = True

# The cookies middleware builds a default tldextract.TLDExtract that tries to
# download the Public Suffix List on first use (our rule: never fetch it). A
# keyword crawl needs no session state, so cookies are off.
COOKIES_ENABLED = False

# Send every request through COBWEB_PROXY (set by `cobweb crawl --proxy`);
# when empty, Scrapy's HttpProxyMiddleware honours http_proxy/https_proxy.
COBWEB_PROXY = ""
# Stop the crawl after this many failures in a row to connect to the proxy (it
# is down): the queue is kept, the failed URLs stay retryable (0: never).
COBWEB_NETWORK_DOWN_AFTER = 20
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.proxy.ProxyMiddleware": 740,  # before HttpProxyMiddleware (750)
    "crawler.netwatch.NetworkWatch": 745,  # sees each attempt's own exception
    # The crawl follows links across sites by design (no allowed_domains), so
    # the offsite check only costs time on every request.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
}
SPIDER_MIDDLEWARES: dict[str, int | None] = {}
# No Referer header: a hostile site learns nothing about the crawl path. The
# frontier still records each URL's referring page (docs/frontier.md).
REFERRER_POLICY = "no-referrer"
# The run directory of `scrapy crawl keywords` without `-a run_dir=...`
# (`cobweb crawl -o` sets it; empty: ./crawl-run).
COBWEB_RUN_DIR = ""
# Artifacts, then the store (pages, and drops: StorePipeline records every
# crawler.signals.request_rejected and failed fetch in the drops table).
ITEM_PIPELINES = {
    "crawler.pipelines.ExtractionPipeline": 300,
    "crawler.pipelines.StorePipeline": 800,
}
EXTENSIONS = {
    "crawler.extensions.Progress": 500,
}
# Live progress line on stderr when it is a terminal; a summary at the end.
COBWEB_PROGRESS_ENABLED = True
COBWEB_PROGRESS_INTERVAL = 1.0
# When stderr is no terminal (logs of long crawls): a progress line every N
# seconds (0: none); the rate shown is the one of the last WINDOW seconds.
COBWEB_PROGRESS_LOG_INTERVAL = 30.0
COBWEB_PROGRESS_WINDOW = 10.0

CONCURRENT_REQUESTS = 32
# Items (pages) in parallel per response. The pipelines are synchronous, and
# Scrapy starts this many asyncio tasks for every response: 100 is waste.
CONCURRENT_ITEMS = 16
DOWNLOAD_TIMEOUT = 30
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"

# --- safety and limits (issue 6) ---
# See docs/safety.md. Every refusal is recorded as a drop with a reason code.
#
# Safe targets: non-http(s) schemes and loopback, private, link-local,
# multicast, reserved hosts (every IP spelling, localhost, local-only names)
# are refused before any request, robots.txt requests included.
# `cobweb crawl --allow-private` sets COBWEB_ALLOW_PRIVATE (intranet work).
# COBWEB_RESOLVER: import path of an async `host -> [ip, ...]` used to check
# names when no proxy resolves them (default: the reactor's resolver, i.e.
# Scrapy's DNS cache, so the checked address is the one connected to).
COBWEB_SAFE_TARGETS_ENABLED = True
COBWEB_ALLOW_PRIVATE = False
COBWEB_RESOLVER = ""
DNS_TIMEOUT = 20
# Only http and https have a download handler: a file:// or ftp:// URL that
# got past every check still cannot read the local disk or reach FTP.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

# Politeness: robots.txt, a few parallel requests per site, AutoThrottle
# adapting the per-site delay to the site's latency. USER_AGENT is set above
# (`cobweb crawl --user-agent`).
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy's downloader with that limit kept under the asyncio reactor (crawler/downloader.py).
DOWNLOADER = "crawler.downloader.SlotKeepingDownloader"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Limits. Bodies over DOWNLOAD_MAXSIZE are cut off, and decompression stops
# there too (gzip/deflate/br bombs): Scrapy's default is 1 GiB.
COBWEB_LIMITS_ENABLED = True
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
URLLENGTH_LIMIT = 2048
COBWEB_SITE_BUDGET = 1000  # requests (pages and robots.txt) per registered domain; 0: no budget
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
# Every URL given up is a recorded drop, counted in the summary: its line shows with -v.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
COBWEB_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled for each next one
COBWEB_RETRY_BACKOFF_MAX = 30.0

DOWNLOADER_MIDDLEWARES.update({
    "crawler.middlewares.safety.SafeTargetMiddleware": 40,  # first: before robots.txt (100)
    "crawler.middlewares.limits.LimitsMiddleware": 60,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.politeness.RobotsTxtRecorder": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    "crawler.middlewares.redirects.MetaRefreshGuardMiddleware": 585,  # before MetaRefresh (580)
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.limits.BoundedHttpCompressionMiddleware": 590,
    "crawler.middlewares.redirects.RedirectGuardMiddleware": 610,  # before Redirect (600)
})
# LimitsMiddleware enforces URLLENGTH_LIMIT and records the drop; Scrapy's
# spider middleware would drop long links silently first.
SPIDER_MIDDLEWARES.update({"scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None})

# --- end of safety and limits ---

# --- rendering, views and cloaking (issue 12) ---
# See crawler/render/. `cobweb crawl --render never|auto|always` sets
# COBWEB_RENDER_MODE (the command's default is auto; `scrapy crawl` and
# library runs keep this setting's never unless told); auto renders pages whose static HTML suggests scripts
# build or move them, and every page that matched a keyword. Debian's
# chromium through Playwright (no browser download); without it the mode
# falls back to never and the crawl says so. The browser makes no request of
# its own: each one passes the safety checks (crawler/render/guard.py) and
# goes through COBWEB_PROXY; JS redirects are handed to the crawler.
COBWEB_RENDER_ENABLED = True
COBWEB_RENDER_MODE = "never"
COBWEB_RENDER_CHROMIUM = "/usr/bin/chromium"
COBWEB_RENDER_TIMEOUT = 20.0  # seconds per page and view
COBWEB_RENDER_SETTLE_MS = 5000  # virtual ms of timers run after load (a 2 s JS redirect fires)
COBWEB_RENDER_CONCURRENCY = 4  # pages rendered at once, one browser
COBWEB_RENDER_MEMORY_MB = 2048  # restart the browser above this resident size
# Views of matched pages compared for cloaking (crawler/render/data/views.json);
# the search-bot view is opt-in.
COBWEB_RENDER_VIEWS = ["crawler", "desktop", "phone", "search"]
COBWEB_RENDER_SEARCHBOT = False
# Views of a page that matched in its static HTML are rendered alongside it
# (False: after it, for comparison in bench/bench_crawl.py --render).
COBWEB_RENDER_VIEWS_WITH_PAGE = True
DOWNLOADER_MIDDLEWARES.update({
    "crawler.render.middleware.RenderMiddleware": 530,  # process_response after retry, redirects, decompression
})
ITEM_PIPELINES.update({"crawler.render.pipeline.RenderedPipeline": 310})  # after ExtractionPipeline
# --- end of rendering ---

# --- hostile sites (issue 17) ---
# robots.txt read with bounded cost: 500 KiB, 1,000 rules, a linear-time
# matcher (crawler/robots.py).
ROBOTSTXT_PARSER = "crawler.robots.BoundedRobotParser"
# Traps: robots.txt requests count against the site budget; a registered
# domain may introduce at most COBWEB_SITE_HOSTS hosts (wildcard DNS); URLs
# that grow self-similarly are refused (crawler/traps.py). A trap of any
# shape costs at most COBWEB_SITE_BUDGET requests (1,000: set above).
COBWEB_SITE_HOSTS = 25
# Response headers: at most this many bytes and lines (the body cap is
# DOWNLOAD_MAXSIZE); an endless header block is cut and dropped.
COBWEB_MAX_HEADER_BYTES = 64 * 1024
COBWEB_MAX_HEADERS = 200
DOWNLOAD_HANDLERS.update({
    "http": "crawler.headerlimits.BoundedHTTP11DownloadHandler",
    "https": "crawler.headerlimits.BoundedHTTP11DownloadHandler",
})
# Scrapy stops issuing requests while the responses being processed hold more
# than this many bytes (default 5 MB): one page near DOWNLOAD_MAXSIZE would
# hold the whole crawl while it is read. Extraction runs in threads
# (crawler.pipelines.ExtractionPipeline), so the crawl goes on meanwhile.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 4 * DOWNLOAD_MAXSIZE
# --- end of hostile sites ---

# --- WARC evidence (issue 10) ---
# Every HTTP exchange (pages, redirects, robots.txt, errors, cut-off bodies)
# goes into RUN_DIR/warc/*.warc.gz as WARC/1.1 request and response records,
# the body as it came off the wire. The capture middleware sits next to the
# download handler (950: after HttpCompression at 590 in process_request,
# before it in process_response). `cobweb crawl --no-warc` turns it off;
# `--operator TEXT` goes into each file's warcinfo. See docs/evidence.md.
COBWEB_WARC_ENABLED = True
COBWEB_WARC_MAX_SIZE = 256 * 1024 * 1024  # bytes per WARC file before the next one
COBWEB_WARC_REVISITS = True  # a payload archived before in the run: a revisit record
COBWEB_OPERATOR = ""
DOWNLOADER_MIDDLEWARES.update({"crawler.warc.capture.WarcCaptureMiddleware": 950})
# --- end of WARC evidence ---

# --- several workers on one frontier (issue 11, docs/workers.md) ---
# COBWEB_WORKER_ID names this process among the workers sharing one frontier
# ("" = the only worker: today's single process). A worker sends a heartbeat
# every COBWEB_WORKER_HEARTBEAT s; the URLs in flight at a worker silent for
# COBWEB_WORKER_STALE_AFTER s are queued again for the others; an idle worker
# looks at the shared frontier every COBWEB_WORKER_POLL s.
COBWEB_WORKER_ID = ""
COBWEB_WORKER_HEARTBEAT = 5.0
COBWEB_WORKER_STALE_AFTER = 30.0
COBWEB_WORKER_POLL = 0.5
# Per-site politeness held across all workers (crawler/sitebudget/): at most
# COBWEB_SITE_CONCURRENCY requests in flight per registered domain (None: the
# value of CONCURRENT_REQUESTS_PER_DOMAIN) and COBWEB_SITE_INTERVAL s between
# two request starts to one site; a slot not released within COBWEB_SITE_LEASE
# s (None: DOWNLOAD_TIMEOUT + 30) is free again. On when several workers run
# (`cobweb crawl --workers N` sets COBWEB_SITE_BUDGET_ENABLED).
COBWEB_SITE_BUDGET_ENABLED = False
COBWEB_SITE_BUDGET_CLASS = "crawler.sitebudget.sqlite.SQLiteSiteBudget"
COBWEB_SITE_CONCURRENCY = None
COBWEB_SITE_INTERVAL = 0.25
COBWEB_SITE_LEASE = None
DOWNLOADER_MIDDLEWARES.update({"crawler.middlewares.sitebudget.SiteBudgetMiddleware": 940})
# --- end of several workers ---

# --- shared crawl on Redis (issue 11, docs/scale-out.md) ---
# `cobweb crawl --redis URL --run NAME` sets COBWEB_REDIS_URL and COBWEB_RUN_NAME and
# names the Redis frontier and site budget (crawler/frontier/redis_streams.py,
# crawler/sitebudget/redis.py). redis:// or rediss:// (TLS); a password not in the URL
# comes from COBWEB_REDIS_PASSWORD or the environment variable of that name. Logs show
# the URL with its password as ***.
COBWEB_REDIS_URL = ""
COBWEB_RUN_NAME = ""
COBWEB_REDIS_PASSWORD = ""
# --- end of shared crawl on Redis ---
