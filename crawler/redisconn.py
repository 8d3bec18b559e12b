"""The connection to the Redis of a shared crawl: URL, password, outages.

``COBWEB_REDIS_URL`` names the server (``redis://[:PASSWORD@]HOST:6379/0``, or
``rediss://`` for TLS); a password not in the URL comes from
``COBWEB_REDIS_PASSWORD`` (setting or environment variable). Logs and errors
only ever show :func:`redacted` URLs.

Every call goes through :meth:`RedisLink.call`: when Redis is unreachable,
restarting or still loading its data, the caller pauses with one warning line,
retries with a bounded backoff and logs one line when Redis is back. A wrong
password is a :class:`~crawler.cli.errors.UserError` (one line, no traceback);
:meth:`RedisLink.check` lets a command fail that way before its crawl starts.

>>> redacted("redis://:s3cret@db.example:6379/0")
'redis://:***@db.example:6379/0'
>>> redacted("rediss://user:s3cret@db.example/2")
'rediss://user:***@db.example/2'
>>> redacted("redis://127.0.0.1:6379/0")
'redis://127.0.0.1:6379/0'
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.exceptions import AuthenticationError, AuthorizationError, BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from crawler.cli.errors import UserError

__all__ = ["RedisLink", "redacted", "redis_url", "redis_password", "run_name", "run_prefix"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Errors that mean "Redis is not there right now": wait and try again.
#: (``BusyLoadingError``, Redis still loading its data after a restart, is a
#: ``ConnectionError`` in redis-py.)
_OUTAGES = (RedisConnectionError, RedisTimeoutError, BusyLoadingError)


def redacted(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for logs and messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def redis_url(settings: Any) -> str:
    """The ``COBWEB_REDIS_URL`` setting; ``UserError`` if it is missing or not a Redis URL."""
    url = (settings.get("COBWEB_REDIS_URL") or "").strip()
    if not url:
        raise UserError("no Redis URL; give --redis redis://HOST:6379/0 (COBWEB_REDIS_URL)")
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise UserError(f"{redacted(url)} is not a Redis URL; give redis://HOST:6379/0 "
                        "or rediss://HOST:6380/0")
    return url


def redis_password(settings: Any = None) -> str | None:
    """``COBWEB_REDIS_PASSWORD`` from the settings, else from the environment."""
    value = settings.get("COBWEB_REDIS_PASSWORD") if settings is not None else None
    return value or os.environ.get("COBWEB_REDIS_PASSWORD") or None


def run_prefix(run: str) -> str:
    """The key prefix of the shared crawl ``run``: ``cobweb:{RUN}:`` (one Redis Cluster
    hash slot); ``ValueError`` for an empty name or one with braces or spaces.

    >>> run_prefix("spam-2026")
    'cobweb:{spam-2026}:'
    """
    if not run or any(c in run for c in "{}\r\n\t "):
        raise ValueError(f"run name {run!r} must be non-empty, without braces or spaces")
    return f"cobweb:{{{run}}}:"


def run_name(settings: Any) -> str:
    """The ``COBWEB_RUN_NAME`` setting; ``UserError`` if it cannot name a shared crawl."""
    run = (settings.get("COBWEB_RUN_NAME") or "").strip()
    try:
        run_prefix(run)
    except ValueError as exc:
        raise UserError(f"{exc}; give --run NAME with --redis") from None
    return run


class RedisLink:
    """A Redis client that waits out outages.

    Parameters
    ----------
    url : str
        ``redis://`` or ``rediss://`` URL, password optional.
    password : str, optional
        Used when the URL has none.
    max_backoff : float
        Longest pause between two attempts while Redis is away (seconds).
    give_up_after : float or None
        Raise the last error after this many seconds of outage (None: wait for ever,
        what a crawl worker does).
    """

    def __init__(self, url: str, password: str | None = None, max_backoff: float = 5.0,
                 give_up_after: float | None = None) -> None:
        self.url = url
        self.shown_url = redacted(url)
        options: dict[str, Any] = {"decode_responses": True, "socket_connect_timeout": 5,
                                   "socket_timeout": 30, "health_check_interval": 15}
        if password and urlsplit(url).password is None:
            options["password"] = password
        try:
            self.client = redis.Redis.from_url(url, **options)
        except ValueError as exc:
            raise UserError(f"cannot use Redis URL {self.shown_url} ({exc}); "
                            "give redis://HOST:6379/0") from None
        self.max_backoff = max_backoff
        self.give_up_after = give_up_after

    @classmethod
    def from_settings(cls, settings: Any) -> RedisLink:
        """The link of ``COBWEB_REDIS_URL`` (and ``COBWEB_REDIS_PASSWORD``)."""
        return cls(redis_url(settings), redis_password(settings))

    def call(self, what: str, fn: Callable[[redis.Redis], T]) -> T:
        """``fn(client)``, retried while Redis is unreachable; ``what`` names it in the log."""
        down_since: float | None = None
        pause = 0.1
        while True:
            try:
                result = fn(self.client)
            except (AuthenticationError, AuthorizationError) as exc:
                raise UserError(f"Redis at {self.shown_url} refused the credentials "
                                f"({_first_line(exc)}); give the right password in the URL "
                                "or COBWEB_REDIS_PASSWORD") from None
            except ResponseError as exc:
                if str(exc).startswith(("NOAUTH", "WRONGPASS")):
                    raise UserError(f"Redis at {self.shown_url} needs a password "
                                    f"({_first_line(exc)}); give it in the URL "
                                    "(redis://:PASSWORD@HOST:6379/0) or COBWEB_REDIS_PASSWORD") from None
                raise
            except _OUTAGES as exc:
                now = time.monotonic()
                if down_since is None:
                    down_since = now
                    logger.warning("Redis at %s unavailable (%s) during %s: paused, retrying "
                                   "until it is back", self.shown_url, _reason(exc), what)
                elif self.give_up_after is not None and now - down_since > self.give_up_after:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, self.max_backoff)
                continue
            if down_since is not None:
                logger.warning("Redis at %s is back after %.1fs: continuing", self.shown_url,
                               time.monotonic() - down_since)
            return result

    def check(self, wait: float = 10.0) -> None:
        """Before a crawl starts: ``UserError`` (one line) unless Redis answers within
        ``wait`` seconds and takes the credentials."""
        limit, self.give_up_after = self.give_up_after, wait
        try:
            self.call("connecting", lambda c: c.ping())
        except _OUTAGES as exc:
            raise UserError(f"Redis at {self.shown_url} unreachable ({_reason(exc)}); start it or "
                            "give the right --redis URL") from None
        finally:
            self.give_up_after = limit

    def close(self) -> None:
        self.client.close()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:120] if text else type(exc).__name__


def _reason(exc: Exception) -> str:
    """A short reason, without the URL or any password (redis-py messages have neither)."""
    if isinstance(exc, BusyLoadingError):
        return "loading its data"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
