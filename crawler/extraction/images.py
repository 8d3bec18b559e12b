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

from ..domains import registered_domain
from .found import LINK, TEXT_LINK, Found

__all__ = ["image_artifacts", "text_image_urls"]

_TEXT_IMAGE_RE = re.compile(
    r"https?://[a-z0-9.-]+(?::\d+)?/[^\s\"'<>()\[\]（）]*?\.(?:png|jpe?g|gif|webp|bmp|avif)"
    r"(?:\?[^\s\"'<>()\[\]（）]*)?(?![a-z0-9])",
    re.I,
)


def image_artifacts(url: str, confidence: float = LINK) -> Iterator[Found]:
    """An ``image`` artifact and its ``image_host``."""
    yield Found("image", url, confidence)
    host = registered_domain(url)
    if host:
        yield Found("image_host", host, confidence)


def text_image_urls(text: str) -> Iterator[Found]:
    """Image URLs written in prose (and markdown), with their hosts."""
    if "http" not in text:
        return
    for m in _TEXT_IMAGE_RE.finditer(text):
        yield from image_artifacts(m.group(0), TEXT_LINK)
