"""Errors a user can cause and fix: one line, ``cobweb COMMAND: what went wrong; what to do``, exit 2.

A command raises :class:`UserError`; :func:`crawler.cli.main.main` prints it
with the command's name and returns :data:`USER_ERROR_EXIT`, never a traceback.

>>> str(UserError("no crawl in runs/x; run `cobweb crawl ... -o runs/x` first"))
'no crawl in runs/x; run `cobweb crawl ... -o runs/x` first'
>>> error_line("analyze", UserError("no crawl in runs/x; run a crawl first"))
'cobweb analyze: no crawl in runs/x; run a crawl first'
"""

from __future__ import annotations

__all__ = ["UserError", "USER_ERROR_EXIT", "error_line"]

#: The exit status of an error the user can fix (what shells expect of a usage error).
USER_ERROR_EXIT = 2


class UserError(Exception):
    """An error the user can fix; its message says what went wrong and what to do."""


def error_line(command: str, error: UserError) -> str:
    """The one line printed for ``error`` raised by ``command``."""
    return f"cobweb {command}: {error}"
