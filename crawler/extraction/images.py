"""Images: the exact absolute image URL, and the registered domain that serves it.

:func:`~crawler.extraction.page.parse_page` collects image URLs from ``src``,
``data-src``, ``srcset`` and CSS ``url()``; image URLs written out in text
(``https://i.postimg.cc/x.png``) are read here.

>>> [f.label for f in image_artifacts("https://i.postimg.cc/4Nq/a.png")]
['https://i.postimg.cc/4Nq/a.png', 'postimg.cc']
>>> [f.label for f in text_image_urls("图 https://i.postimg.cc/x/Snap-1.PNG） 与 http://a.example/b.html")]
['https://i.postimg.cc/x/Snap-1.PNG', 'postimg.cc']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .found import LINK, TEXT_LINK, Found, anchored, lowered
from .outlinks import site_of

__all__ = ["image_artifacts", "text_image_urls"]

_TEXT_IMAGE_RE = re.compile(
    r"https?://[a-z0-9.-]+(?::\d+)?/[^\s\"'<>()\[\]（）]*?\.(?:png|jpe?g|gif|webp|bmp|avif)"
    r"(?:\?[^\s\"'<>()\[\]（）]*)?(?![a-z0-9])",
    re.I,
)


def image_artifacts(url: str, confidence: float = LINK, pos: int = -1) -> Iterator[Found]:
    """An ``image`` artifact and its ``image_host``."""
    yield Found("image", url, confidence, pos)
    host = site_of(url)
    if host:
        yield Found("image_host", host, confidence, pos)


def text_image_urls(text: str, low: str | None = None) -> Iterator[Found]:
    """Image URLs written in prose (and markdown), with their hosts."""
    low = lowered(text) if low is None else low
    for m in anchored(_TEXT_IMAGE_RE, text, low, ("http",), 0, 1000):
        yield from image_artifacts(m.group(0), TEXT_LINK, m.start())
