"""The Redis frontier: one shared crawl on a Redis Stream with a consumer group.

Any number of workers (processes, machines) share the frontier of the crawl
named by ``COBWEB_RUN_NAME`` on the Redis of ``COBWEB_REDIS_URL``. Why Redis
Streams and not scrapy-redis: ``docs/scale-out.md``.

Keys, all under ``cobweb:{RUN}:`` (one hash slot, so a Redis Cluster keeps a run
on one node):

``entries``
    Hash, canonical URL -> state: ``q`` queued, ``f<stream id>`` in flight,
    ``d`` done, ``x<reason>`` dropped. It is the seen-set (deduplication).
``stream``
    Stream of queued entries, fields ``u`` (URL) and ``e`` (the entry as plain
    JSON: depth, referer, meta, fetch URL). The consumer group is the run name;
    the consumer is the worker id. Delivered and not yet acknowledged = in flight
    (the group's pending entries list); :meth:`done` is ``XACK`` + ``XDEL``.
``counts``
    Hash of ``queued``, ``in_flight``, ``done``.
``reasons``, ``dropped:<reason>``
    Dropped entries per reason code, and their JSON (to queue them again).
``workers``
    Hash, worker id -> last heartbeat (Redis server time in ms: no clock skew).

Every method that changes state is one Lua script, so it is atomic across
workers and a worker killed at any point leaves each entry in exactly one state.
Nothing is ever unpickled: a stream entry that is not the JSON object this
module writes is dropped (``bad_entry``) with a warning.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from redis.exceptions import ResponseError

from crawler.frontier.base import STATES, Frontier, FrontierEntry
from crawler.records import DropReason
from crawler.redisconn import RedisLink, run_name, run_prefix

__all__ = ["RedisStreamsFrontier"]

logger = logging.getLogger(__name__)

#: URLs per ``add`` script call: bounds how long one call holds Redis.
_ADD_CHUNK = 500

# Shared head of every script: key names, server clock, queueing and leaving a state.
_LUA_HEAD = """
local entries, stream, counts, workers, reasons = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local group, prefix = ARGV[1], ARGV[2]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function enqueue(url, data)
  redis.call('XADD', stream, '*', 'u', url, 'e', data)
  redis.call('HSET', entries, url, 'q')
  redis.call('HINCRBY', counts, 'queued', 1)
end
local function unflight(id)
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
  redis.call('HINCRBY', counts, 'in_flight', -1)
end
local function leave(url, state)
  local c = string.sub(state, 1, 1)
  if c == 'f' then
    unflight(string.sub(state, 2))
  elseif c == 'd' then
    redis.call('HINCRBY', counts, 'done', -1)
  elseif c == 'x' then
    local reason = string.sub(state, 2)
    redis.call('HDEL', prefix .. 'dropped:' .. reason, url)
    if redis.call('HINCRBY', reasons, reason, -1) <= 0 then redis.call('HDEL', reasons, reason) end
  end
end
"""

_ADD = _LUA_HEAD + """
local n = 0
for i = 3, #ARGV, 2 do
  if redis.call('HSETNX', entries, ARGV[i], 'q') == 1 then
    redis.call('XADD', stream, '*', 'u', ARGV[i], 'e', ARGV[i + 1])
    n = n + 1
  end
end
if n > 0 then redis.call('HINCRBY', counts, 'queued', n) end
return n
"""

# ARGV[3] consumer, ARGV[4] count; KEYS[6] holds this call's answer (5 minutes at most), so
# a call retried after a lost reply gets the same entries instead of orphaning them; KEYS[7]
# is the previous call's answer, delivered by now: deleted.
_POP = _LUA_HEAD + """
local saved = redis.call('GET', KEYS[6])
if saved then return cjson.decode(saved) end
redis.call('DEL', KEYS[7])
local consumer = ARGV[3]
redis.call('HSET', workers, consumer, now_ms())
local got = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', tonumber(ARGV[4]),
                       'STREAMS', stream, '>')
local out = {}
if got then
  for _, item in ipairs(got[1][2]) do
    local id, f = item[1], item[2]
    local url, data = f[2], f[4]
    if url and data and redis.call('HGET', entries, url) == 'q' then
      redis.call('HSET', entries, url, 'f' .. id)
      table.insert(out, {url, data})
    else
      redis.call('XACK', stream, group, id)
      redis.call('XDEL', stream, id)
    end
  end
end
local k = #out
if k > 0 then
  redis.call('HINCRBY', counts, 'queued', -k)
  redis.call('HINCRBY', counts, 'in_flight', k)
end
redis.call('SET', KEYS[6], k > 0 and cjson.encode(out) or '[]', 'EX', 300)
return out
"""

_DONE = _LUA_HEAD + """
local n = 0
for i = 3, #ARGV do
  local s = redis.call('HGET', entries, ARGV[i])
  if s and string.sub(s, 1, 1) == 'f' then
    unflight(string.sub(s, 2))
    redis.call('HSET', entries, ARGV[i], 'd')
    n = n + 1
  end
end
if n > 0 then redis.call('HINCRBY', counts, 'done', n) end
return n
"""

# ARGV[3] url, ARGV[4] reason
_DROP = _LUA_HEAD + """
local url, reason = ARGV[3], ARGV[4]
local s = redis.call('HGET', entries, url)
if not s or string.sub(s, 1, 1) ~= 'f' then return 0 end
local id = string.sub(s, 2)
local item = redis.call('XRANGE', stream, id, id)[1]
local data = (item and item[2][4]) or '{}'
unflight(id)
redis.call('HSET', entries, url, 'x' .. reason)
redis.call('HSET', prefix .. 'dropped:' .. reason, url, data)
redis.call('HINCRBY', reasons, reason, 1)
return 1
"""

# ARGV[3] url, ARGV[4] entry JSON
_RETRY = _LUA_HEAD + """
local url = ARGV[3]
local s = redis.call('HGET', entries, url)
if s == 'q' then return 0 end
if s then leave(url, s) end
enqueue(url, ARGV[4])
return 1
"""

_REQUEUE_DROPPED = _LUA_HEAD + """
local n = 0
for i = 3, #ARGV do
  local reason = ARGV[i]
  local key = prefix .. 'dropped:' .. reason
  local all = redis.call('HGETALL', key)
  for j = 1, #all, 2 do
    if redis.call('HGET', entries, all[j]) == 'x' .. reason then
      enqueue(all[j], all[j + 1])
      n = n + 1
    end
  end
  redis.call('DEL', key)
  redis.call('HDEL', reasons, reason)
end
return n
"""

# Queue again the in-flight entries of dead consumers (ARGV[4] = 'stale': heartbeat older
# than ARGV[3] ms, never ARGV[5] itself), of ARGV[5] itself (ARGV[4] = 'self': a worker
# starting again under the id of one that died) or of every consumer (ARGV[4] = 'all', a
# resumed single-worker run). XCLAIM with min-idle makes the claim safe against a concurrent
# reclaimer; the claimed entries are acknowledged, deleted and added again as queued.
_RECLAIM = _LUA_HEAD + """
local stale_ms, mode, claimer = tonumber(ARGV[3]), ARGV[4], ARGV[5]
local min_idle = 0
if mode == 'stale' then min_idle = stale_ms end
local now = now_ms()
local n = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', stream, group)) do
  local name, pending
  for k = 1, #c, 2 do
    if c[k] == 'name' then name = c[k + 1] elseif c[k] == 'pending' then pending = c[k + 1] end
  end
  local beat = tonumber(redis.call('HGET', workers, name) or '0')
  local dead = mode == 'all' or (mode == 'self' and name == claimer)
    or (mode == 'stale' and name ~= claimer and now - beat > stale_ms)
  if dead then
    while pending > 0 do
      local p = redis.call('XPENDING', stream, group, 'IDLE', min_idle, '-', '+', 500, name)
      if #p == 0 then break end
      local ids = {}
      for _, e in ipairs(p) do table.insert(ids, e[1]) end
      local claimed = redis.call('XCLAIM', stream, group, claimer, min_idle, unpack(ids))
      for _, item in ipairs(claimed) do
        local id, f = item[1], item[2]
        local url, data = f[2], f[4]
        if url and redis.call('HGET', entries, url) == 'f' .. id then
          unflight(id)
          enqueue(url, data)
          n = n + 1
        else
          redis.call('XACK', stream, group, id)
          redis.call('XDEL', stream, id)
        end
      end
      if #claimed == 0 then break end
    end
    if mode == 'stale' and name ~= claimer then
      local left = redis.call('XPENDING', stream, group, '-', '+', 1, name)
      if #left == 0 then
        redis.call('XGROUP', 'DELCONSUMER', stream, group, name)
        redis.call('HDEL', workers, name)
      end
    end
  end
end
return n
"""

_HEARTBEAT = _LUA_HEAD + """
redis.call('HSET', workers, ARGV[3], now_ms())
return 0
"""


def _dump(entry: FrontierEntry) -> tuple[str, str]:
    """``(url, JSON)`` of an entry; ``TypeError`` on anything but plain JSON values."""
    if not isinstance(entry.url, str) or not entry.url:
        raise TypeError(f"frontier entry without a URL: {entry!r}")
    data = {"depth": entry.depth, "referer": entry.referer, "meta": entry.meta,
            "fetch": entry.fetch}
    return entry.url, json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _load(url: str, data: str) -> FrontierEntry:
    """The entry stored as ``data``; ``ValueError`` unless it is the JSON object we write."""
    obj = json.loads(data)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    depth, referer = obj.get("depth", 0), obj.get("referer", "")
    meta, fetch = obj.get("meta", {}), obj.get("fetch", "")
    if not (isinstance(depth, int) and isinstance(referer, str) and isinstance(meta, dict)
            and isinstance(fetch, str)):
        raise ValueError("fields of the wrong type")
    return FrontierEntry(url, depth, referer, meta, fetch)


class RedisStreamsFrontier(Frontier):
    """A :class:`~crawler.frontier.base.Frontier` shared by every worker of one run.

    Parameters
    ----------
    link : RedisLink
        The connection (waits out Redis outages).
    run : str
        The crawl's name (``COBWEB_RUN_NAME``): key prefix and consumer group.
    worker_id : str
        This worker (``COBWEB_WORKER_ID``; ``""``: the only worker).
    """

    def __init__(self, link: RedisLink, run: str, worker_id: str = "") -> None:
        self.link = link
        self.run = run
        self.prefix = run_prefix(run)
        self.worker_id = worker_id
        self.consumer = worker_id or "worker"
        self.keys = [self.prefix + k for k in ("entries", "stream", "counts", "workers", "reasons")]
        self._last_reply = f"{self.prefix}reply:none"
        client = link.client
        self._scripts = {name: client.register_script(src) for name, src in (
            ("add", _ADD), ("pop", _POP), ("done", _DONE), ("drop", _DROP), ("retry", _RETRY),
            ("requeue_dropped", _REQUEUE_DROPPED), ("reclaim", _RECLAIM),
            ("heartbeat", _HEARTBEAT))}
        self._ensure_group()
        if worker_id:  # the only worker ("") requeues everything in requeue_in_flight()
            self._requeue_own()
        self.heartbeat()

    @classmethod
    def connect(cls, url: str, run: str, worker_id: str = "",
                password: str | None = None) -> RedisStreamsFrontier:
        """The frontier of ``run`` on the Redis at ``url``."""
        return cls(RedisLink(url, password), run, worker_id)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisStreamsFrontier:
        """``COBWEB_REDIS_URL``, ``COBWEB_RUN_NAME`` and ``COBWEB_WORKER_ID`` of the crawler."""
        settings = crawler.settings
        return cls(RedisLink.from_settings(settings), run_name(settings),
                   settings.get("COBWEB_WORKER_ID") or "")

    # -- plumbing ---------------------------------------------------------------------------

    def _ensure_group(self) -> None:
        def create(client: Any) -> None:
            try:
                client.xgroup_create(self.keys[1], self.run, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
        self.link.call("creating the consumer group", create)

    def _run(self, name: str, args: list[Any], extra_keys: tuple[str, ...] = ()) -> Any:
        """Run script ``name``; recreate the group once if Redis lost it (no persistence)."""
        script = self._scripts[name]
        keys = self.keys + list(extra_keys)
        argv = [self.run, self.prefix, *args]
        for attempt in (1, 2):
            try:
                return self.link.call(f"frontier {name}", lambda c: script(keys, argv, client=c))
            except ResponseError as exc:
                if "NOGROUP" not in str(exc) or attempt == 2:
                    raise
                logger.warning("frontier: consumer group %s missing in Redis (data lost?); "
                               "created again", self.run)
                self._ensure_group()
        raise AssertionError("unreachable")

    # -- the Frontier interface -------------------------------------------------------------

    def add(self, entries: Iterable[FrontierEntry]) -> int:
        rows = [_dump(e) for e in entries]  # serialize all first: a bad entry adds nothing
        added = 0
        for start in range(0, len(rows), _ADD_CHUNK):
            argv = [v for row in rows[start:start + _ADD_CHUNK] for v in row]
            added += int(self._run("add", argv))
        return added

    def seen(self, url: str) -> bool:
        return bool(self.link.call("frontier seen", lambda c: c.hexists(self.keys[0], url)))

    def pop(self, n: int) -> list[FrontierEntry]:
        if n <= 0:
            return []
        reply_key = f"{self.prefix}reply:{uuid.uuid4().hex}"
        rows = self._run("pop", [self.consumer, n], (reply_key, self._last_reply))
        self._last_reply = reply_key
        entries = []
        for url, data in rows:
            try:
                entries.append(_load(url, data))
            except ValueError as exc:
                logger.warning("frontier: entry for %s in Redis is not plain JSON (%s): dropped, "
                               "never unpickled", url, exc)
                self.dropped(url, "bad_entry")  # type: ignore[arg-type]
        return entries

    def retry(self, entry: FrontierEntry) -> bool:
        return bool(self._run("retry", list(_dump(entry))))

    def done(self, urls: Iterable[str]) -> int:
        urls = list(urls)
        return int(self._run("done", urls)) if urls else 0

    def dropped(self, url: str, reason: DropReason) -> bool:
        return bool(self._run("drop", [url, reason]))

    def requeue_in_flight(self) -> int:
        changed = int(self._run("reclaim", [0, "all", self.consumer]))
        if changed:
            logger.info("frontier: %s in-flight URLs queued again", changed)
        return changed

    def requeue_dropped(self, reasons: Iterable[str]) -> int:
        reasons = sorted(set(reasons))
        changed = int(self._run("requeue_dropped", reasons)) if reasons else 0
        if changed:
            logger.info("frontier: %s dropped URLs queued again", changed)
        return changed

    def heartbeat(self) -> None:
        """This worker is alive (Redis server time, so clocks of machines do not matter)."""
        self._run("heartbeat", [self.consumer])

    def _requeue_own(self) -> None:
        """Entries in flight under this worker id belong to an earlier process that died
        (a worker started again under its id): queue them again."""
        changed = int(self._run("reclaim", [0, "self", self.consumer]))
        if changed:
            logger.warning("frontier: %s URLs in flight at an earlier worker %s queued again",
                           changed, self.consumer)

    def reclaim(self, stale_after: float) -> int:
        """Queue again the in-flight entries of workers silent for ``stale_after`` seconds."""
        changed = int(self._run("reclaim", [int(stale_after * 1000), "stale", self.consumer]))
        if changed:
            logger.warning("frontier: %s in-flight URLs of stopped workers queued again", changed)
        return changed

    def active(self) -> bool:
        """True while any entry is queued or in flight on any worker."""
        queued, in_flight = self.link.call(
            "frontier active", lambda c: c.hmget(self.keys[2], "queued", "in_flight"))
        return int(queued or 0) + int(in_flight or 0) > 0

    def dropped_counts(self) -> dict[str, int]:
        counts = self.link.call("frontier dropped_counts", lambda c: c.hgetall(self.keys[4]))
        return {r: int(n) for r, n in sorted(counts.items()) if int(n) > 0}

    def pending(self) -> int:
        return int(self.link.call("frontier pending", lambda c: c.hget(self.keys[2], "queued")) or 0)

    def stats(self) -> dict[str, int]:
        def read(client: Any) -> list[Any]:
            pipe = client.pipeline(transaction=True)
            pipe.hmget(self.keys[2], "queued", "in_flight", "done")
            pipe.hvals(self.keys[4])
            return pipe.execute()
        (queued, in_flight, done), dropped = self.link.call("frontier stats", read)
        values = [int(queued or 0), int(in_flight or 0), int(done or 0), sum(int(v) for v in dropped)]
        return dict(zip(STATES, values))

    def close(self) -> None:
        self.link.close()
