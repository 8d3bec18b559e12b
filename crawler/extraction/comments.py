"""Links and tags inside HTML comments: commented-out markup of a page's template.

The parser drops comments, so a link or an analytics tag a template keeps
commented out (an old banner, a disabled ad block, a tag switched off) would be
lost; yet it ties the pages built from that template as well as a visible one.
Its artifacts are ``hidden`` and their source is ``comment``.

>>> comment_links('<p>x</p><!-- <a href="https://bit.ly/AbC1">a</a> '
...     '<img src=/b.png> --><a href="https://x.example/">', "http://a.example/p/")
['https://bit.ly/AbC1', 'http://a.example/b.png']
>>> comment_links("<!-- just words -->", "http://a.example/")
[]
>>> print(comment_text("a<!--gtag('config','G-8K2M4N6P9Q')-->b<!-- /nav --><!--<img src=x>"))
gtag('config','G-8K2M4N6P9Q')
<img src=x>
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator

from .page_urls import absolute_url

__all__ = ["comment_links", "comment_text", "MAX_COMMENT_CHARS"]

#: Comment text read per page, at most (a page of comments cannot slow extraction).
MAX_COMMENT_CHARS = 200_000

_REF_RE = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""", re.I)


def _bodies(html: str) -> Iterator[str]:
    """The comments' contents in page order, :data:`MAX_COMMENT_CHARS` in all at most."""
    start = html.find("<!--")
    budget = MAX_COMMENT_CHARS
    while start >= 0 and budget > 0:
        end = html.find("-->", start + 4)
        if end < 0:
            end = len(html)
        body = html[start + 4:min(end, start + 4 + budget)]
        budget -= len(body)
        yield body
        start = html.find("<!--", end + 3)


def comment_text(html: str) -> str:
    """The contents of the comments that hold markup or code, one per line (what
    tracking IDs are looked for in: a tag switched off is commented-out markup;
    a comment of words, ``<!-- /header -->``, is skipped)."""
    return "\n".join(b for b in _bodies(html) if "<" in b or "(" in b)


def comment_links(html: str, base: str) -> list[str]:
    """Absolute http(s) URLs of ``href``/``src`` attributes inside HTML comments."""
    out: list[str] = []
    for body in _bodies(html):
        if "=" in body:
            for m in _REF_RE.finditer(body):
                raw = html_lib.unescape(m.group(1) or m.group(2) or m.group(3) or "")
                url = absolute_url(base, raw) if raw else None
                if url and url.startswith(("http://", "https://")):
                    out.append(url)
    return out
