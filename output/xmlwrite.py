"""Small helpers shared by the XML writers (GEXF, GraphML): escaping, typed values, batching.

>>> attr_escape('say "hi" <b>&\\tgo')
'say &quot;hi&quot; &lt;b&gt;&amp;&#9;go'
>>> format_value(True, "boolean"), format_value(2, "double"), format_value("a\\x00b", "string")
('true', '2.0', 'ab')
>>> format_value(float("nan"), "double"), format_value(float("-inf"), "double")
('NaN', '-INF')
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from crawler.atomic import atomic_output
from output.text import xml_text

__all__ = ["attr_escape", "format_value", "write_batched", "text_output"]


def attr_escape(text: str) -> str:
    """Escape text for a double-quoted XML attribute or element text, keeping tabs and newlines."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def format_value(value: object, typ: str) -> str:
    """An attribute value as escaped XML text for its declared type."""
    if typ == "boolean":
        return "true" if value else "false"
    if typ == "double":
        number = float(value)  # type: ignore[arg-type]
        if math.isfinite(number):
            return repr(number)
        return "NaN" if math.isnan(number) else ("INF" if number > 0 else "-INF")
    if typ in ("integer", "long"):
        return str(int(value))  # type: ignore[call-overload]
    return attr_escape(xml_text(value))


def write_batched(out: TextIO, lines: Iterable[str], batch: int = 2048) -> None:
    """Write lines in batches: fewer write calls, bounded memory."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= batch:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))


@contextlib.contextmanager
def text_output(path: str | Path | TextIO) -> Iterator[TextIO]:
    """A UTF-8 text file written atomically at ``path``, or ``path`` itself if already open."""
    if isinstance(path, (str, Path)):
        with atomic_output(path, "w", encoding="utf-8", newline="\n") as out:
            yield out
    else:
        yield path
