"""The rendering lines of the end-of-crawl summary, from the crawl stats.

>>> stats = {"cobweb/render/mode": "auto", "cobweb/render/rendered": 3,
...          "cobweb/render/reason/keyword_match": 2, "cobweb/render/reason/timer_location": 1,
...          "cobweb/render/seconds_total": 1.5, "cobweb/render/js_redirects": 1,
...          "cobweb/render/cloaking": 1, "cobweb/render/refused/forbidden_address": 4}
>>> print(format_render_summary(render_summary(stats)))
rendered 3 pages, 0.50 s each (keyword_match 2, timer_location 1); 1 JS redirects; 1 cloaking pages; browser requests refused: forbidden_address 4
>>> print(format_render_summary(render_summary({"cobweb/render/mode": "never",
...     "cobweb/render/unseen_pages": 2, "cobweb/render/unseen/document_write": 2})))
not rendered (--render never): 2 pages look script-built and were read as static HTML (document_write 2)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["render_summary", "format_render_summary"]


def _by_prefix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


def render_summary(stats: Mapping[str, Any]) -> dict[str, Any]:
    """What rendering did in a crawl (the ``render`` key of the crawl summary)."""
    rendered = int(stats.get("cobweb/render/rendered", 0))
    seconds = float(stats.get("cobweb/render/seconds_total", 0.0))
    return {
        "mode": stats.get("cobweb/render/mode", "never"),
        "off_reason": stats.get("cobweb/render/off_reason", ""),
        "rendered": rendered,
        "seconds_per_page": seconds / rendered if rendered else 0.0,
        "by_reason": _by_prefix(stats, "cobweb/render/reason/"),
        "failed": int(stats.get("cobweb/render/failed", 0)),
        "js_redirects": int(stats.get("cobweb/render/js_redirects", 0)),
        "views": int(stats.get("cobweb/render/views", 0)),
        # wall seconds from a matched page's rendering to its last view, per such page
        "seconds_per_page_with_views": (float(stats.get("cobweb/render/with_views_seconds_total", 0.0))
                                        / max(int(stats.get("cobweb/render/with_views", 0)), 1)),
        "cloaking_pages": int(stats.get("cobweb/render/cloaking", 0)),
        "refused": _by_prefix(stats, "cobweb/render/refused/"),
        "unseen_pages": int(stats.get("cobweb/render/unseen_pages", 0)),
        "unseen_by_reason": _by_prefix(stats, "cobweb/render/unseen/"),
        "browser_restarts": int(stats.get("cobweb/render/browser_restarts", 0)),
    }


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def format_render_summary(render: Mapping[str, Any]) -> str:
    """One line (two when rendering was switched off) for ``cobweb crawl``'s summary."""
    lines = []
    if render.get("off_reason"):
        lines.append(render["off_reason"])
    if render["mode"] == "never":
        if render["unseen_pages"]:
            lines.append(f"not rendered (--render never): {render['unseen_pages']} pages look"
                         f" script-built and were read as static HTML ({_counts(render['unseen_by_reason'])})")
        else:
            lines.append("not rendered (--render never)")
        return "\n".join(lines)
    parts = [f"rendered {render['rendered']} pages, {render['seconds_per_page']:.2f} s each"
             + (f" ({_counts(render['by_reason'])})" if render["by_reason"] else "")]
    if render["failed"]:
        parts.append(f"{render['failed']} renderings failed")
    if render["js_redirects"]:
        parts.append(f"{render['js_redirects']} JS redirects")
    if render["cloaking_pages"]:
        parts.append(f"{render['cloaking_pages']} cloaking pages")
    if render["refused"]:
        parts.append(f"browser requests refused: {_counts(render['refused'])}")
    lines.append("; ".join(parts))
    return "\n".join(lines)
