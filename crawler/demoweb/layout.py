"""The HTML page template of the demo web.

Every page carries the common furniture of the real web that is no evidence
of anything: Google Fonts, a jQuery from a CDN, share buttons to Facebook,
X/Twitter and Telegram (``t.me/share/url``, which is not a handle).

>>> html = render_page("http://a.example.com/p.html", "标题", "<p>正文</p>", site_name="A")
>>> "fonts.googleapis.com" in html and "t.me/share/url" in html
True
>>> '<meta charset="utf-8">' in html
True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from crawler.demoweb.content import Article

__all__ = ["render_page", "article_html", "link_list"]

_FONTS = "https://fonts.googleapis.com/css2?family=Noto+Sans+SC:wght@400;700&amp;display=swap"
_JQUERY = "https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js"
_BLOGGER_CSS = "https://www.blogger.com/static/v1/widgets/2975416723-css_bundle_v2.css"
_BLOGGER_JS = "https://www.blogger.com/static/v1/widgets/1601900224-widgets.js"


_RELATED_HEADING = {"zh-CN": "相关阅读", "zh-HK": "相關閱讀"}


def _share_buttons(url: str) -> str:
    u = quote(url, safe="")
    return (
        '<div class="share">分享到：'
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={u}">Facebook</a> '
        f'<a href="https://twitter.com/intent/tweet?url={u}">X</a> '
        f'<a href="https://t.me/share/url?url={u}">Telegram</a></div>'
    )


def link_list(heading: str, links: Sequence[tuple[str, str]]) -> str:
    """A titled ``<ul>`` of ``(url, text)`` links; empty when there are none."""
    if not links:
        return ""
    items = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for u, t in links)
    return f'<aside><h3>{escape(heading)}</h3><ul>{items}</ul></aside>'


def article_html(article: Article) -> str:
    """An article's sections as headings and paragraphs."""
    parts = []
    for heading, para in article.sections:
        if heading:
            parts.append(f"<h2>{escape(heading)}</h2>")
        parts.append(f"<p>{escape(para)}</p>")
    return "\n".join(parts)


def render_page(url: str, title: str, body: str, *, site_name: str,
                related: Sequence[tuple[str, str]] = (), footer: Sequence[tuple[str, str]] = (),
                head_extra: str = "", lang: str = "zh-CN", meta_charset: str | None = "utf-8",
                blogger: bool = False, h1_extra: str = "") -> str:
    """One page of the demo web.

    ``body`` is trusted HTML; ``related`` and ``footer`` are ``(url, text)``
    links. ``meta_charset=None`` writes no charset declaration in the page.
    """
    origin = url.split("/", 3)
    home = "/".join(origin[:3]) + "/"
    head = [f'<meta charset="{meta_charset}">' if meta_charset else "",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)} - {escape(site_name)}</title>",
            '<link rel="preconnect" href="https://fonts.gstatic.com">',
            f'<link href="{_FONTS}" rel="stylesheet">',
            f'<script src="{_JQUERY}"></script>']
    if blogger:
        head += [f'<link rel="stylesheet" href="{_BLOGGER_CSS}">',
                 f'<script src="{_BLOGGER_JS}"></script>']
    if head_extra:
        head.append(head_extra)
    footer_html = " | ".join(f'<a href="{escape(u)}">{escape(t)}</a>' for u, t in footer)
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>", *[h for h in head if h], "</head>",
        "<body>",
        f'<header><a href="{escape(home)}">{escape(site_name)}</a></header>',
        f"<article><h1>{escape(title)}{h1_extra}</h1>",
        body,
        "</article>",
        link_list(_RELATED_HEADING.get(lang, "Related"), related),
        _share_buttons(url),
        f"<footer>{footer_html}<p>&copy; 2025 {escape(site_name)}</p></footer>",
        "</body>",
        "</html>",
    ])
