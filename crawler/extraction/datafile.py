"""Read the data files in ``crawler/extraction/data/``.

A data file is UTF-8 text, one entry a line; ``#`` starts a comment (to the
end of the line) and blank lines are skipped. Each file names its sources in
its header comment.

>>> "bit.ly" in data_words("shorteners.txt")
True
>>> data_lines("shorteners.txt")[0]
'bit.ly'
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from .folding import both_scripts

__all__ = ["data_lines", "data_words", "marker_words", "marker_lines"]


@lru_cache(maxsize=None)
def data_lines(name: str) -> tuple[str, ...]:
    """The entries of ``data/NAME``, in file order, stripped."""
    text = files("crawler.extraction.data").joinpath(name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            out.append(entry)
    return tuple(out)


@lru_cache(maxsize=None)
def data_words(name: str) -> frozenset[str]:
    """The entries of ``data/NAME`` as a set, lower-cased."""
    return frozenset(e.lower() for e in data_lines(name))


@lru_cache(maxsize=None)
def marker_words(name: str) -> frozenset[str]:
    """:func:`data_words` of ``data/NAME``, each Chinese entry in both scripts.

    >>> {"電報", "电报", "維信"} <= marker_words("telegram_markers.txt") | marker_words("wechat_markers.txt")
    True
    """
    return both_scripts(data_words(name))


@lru_cache(maxsize=None)
def marker_lines(name: str) -> tuple[str, ...]:
    """:func:`data_lines` of ``data/NAME`` and the other script's spelling of each Chinese entry."""
    lines = data_lines(name)
    return lines + tuple(sorted(both_scripts(lines) - set(lines)))
