"""Safe targets: never request a private, loopback or otherwise non-public host.

:class:`SafeTargetMiddleware` runs first in the downloader chain (order 40,
before OffsiteMiddleware and RobotsTxtMiddleware), so a refused host gets no
robots.txt request either. Every request passes through it: seeds, links,
HTTP redirects and meta refreshes (Scrapy sends those back through the
scheduler and the whole chain) and robots.txt requests (downloaded through the
chain as well, redirects included).

It refuses, with a recorded reason code:

* ``forbidden_scheme``: anything but ``http`` and ``https``;
* ``bad_url``: no host, or a host that reads as a number but is no IPv4 address;
* ``forbidden_address``: a host that :func:`crawler.addresses.host_category`
  forbids (literal IPs in every spelling, ``localhost``, local-only names), and,
  when the crawler resolves names itself (no proxy), a name that resolves to
  a forbidden address.

With a proxy (``COBWEB_PROXY``, ``request.meta["proxy"]`` or the
``http_proxy``/``https_proxy`` environment), the proxy resolves names: the
crawler only checks the host as written. Give investigators a proxy that
refuses private targets itself.

``COBWEB_ALLOW_PRIVATE`` (``cobweb crawl --allow-private``) lifts the address
checks for intranet work; the scheme check stays.

Resolution is injectable: ``COBWEB_RESOLVER`` names an async callable
``host -> list of IP strings`` (or pass ``resolver=``). The default asks the
reactor's installed resolver, i.e. Scrapy's DNS cache, so the address checked
here is the address the downloader then connects to.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.request import getproxies, proxy_bypass

from scrapy.exceptions import CannotResolveHostError, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object

from crawler.addresses import InvalidIPAddress, first_forbidden_address, host_category, parse_ip
from crawler.middlewares.rejection import reject

if TYPE_CHECKING:
    from typing_extensions import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["SafeTargetMiddleware", "ReactorResolver", "Resolver", "ALLOWED_SCHEMES"]

logger = logging.getLogger(__name__)

#: The only schemes the crawler ever fetches.
ALLOWED_SCHEMES = frozenset({"http", "https"})

#: ``await resolver(host)`` -> the host's IP addresses as strings.
Resolver = Callable[[str], Awaitable[Sequence[str]]]

_INVALID = ("invalid IP address", "empty host")


@lru_cache(maxsize=1 << 15)
def _literal_verdict(host: str) -> tuple[str | None, bool]:
    """(category, is an IP literal) of a host as written; cached per host."""
    category = host_category(host)
    try:
        is_ip = parse_ip(host) is not None
    except InvalidIPAddress:
        is_ip = True
    return category, is_ip


class ReactorResolver:
    """Resolve through the Twisted reactor's installed resolver (Scrapy's DNS cache)."""

    def __init__(self, reactor: Any = None) -> None:
        self._reactor = reactor

    async def __call__(self, host: str) -> list[str]:
        reactor = self._reactor
        if reactor is None:
            from twisted.internet import reactor  # noqa: PLC0415 -- the installed one
        address = await maybe_deferred_to_future(reactor.resolve(host))
        return [address]


class SafeTargetMiddleware:
    """Downloader middleware refusing non-http(s) schemes and forbidden targets."""

    def __init__(self, crawler: Crawler, *, allow_private: bool = False,
                 resolver: Resolver | None = None, proxy: str = "") -> None:
        self.crawler = crawler
        self.allow_private = allow_private
        self.resolver: Resolver = resolver or ReactorResolver()
        self.proxy = proxy
        self._env_proxies = {k: v for k, v in getproxies().items() if k in ALLOWED_SCHEMES}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("COBWEB_SAFE_TARGETS_ENABLED", True):
            raise NotConfigured
        resolver = settings.get("COBWEB_RESOLVER")
        if resolver:
            resolver = load_object(resolver)
        return cls(crawler, allow_private=settings.getbool("COBWEB_ALLOW_PRIVATE"),
                   resolver=resolver, proxy=settings.get("COBWEB_PROXY") or "")

    async def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in ALLOWED_SCHEMES:
            raise reject(self.crawler, request, "forbidden_scheme", f"scheme {parts.scheme or '(none)'}")
        host = parts.hostname or ""
        category, is_ip = _literal_verdict(host)
        if category in _INVALID:
            raise reject(self.crawler, request, "bad_url", f"{category}: {host!r}")
        if self.allow_private:
            return
        if category is not None:
            raise reject(self.crawler, request, "forbidden_address", f"{host}: {category}")
        if not is_ip and not self._proxied(request, host):
            category = await self._resolved_category(host)
            if category is not None:
                raise reject(self.crawler, request, "forbidden_address", f"{host} resolves to {category}")

    def _proxied(self, request: Request, host: str) -> bool:
        """Whether a proxy, not this process, will resolve ``host``."""
        if "proxy" in request.meta:
            return bool(request.meta["proxy"])
        if self.proxy:
            return True
        return urlparse_cached(request).scheme in self._env_proxies and not proxy_bypass(host)

    async def _resolved_category(self, host: str) -> str | None:
        """``"<ip> (<category>)"`` when ``host`` resolves to a forbidden address, else None.

        Asked for every request, not remembered here: the default resolver
        answers from Scrapy's DNS cache, the cache the downloader reads next.
        """
        try:
            addresses = await self.resolver(host)
        except Exception as exc:
            # Let RetryMiddleware retry it; the download itself never starts.
            raise CannotResolveHostError(f"{host}: {exc}") from exc
        if not addresses:
            raise CannotResolveHostError(f"{host}: no address")
        return first_forbidden_address(list(addresses))
