"""How a crawl reaches the network: through a proxy (``--proxy`` or ``http_proxy``) or directly.

A run stores its network path in the store's metadata (``network``). A resume
that would reach the network another way (the proxy given by ``http_proxy``
is not set any more, say) is refused unless ``--proxy URL`` or ``--direct``
says so: a crawl through the wrong path fails on every URL.

>>> path = network_path(None, False, {"http_proxy": "http://127.0.0.1:8899"})
>>> path
{'via': 'proxy', 'proxy': 'http://127.0.0.1:8899', 'from': 'http_proxy'}
>>> describe(path), describe(network_path(None, False, {}))
('through the proxy http://127.0.0.1:8899 (http_proxy)', 'directly, without a proxy')
>>> same_path(path, network_path("http://127.0.0.1:8899", False, {}))
True
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from crawler.cli.errors import UserError

__all__ = ["network_path", "stored_path", "describe", "same_path", "resume_path",
           "check_proxy_reachable"]

NetworkPath = dict[str, Any]

#: Seconds to wait for the proxy to accept a connection before the crawl.
PROXY_CHECK_TIMEOUT = 5.0


def env_proxy(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The proxy the environment sets for web requests, and the variable that sets it.

    >>> env_proxy({"HTTPS_PROXY": "http://p:3128"}), env_proxy({"no_proxy": "x"})
    (('https_proxy', 'http://p:3128'), None)
    """
    for name in ("http_proxy", "https_proxy"):
        value = environ.get(name) or environ.get(name.upper())
        if value:
            return name, value
    return None


def network_path(proxy: str | None, direct: bool, environ: Mapping[str, str]) -> NetworkPath:
    """The path a crawl takes with ``--proxy`` (``proxy``), ``--direct`` and ``environ``."""
    if proxy:
        return {"via": "proxy", "proxy": proxy, "from": "--proxy"}
    found = None if direct else env_proxy(environ)
    if found:
        return {"via": "proxy", "proxy": found[1], "from": found[0]}
    return {"via": "direct"}


def stored_path(meta_network: Any, params: Mapping[str, Any]) -> NetworkPath | None:
    """The path a run used, from its metadata; None when older runs did not say.

    >>> stored_path(None, {"proxy": "http://127.0.0.1:1"})["from"], stored_path(None, {})
    ('--proxy', None)
    """
    if isinstance(meta_network, dict) and meta_network.get("via") in ("proxy", "direct"):
        return meta_network
    if params.get("proxy"):
        return {"via": "proxy", "proxy": params["proxy"], "from": "--proxy"}
    return None


def describe(path: NetworkPath) -> str:
    """The path in words."""
    if path["via"] == "direct":
        return "directly, without a proxy"
    return f"through the proxy {path['proxy']} ({path['from']})"


def same_path(a: NetworkPath, b: NetworkPath) -> bool:
    """Whether two paths reach the network the same way (where the proxy came from aside)."""
    return (a["via"], a.get("proxy")) == (b["via"], b.get("proxy"))


def resume_path(stored: NetworkPath | None, proxy: str | None, direct: bool,
                environ: Mapping[str, str], run_dir: str) -> tuple[NetworkPath, str | None]:
    """The path a resume takes, and a notice when it changes on the user's word.

    Without ``--proxy`` or ``--direct`` the stored ``--proxy`` is used again;
    any other change (``http_proxy`` set or unset since) raises :class:`UserError`.

    >>> was = {"via": "proxy", "proxy": "http://127.0.0.1:8899", "from": "http_proxy"}
    >>> resume_path(was, None, False, {}, "runs/x")
    Traceback (most recent call last):
    ...
    crawler.cli.errors.UserError: runs/x was crawled through the proxy http://127.0.0.1:8899 \
(http_proxy) and this resume would go directly, without a proxy; set http_proxy again, or \
say how with --proxy URL or --direct
    >>> resume_path(was, None, True, {}, "runs/x")[1]
    'runs/x was crawled through the proxy http://127.0.0.1:8899 (http_proxy); this resume goes \
directly, without a proxy (--direct)'
    """
    if not proxy and not direct and stored is not None and stored.get("from") == "--proxy":
        return stored, None
    path = network_path(proxy, direct, environ)
    if stored is None or same_path(stored, path):
        return path, None
    if proxy or direct:
        return path, (f"{run_dir} was crawled {describe(stored)}; this resume goes {describe(path)}"
                      + (" (--direct)" if direct else ""))
    again = f"set {stored['from']} again" if stored["via"] == "proxy" else "unset http_proxy"
    raise UserError(f"{run_dir} was crawled {describe(stored)} and this resume would go "
                    f"{describe(path)}; {again}, or say how with --proxy URL or --direct")


def check_proxy_reachable(path: NetworkPath, timeout: float = PROXY_CHECK_TIMEOUT) -> None:
    """Raise :class:`UserError` naming the proxy when it accepts no connection.

    >>> check_proxy_reachable({"via": "proxy", "proxy": "http://127.0.0.1:1", "from": "--proxy"})
    Traceback (most recent call last):
    ...
    crawler.cli.errors.UserError: the proxy http://127.0.0.1:1 (--proxy) refuses connections; \
start it, or give another with --proxy URL
    """
    if path["via"] != "proxy":
        return
    url = path["proxy"] if "://" in path["proxy"] else f"http://{path['proxy']}"
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        host = None
    if not host:
        raise UserError(f"the proxy {path['proxy']} ({path['from']}) is no URL; "
                        "give one like --proxy http://127.0.0.1:8899")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except socket.gaierror:
        why = "cannot be reached (its host name does not resolve)"
    except ConnectionRefusedError:
        why = "refuses connections"
    except TimeoutError:
        why = f"does not answer (no connection in {timeout:g} s)"
    except OSError as exc:
        why = f"cannot be reached ({exc.strerror or exc})"
    else:
        return
    raise UserError(f"the proxy {path['proxy']} ({path['from']}) {why}; start it, "
                    "or give another with --proxy URL")
