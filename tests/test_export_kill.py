"""Exports killed at many moments (issue 17): the target holds the previous
export or the whole new one, never a part, even when the kill comes while a
large export is being written (its temporary file already open and growing)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from crawler.atomic import PART_SUFFIX
from crawler.store import PageStore

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("kill") / "run"
    with PageStore.open_run(run) as store:
        rows = [(f"http://site{i % 500}.example/p/{i}.html", "2026-11-01T00:00:00Z",
                 [("handle", f"telegram:h{i % 3000}", "href", 1.0, False),
                  ("domain", f"d{i % 900}.example", "href", 1.0, False)]) for i in range(40_000)]
        store.add_artifact_pages(rows)
    return run


def _export(run: Path, fmt: str, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler", "export", str(run), "--format", fmt, "-o", str(out)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wait_for_part(out: Path, min_bytes: int, proc: subprocess.Popen, timeout: float = 60) -> bool:
    """Wait until the export's temporary file exists with ``min_bytes``; False if it ended first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        for part in out.parent.glob(f".{out.name}.*{PART_SUFFIX}"):
            try:
                if part.stat().st_size >= min_bytes:
                    return True
            except FileNotFoundError:
                pass
        time.sleep(0.005)
    return False


#: When the kill comes: seconds after the start, or once the temporary file holds this many bytes.
MOMENTS = [("after", 0.0), ("after", 0.3), ("after", 1.0), ("part", 0), ("part", 64 * 1024), ("part", 1 << 20)]


@pytest.mark.parametrize("fmt", ["gexf", "json"])
def test_a_killed_export_leaves_the_previous_file_whole(big_run: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    assert _export(big_run, fmt, out).wait(timeout=300) == 0
    before = _digest(out)
    if fmt == "gexf":
        etree.parse(str(out))  # whole: well-formed
    killed_while_writing = 0
    for how, when in MOMENTS:
        proc = _export(big_run, fmt, out)
        if how == "after":
            time.sleep(when)
        elif _wait_for_part(out, when, proc):
            killed_while_writing += 1
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _digest(out) == before, (how, when)  # old or identical new: never a part
    assert killed_while_writing >= 2  # the kill did come while the file was open and growing
