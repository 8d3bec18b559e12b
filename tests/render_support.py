"""Shared by the rendering tests: the browser they need, and the JS web served through the proxy."""

from __future__ import annotations

import os

import pytest

from crawler.render.browser import chromium_available
from crawler.settings import COBWEB_RENDER_CHROMIUM

__all__ = ["require_browser", "browser_processes"]

#: Set in this test session's environment, so inherited by its crawls and their browsers:
#: browser_processes() counts this session's browsers only, not those of another test run
#: on the same machine.
SESSION_VARIABLE = "COBWEB_TEST_SESSION"
SESSION = os.environ.setdefault(SESSION_VARIABLE, os.urandom(8).hex())


def require_browser() -> None:
    """Skip without Chromium and playwright, except in CI (CI=true, or COBWEB_REQUIRE_BROWSER=1
    as .ci/run sets), where that fails."""
    if chromium_available(COBWEB_RENDER_CHROMIUM):
        return
    why = (f"needs Debian's chromium ({COBWEB_RENDER_CHROMIUM}) and the playwright package"
           " (apt-get install -y chromium; pip install -e '.[test]')")
    if os.environ.get("CI", "").lower() == "true" or os.environ.get("COBWEB_REQUIRE_BROWSER") == "1":
        pytest.fail("CI must run the rendering tests: " + why)
    pytest.skip(why)


def browser_processes() -> dict[int, str]:
    """Running Chromium processes launched by Cobweb in this test session: pid -> marker token."""
    from pathlib import Path

    from crawler.render.processes import MARKER_SWITCH

    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        tokens = [arg.split("=", 1)[1] for arg in args if arg.startswith(MARKER_SWITCH + "=")]
        if tokens and _in_this_session(entry):
            found[int(entry.name)] = tokens[0]
    return found


def _in_this_session(proc: os.PathLike) -> bool:
    from pathlib import Path

    try:
        environ = (Path(proc) / "environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"{SESSION_VARIABLE}={SESSION}".encode() in environ
