"""Checks shared by the commands that read a run or write a file: one-line :class:`UserError`s.

>>> require_run("/nonexistent/runs/x")
Traceback (most recent call last):
...
crawler.cli.errors.UserError: no crawl in /nonexistent/runs/x (no crawl.sqlite); run \
cobweb crawl URL -k KEYWORD -o /nonexistent/runs/x first
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.cli.errors import UserError

__all__ = ["require_run", "writing"]


def require_run(run_dir: str | Path) -> Path:
    """``run_dir`` as a Path, or :class:`UserError` when it holds no crawl store."""
    from crawler.store import store_path  # numpy and tldextract: only when a command runs

    run_dir = Path(run_dir)
    if not store_path(run_dir).is_file():
        raise UserError(f"no crawl in {run_dir} (no crawl.sqlite); run cobweb crawl URL "
                        f"-k KEYWORD -o {run_dir} first")
    return run_dir


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Turn a failure to write ``out`` (permissions, a file in the way, a full disk) into
    :class:`UserError`."""
    try:
        yield
    except (FileExistsError, NotADirectoryError):
        raise UserError(f"cannot write {out}: a file is in the way; choose another -o") from None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise UserError(f"cannot write {out} ({why}); choose another -o") from None
