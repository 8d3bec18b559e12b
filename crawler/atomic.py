"""Atomic file output: a reader sees the old file or the whole new one, never a part.

Every export and ``campaigns.json`` is written through :func:`atomic_output`:
the data goes to a temporary file beside the target, is flushed and fsynced,
then renamed over the target (``os.replace`` is atomic on POSIX). A crash or a
kill at any moment leaves at most a hidden ``.NAME.*.part`` file behind, never
a truncated file under the target's name.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_output(d / "a.txt") as fh:
...     _ = fh.write("whole")
>>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
('whole', ['a.txt'])
>>> try:
...     with atomic_output(d / "a.txt") as fh:
...         _ = fh.write("half")
...         raise RuntimeError("crash")
... except RuntimeError:
...     pass
>>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
('whole', ['a.txt'])
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_output", "PART_SUFFIX"]

#: Suffix of the temporary file an unfinished write leaves behind.
PART_SUFFIX = ".part"


@contextlib.contextmanager
def atomic_output(
    path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on a clean exit, make it ``path``.

    ``mode`` is ``"w"`` (text, ``encoding`` and ``newline`` as for :func:`open`)
    or ``"wb"``. On an exception the temporary file is removed and ``path`` is
    left as it was.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_output writes only: mode {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PART_SUFFIX)
    try:
        if mode == "wb":
            fh = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable (best effort: some filesystems refuse a directory fsync)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
