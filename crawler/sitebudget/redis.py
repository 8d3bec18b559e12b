"""The site budget of a shared crawl on Redis: politeness held across machines.

Per site two keys under the run's prefix (``cobweb:{RUN}:``, see
:func:`crawler.redisconn.run_prefix`):

``site:<site>:leases``
    Sorted set of the slots in use: member = a lease token, score = its expiry
    (ms, Redis server clock). Expired leases are removed before each count, so a
    dead worker's slots come back after ``COBWEB_SITE_LEASE`` seconds.
``site:<site>:start``
    The time (ms) of the last request start to the site.

Taking a slot is one Lua script (count, interval check, lease, start time), so
two workers never both see the last free slot. Times are Redis server time, not
the ``now`` of the caller: the clocks of the workers' machines do not matter.
"""

from __future__ import annotations

import itertools
import os
import socket
from collections import defaultdict
from typing import Any

from crawler.redisconn import RedisLink, run_name, run_prefix
from crawler.sitebudget.base import SiteBudget, site_limits

__all__ = ["RedisSiteBudget"]

#: Milliseconds to wait when every slot of a site is taken (a release is not announced).
_FULL_WAIT_MS = 50

# KEYS: leases, start. ARGV: concurrency, interval ms, lease ms, token, full wait ms.
# Returns 0 when the slot is taken, else milliseconds to wait.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local concurrency, interval, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= concurrency then return tonumber(ARGV[5]) end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if now - last < interval then return interval - (now - last) end
redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('SET', KEYS[2], now, 'PX', interval + 60000)
return 0
"""


class RedisSiteBudget(SiteBudget):
    """A :class:`~crawler.sitebudget.base.SiteBudget` shared by every worker of a run.

    Parameters
    ----------
    link : RedisLink
        The connection (waits out Redis outages).
    run : str
        The crawl's name (``COBWEB_RUN_NAME``).
    concurrency, interval, lease
        See :func:`crawler.sitebudget.base.site_limits`.
    owner : str
        Names this worker's lease tokens (default: host and process id).
    """

    def __init__(self, link: RedisLink, run: str, *, concurrency: int, interval: float,
                 lease: float, owner: str = "") -> None:
        self.link = link
        self.prefix = run_prefix(run)
        self.concurrency, self.interval, self.lease = concurrency, interval, lease
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self._script = link.client.register_script(_ACQUIRE)
        self._serial = itertools.count()
        self._held: dict[str, list[str]] = defaultdict(list)  # site -> this worker's tokens

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisSiteBudget:
        settings = crawler.settings
        run = run_name(settings)
        concurrency, interval, lease = site_limits(settings)
        worker = settings.get("COBWEB_WORKER_ID") or ""
        return cls(RedisLink.from_settings(settings), run, concurrency=concurrency,
                   interval=interval, lease=lease,
                   owner=f"{worker}@{socket.gethostname()}:{os.getpid()}")

    def _keys(self, site: str) -> list[str]:
        base = f"{self.prefix}site:{site}"
        return [f"{base}:leases", f"{base}:start"]

    def acquire(self, site: str, now: float) -> float:
        """Take a slot of ``site``; ``now`` is ignored: Redis server time decides."""
        token = f"{self.owner}#{next(self._serial)}"
        argv = [self.concurrency, int(self.interval * 1000), int(self.lease * 1000), token,
                _FULL_WAIT_MS]
        keys = self._keys(site)
        wait_ms = int(self.link.call("site budget", lambda c: self._script(keys, argv, client=c)))
        if wait_ms <= 0:
            self._held[site].append(token)
            return 0.0
        return wait_ms / 1000.0

    def release(self, site: str) -> None:
        tokens = self._held.get(site)
        if not tokens:
            return
        token = tokens.pop(0)
        if not tokens:
            del self._held[site]
        key = self._keys(site)[0]
        self.link.call("site budget", lambda c: c.zrem(key, token))

    def close(self) -> None:
        self.link.close()
