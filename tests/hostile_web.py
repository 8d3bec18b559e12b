"""A hostile synthetic web for crawl-safety tests, served through VirtualWebProxy.

Every site here is made up and answered by :class:`crawler.demoweb.server.VirtualWeb`
on 127.0.0.1; nothing leaves the machine and no name is resolved. The texts are
written for this fixture.

One hub page (the seed) links to every trap:

========================== ===============================================================
trap                       where
========================== ===============================================================
gzip bomb (1 GiB inflated) ``bomb-site.net/bomb.html`` (gzip), ``/bomb-br.html`` (brotli)
25 MB page                 ``huge-page.net/big.html`` (streamed, no length),
                           ``/big-declared.html`` (Content-Length announced)
redirect loop              ``loop-site.net/a`` -> ``/b`` -> ``/a``; ``/self`` with a fresh
                           session id each time; ``/chain/1`` -> ``/chain/2`` -> ... (50 hops)
infinite calendar          ``calendar-trap.com/cal?month=N&PHPSESSID=<fresh>``: every month
                           links the previous and next one with a new session id
forbidden targets          links to 169.254.169.254, 10.0.0.5, 127.0.0.1 (also the proxy's
                           own port), [::1], localhost, 192.168.1.1 and other spellings;
                           redirects to 169.254.169.254 and [::1], a meta refresh to
                           10.0.0.5, a redirect to file:///etc/passwd
robots-disallowed page     ``robots-site.com/private/esim.html``; ``robots-redirect.net``'s
                           robots.txt redirects to 192.168.1.1
long URL                   a 3,000-character link from the hub
500 once, then 200         ``flaky-host.net/esim.html`` (a keyword page)
answers after 3 s          ``slow-host.net/esim.html`` (a keyword page)
NUL and control characters ``ctrl-chars.net/esim.html`` (a keyword page)
PDF and PNG links          ``leb-guide.com/manual.pdf``, ``/logo.png``; ``/download?id=1``
                           and ``/img?id=2`` serve PDF/PNG without telling by their name
GBK and Big5 pages         ``gbk-news.cn/renew.html`` (header charset), ``/renew-meta.html``
                           (meta charset only), ``big5-forum.com.tw/renew.html``; their
                           keywords are Chinese only, so they match only when decoded right
endless headers            ``header-flood.net/esim.html`` (one long header line after
                           another), ``/many.html`` (short header lines without end)
huge robots.txt            ``robots-flood.net/robots.txt``: 300,000 wildcard rules (7 MB)
digits                     ``digit-flood.net/digits.html``: 6 MB of digits and phone-like
                           text, then a contact
deep nesting               ``deep-nest.net/deep-2100.html``, ``/deep-10000.html``: a contact
                           block inside 2,100 or 10,000 ``<div>``, a paragraph after it
wildcard DNS               ``*.dns-trap.com``: every page links to fresh subdomains
growing path               ``grow-trap.net``: every page links one segment deeper, its
                           parameters permuted
not hosts                  ``127.0.0.1%09`` and other hosts a resolver may read as loopback
========================== ===============================================================

:attr:`HostileWeb.keyword_pages` lists every legitimate page that mentions the
keywords: a safe crawl collects all of them.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import brotli

from crawler.demoweb.server import Resource, VirtualWeb, html_resource, redirect

__all__ = ["HostileWeb", "build_hostile_web", "KEYWORDS", "FORBIDDEN_LINKS", "REDIRECT_TARGETS",
           "ROBOTS_REDIRECT_TARGET", "LONG_URL", "gzip_bomb", "brotli_bomb", "header_flood", "robots_flood",
           "digit_page", "deep_page"]

KEYWORDS = ("esim", "续费", "續費")
MIB = 1 << 20
BOMB_SIZE = 1 << 30  # what the bombs inflate to

HUB = "http://hub-portal.com/"

FORBIDDEN_LINKS = (
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://10.0.0.5/admin",
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://localhost/server-status",
    "http://192.168.1.1/cgi-bin/login",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://api.localhost/",
    "http://10.0.0.5.nip.io.evil.example@10.0.0.5/",
    # not hosts: a resolver or a proxy that decodes the host may read them as loopback
    "http://127.0.0.1%09/",
    "http://127.0.0.1%20/",
    "http://127.0.0.1%0a/",
    "http://127.0.0.1%00.evil.example/",
)
#: Forbidden targets reached only by an HTTP redirect (two) or a meta refresh (the last).
REDIRECT_TARGETS = (
    "http://169.254.169.254/latest/user-data",
    "http://[::1]:8080/redirected",
    "http://10.0.0.5/refresh-target",
)
ROBOTS_REDIRECT_TARGET = "http://192.168.1.1/robots.txt"
LONG_URL = "http://leb-guide.com/search?q=" + "esim" * 800
NON_HTTP_LINKS = ("file:///etc/passwd", "ftp://files.leb-guide.com/pub/", "gopher://127.0.0.1:6379/_INFO")


@functools.cache
def gzip_bomb() -> bytes:
    """About 1 MB of gzip that inflates to 1 GiB of zeros; built once, in 1 MiB steps."""
    zeros = bytes(MIB)
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [gz.compress(zeros) for _ in range(BOMB_SIZE // MIB)]
    parts.append(gz.flush())
    return b"".join(parts)


@functools.cache
def brotli_bomb() -> bytes:
    """About 200 KB of brotli that inflates to 1 GiB of zeros."""
    zeros = bytes(MIB)
    br = brotli.Compressor(quality=1)
    parts = [br.process(zeros) for _ in range(BOMB_SIZE // MIB)]
    parts.append(br.finish())
    return b"".join(parts)


def _streamed(data_fn: Callable[[], bytes], chunk: int = 64 * 1024) -> Callable[[], Iterator[bytes]]:
    """A streamed body sending ``data_fn()`` in chunks."""
    def body() -> Iterator[bytes]:
        data = data_fn()
        for i in range(0, len(data), chunk):
            yield data[i:i + chunk]
    return body


def _huge_page(size: int) -> Iterator[bytes]:
    head = "<html><head><title>esim 续费 大全</title></head><body>".encode()
    yield head
    line = "<p>esim 续费 padding line for a very large page</p>\n".encode()
    sent = len(head)
    block = line * (64 * 1024 // len(line))
    while sent < size:
        piece = block[: size - sent]
        sent += len(piece)
        yield piece


def header_flood(line: bytes, limit: int = 1 << 30) -> Callable[[], Iterator[bytes]]:
    """A status line, then header lines ``line`` until the client hangs up (or ``limit`` bytes)."""
    def raw() -> Iterator[bytes]:
        yield b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        block = line * max(1, (64 * 1024) // len(line))
        for _ in range(limit // len(block)):
            yield block
    return raw


def robots_flood(rules: int = 300_000) -> bytes:
    """A robots.txt of ``rules`` wildcard rules (about 7 MB), none of which disallows /esim.html."""
    lines = [b"User-agent: *"] + [b"Disallow: /*%x*z$" % (i * 7919) for i in range(rules)]
    return b"\n".join(lines) + b"\n"


def digit_page(size: int = 6_000_000) -> str:
    """Digits and phone-like text, ``size`` characters, then a real contact line."""
    units = ("0123456789", "+1 (2) 3-4.", "+1 202 555 0143, ", "1234567o")
    body = "".join(u * (size // 4 // len(u)) for u in units)
    return _page("esim 续费 numbers", body + "</p><p>WhatsApp: +852 6123 4567")


def deep_page(depth: int) -> str:
    """A contact block inside ``depth`` nested ``<div>``, then a paragraph after it."""
    return ("<!doctype html><html><head><title>esim 续费 deep</title></head><body>"
            + "<div>" * depth + "<p>WhatsApp: +852 6123 4567</p>" + "</div>" * depth
            + "<p>After the block: 加飞机：@deep_after_block</p></body></html>")


def _page(title: str, body: str, links: Sequence[str] = (), charset_meta: str = "") -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    anchors = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
    return (f"<!doctype html><html><head>{meta}<title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{body}</p><ul>{anchors}</ul></body></html>")


@dataclass
class HostileWeb:
    """The hostile web and what a safe crawl of it must show."""

    web: VirtualWeb
    seeds: list[str]
    keywords: tuple[str, ...] = KEYWORDS
    keyword_pages: set[str] = field(default_factory=set)
    flaky: str = ""
    calendar_host: str = "calendar-trap.com"
    dns_trap: str = "dns-trap.com"
    grow_trap: str = "grow-trap.net"
    never_fetched: set[str] = field(default_factory=set)
    hub_links: list[str] = field(default_factory=list)

    def add_hub_link(self, *urls: str) -> None:
        """Link ``urls`` from the seed page too (e.g. the proxy's own address)."""
        self.hub_links.extend(urls)
        hub = _page("Link portal", "Useful links for travellers.", self.hub_links)
        self.web.add(HUB, html_resource(hub))


def build_hostile_web() -> HostileWeb:
    """The hostile web, its seed and its keyword pages."""
    gzip_bomb(), brotli_bomb()  # compressed once per process, before any request waits on it
    web = VirtualWeb()
    hw = HostileWeb(web=web, seeds=[HUB])
    keyword_pages: list[str] = []

    def keyword_page(url: str, title: str, text: str, links: Sequence[str] = ()) -> None:
        web.add(url, html_resource(_page(title, text, links)))
        keyword_pages.append(url)

    # legitimate keyword pages, one of them two links from the seed
    keyword_page("http://leb-guide.com/renew-1.html", "LEB esim 续费 guide, part 1",
                 "Step one of renewing an eSIM plan: open the carrier app.",
                 ["http://leb-guide.com/renew-3.html", "http://leb-guide.com/manual.pdf"])
    keyword_page("http://leb-guide.com/renew-2.html", "LEB esim 续费 guide, part 2",
                 "Step two: pick a plan and pay. Questions go to the contact below.")
    keyword_page("http://leb-guide.com/renew-3.html", "LEB esim 续费 guide, part 3",
                 "Step three: restart the phone so the new plan is active.")

    # PDF and PNG, by name and by Content-Type only
    web.add("http://leb-guide.com/manual.pdf",
            Resource(headers={"Content-Type": "application/pdf"}, body=b"%PDF-1.4 esim\n" * 1000))
    web.add("http://leb-guide.com/logo.png",
            Resource(headers={"Content-Type": "image/png"}, body=b"\x89PNG\r\n\x1a\n" + bytes(5000)))
    web.add("http://leb-guide.com/download?id=1",
            Resource(headers={"Content-Type": "application/pdf"}, body=b"%PDF-1.4 esim\n" * 1000))
    web.add("http://leb-guide.com/img?id=2",
            Resource(headers={"Content-Type": "image/png"}, body=b"\x89PNG\r\n\x1a\n" + bytes(5000)))

    # GBK and Big5
    # (Chinese keywords only: the pages match only when decoded with the right codec)
    gbk_text = _page("电子卡怎么续费", "出国前准备一张电子卡，到期后在手机上续费即可，三分钟搞定。")
    web.add("http://gbk-news.cn/renew.html", html_resource(gbk_text, charset="gbk"))
    keyword_pages.append("http://gbk-news.cn/renew.html")
    gbk_meta = _page("流量卡续费攻略", "套餐快用完时，按照下面的步骤续费，不会停机。", charset_meta="gbk")
    web.add("http://gbk-news.cn/renew-meta.html", html_resource(gbk_meta, charset="gbk", declare=False))
    keyword_pages.append("http://gbk-news.cn/renew-meta.html")
    big5_text = _page("電子卡如何續費", "出國旅遊前先買好電子卡，套餐到期後在線上續費，幾分鐘就完成。")
    web.add("http://big5-forum.com.tw/renew.html", html_resource(big5_text, charset="big5"))
    keyword_pages.append("http://big5-forum.com.tw/renew.html")

    # NUL and control characters inside the HTML
    ctrl = ("<html><head><title>esim \x00续费\x01 notes</title></head><body>\x00\x02\x03"
            "<p>esim renewal\x07\x08\x0b\x0c\x1b[31m in red\x1b[0m \x7f\x00 續費</p>"
            "<a href='/x\x00y.html'>odd link</a>\x00</body></html>")
    web.add("http://ctrl-chars.net/esim.html", html_resource(ctrl))
    keyword_pages.append("http://ctrl-chars.net/esim.html")

    # 500 once, then 200
    hw.flaky = "http://flaky-host.net/esim.html"
    flaky_page = html_resource(_page("esim 续费 (flaky server)", "This server fails once before it answers."))

    def flaky(method: str, url: str, hits: int) -> Resource | None:
        if url != hw.flaky:
            return None
        if hits == 1:
            return Resource(status=500, body=b"<html><body>try again</body></html>")
        return flaky_page

    web.add_handler("flaky-host.net", flaky)
    keyword_pages.append(hw.flaky)

    # answers after 3 s
    slow = html_resource(_page("esim 续费 (slow server)", "This server takes three seconds to answer."))
    slow.delay = 3.0
    web.add("http://slow-host.net/esim.html", slow)
    keyword_pages.append("http://slow-host.net/esim.html")

    # robots.txt
    web.add("http://robots-site.com/robots.txt",
            Resource(headers={"Content-Type": "text/plain"}, body=b"User-agent: *\nDisallow: /private/\n"))
    web.add("http://robots-site.com/private/esim.html",
            html_resource(_page("esim 续费 private", "Robots may not read this page.")))
    keyword_page("http://robots-site.com/public/esim.html", "esim 续费 public",
                 "Robots may read this page.", ["/private/esim.html"])

    # a robots.txt that redirects to a private address: refused, the site stays crawlable
    web.add("http://robots-redirect.net/robots.txt", redirect(ROBOTS_REDIRECT_TARGET, 302))
    keyword_page("http://robots-redirect.net/esim.html", "esim 续费 (odd robots.txt)",
                 "This site's robots.txt points into a private network.")

    # compression bombs and a 25 MB page
    web.add("http://bomb-site.net/bomb.html", Resource(
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        body=_streamed(gzip_bomb)))
    web.add("http://bomb-site.net/bomb-br.html", Resource(
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "br"},
        body=_streamed(brotli_bomb)))
    big = 25 * 1000 * 1000
    web.add("http://huge-page.net/big.html", Resource(body=lambda: _huge_page(big)))
    web.add("http://huge-page.net/big-declared.html", Resource(
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Length": str(big)},
        body=lambda: _huge_page(big)))

    # redirects: a loop, a session-id self loop, a long chain, redirects to forbidden targets
    web.add("http://loop-site.net/a", redirect("http://loop-site.net/b", 302))
    web.add("http://loop-site.net/b", redirect("http://loop-site.net/a", 302))
    session = iter(range(10**6))

    def loops(method: str, url: str, hits: int) -> Resource | None:
        if url.startswith("http://loop-site.net/self"):
            return redirect(f"http://loop-site.net/self?PHPSESSID={next(session):032x}", 302)
        if url.startswith("http://loop-site.net/chain/"):
            n = int(url.rsplit("/", 1)[1])
            return redirect(f"http://loop-site.net/chain/{n + 1}", 301)
        return None

    web.add_handler("loop-site.net", loops)
    # (targets linked from nowhere else, so only the redirect can lead there)
    web.add("http://redir-evil.net/metadata", redirect(REDIRECT_TARGETS[0], 302))
    web.add("http://redir-evil.net/loopback", redirect(REDIRECT_TARGETS[1], 307))
    web.add("http://redir-evil.net/refresh", html_resource(
        f'<html><head><meta http-equiv="refresh" content="0; url={REDIRECT_TARGETS[2]}">'
        "<title>moved</title></head><body>esim</body></html>"))
    web.add("http://redir-evil.net/to-file", redirect("file:///etc/passwd", 302))

    # the infinite calendar: every month links its neighbours with a fresh session id
    def calendar(method: str, url: str, hits: int) -> Resource | None:
        if "/cal" not in url:
            return None
        month = 0
        for part in url.split("?", 1)[-1].split("&"):
            if part.startswith("month="):
                month = int(part[6:] or 0)
        sid = next(session)
        links = [f"/cal?month={month + d}&PHPSESSID={sid:032x}" for d in (-1, 1)]
        return html_resource(_page(f"Calendar, month {month}", "Nothing happens this month.", links))

    web.add_handler(hw.calendar_host, calendar)

    # endless response headers: one long line after another, and short ones without end
    web.add("http://header-flood.net/esim.html", Resource(raw=header_flood(b"X-Flood: " + b"a" * 8000 + b"\r\n")))
    web.add("http://header-flood.net/many.html", Resource(raw=header_flood(b"X-A: b\r\n")))
    # 300,000 robots.txt rules; the page itself is allowed
    web.add("http://robots-flood.net/robots.txt",
            Resource(headers={"Content-Type": "text/plain"}, body=robots_flood()))
    keyword_page("http://robots-flood.net/esim.html", "esim 续费 (huge robots.txt)",
                 "This site's robots.txt holds 300,000 rules.")
    # 6 MB of digits, and pages nested 2,100 and 10,000 deep
    web.add("http://digit-flood.net/digits.html", html_resource(digit_page()))
    keyword_pages.append("http://digit-flood.net/digits.html")
    for depth in (2_100, 10_000):
        web.add(f"http://deep-nest.net/deep-{depth}.html", html_resource(deep_page(depth)))
        keyword_pages.append(f"http://deep-nest.net/deep-{depth}.html")

    # traps: fresh subdomains of one registered domain; a path one segment deeper each hop
    def wildcard(method: str, url: str, hits: int) -> Resource | None:
        if url.endswith("/robots.txt"):
            return None
        fresh = [f"http://h{next(session):x}.{hw.dns_trap}/" for _ in range(5)]
        return html_resource(_page("Wildcard", "Every host links to fresh hosts.", fresh))

    web.add_handler(f"*.{hw.dns_trap}", wildcard)

    def growing(method: str, url: str, hits: int) -> Resource | None:
        if url.endswith("/robots.txt"):
            return None
        path = urlsplit(url).path.rstrip("/")
        n = next(session)  # (one page deeper, its parameters in two orders)
        links = [f"{path}/s{n}/?a={n}&b=1", f"{path}/s{n}/?b=1&a={n}"]
        return html_resource(_page("Growing", "Every page links deeper.", links))

    web.add_handler(hw.grow_trap, growing)

    # the hub links to everything but renew-3 (two links away)
    hw.hub_links = [
        *(u for u in keyword_pages if u != "http://leb-guide.com/renew-3.html"),
        "http://leb-guide.com/manual.pdf", "http://leb-guide.com/logo.png",
        "http://leb-guide.com/download?id=1", "http://leb-guide.com/img?id=2",
        "http://robots-site.com/private/esim.html",
        "http://bomb-site.net/bomb.html", "http://bomb-site.net/bomb-br.html",
        "http://huge-page.net/big.html", "http://huge-page.net/big-declared.html",
        "http://loop-site.net/a", "http://loop-site.net/self", "http://loop-site.net/chain/1",
        "http://redir-evil.net/metadata", "http://redir-evil.net/loopback", "http://redir-evil.net/refresh",
        "http://redir-evil.net/to-file",
        f"http://{hw.calendar_host}/cal?month=0&PHPSESSID={next(session):032x}",
        "http://header-flood.net/esim.html", "http://header-flood.net/many.html",
        f"http://www.{hw.dns_trap}/", f"http://{hw.grow_trap}/start/",
        *FORBIDDEN_LINKS, *NON_HTTP_LINKS, LONG_URL,
    ]
    hw.add_hub_link()
    hw.keyword_pages = set(keyword_pages)
    hw.never_fetched = {"http://leb-guide.com/manual.pdf", "http://leb-guide.com/logo.png",
                        "http://robots-site.com/private/esim.html", LONG_URL}
    return hw
