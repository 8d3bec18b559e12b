"""Find, measure and kill the crawl's own Chromium, and nothing else.

Each browser is launched with a marker switch (``--cobweb-browser=<token>``)
that Chromium ignores but keeps on its command line, in a process group of
its own. The run directory keeps ``render-browser.pid`` (``pid token``), so a
crawl started after a ``kill -9`` ends a browser the killed crawl left
behind, and only when that process still carries the token.
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

__all__ = ["MARKER_SWITCH", "find_browser", "group_rss_mb", "kill_group", "kill_leftover",
           "PID_FILENAME", "write_pid_file"]

logger = logging.getLogger(__name__)

MARKER_SWITCH = "--cobweb-browser"
PID_FILENAME = "render-browser.pid"


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return []


def _carries(pid: int, token: str) -> bool:
    return f"{MARKER_SWITCH}={token}" in _cmdline(pid)


def find_browser(token: str) -> int | None:
    """The pid of the browser process launched with ``token``, if it runs."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _carries(int(entry.name), token):
            return int(entry.name)
    return None


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in the group, in MiB."""
    total = 0
    for pid in _group_members(pgid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def kill_group(pid: int, token: str) -> bool:
    """SIGKILL the browser ``pid`` and its group when it still carries ``token``."""
    if not _carries(pid, token):
        return False
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    except PermissionError:
        os.kill(pid, signal.SIGKILL)
    logger.info("killed browser process group %s", pid)
    return True


def write_pid_file(run_dir: str | Path, pid: int, token: str) -> None:
    Path(run_dir, PID_FILENAME).write_text(f"{pid} {token}\n", encoding="ascii")


def kill_leftover(run_dir: str | Path) -> bool:
    """End the browser an earlier, killed crawl of ``run_dir`` left running."""
    path = Path(run_dir, PID_FILENAME)
    try:
        pid_text, token = path.read_text(encoding="ascii").split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return False
    killed = kill_group(pid, token)
    path.unlink(missing_ok=True)
    return killed
