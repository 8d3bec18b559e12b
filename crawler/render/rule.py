"""The ``auto`` rule: does a page's static HTML suggest that scripts build or move it?

A pure function of the static HTML, its visible text and the keyword match;
``cobweb crawl --render auto`` renders exactly the pages it names a reason for.
The patterns live in ``data/auto_rule.json`` with their sources.

>>> render_reasons("<p>" + "plain words " * 80 + "</p>", "plain words " * 80, matched=False)
[]
>>> render_reasons("<p>esim</p>", "esim", matched=True)
['keyword_match']
>>> render_reasons("<body><script src=app.js></script></body>", "", matched=False)
['empty_body']
>>> html = "<p>Hi</p>" + "<script src=x.js></script>" * 5
>>> render_reasons(html, "Hi there, a short page about our shop and its opening hours", matched=False)
['little_text_many_scripts']
>>> render_reasons("<script>document.write(atob('PHA+'))</script>" + "<p>x</p>" * 9,
...                "words " * 100, matched=False)
['document_write', 'decoder_near_contact']
>>> render_reasons("<script>var h=String.fromCharCode(116,46,109,101);a.href=h</script>",
...                "words " * 100, matched=False)
['decoder_near_contact']
>>> render_reasons("<script>setTimeout(function(){location.href='/next'},2000)</script>",
...                "words " * 100, matched=False)
['timer_location']
>>> render_reasons("<script>setTimeout(function(){el.textContent='加微信：x_1'},1000)</script>",
...                "words " * 100, matched=False)
['timer_injection']
>>> render_reasons("<p>x</p>", "words " * 100, matched=False, mode="always")
['always']
>>> render_reasons("<p>x</p>", "", matched=True, mode="never")
[]
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

__all__ = ["RenderMode", "RenderReason", "RENDER_MODES", "RENDER_REASONS", "render_reasons",
           "inline_scripts"]

RenderMode = Literal["never", "auto", "always"]
RENDER_MODES: tuple[str, ...] = get_args(RenderMode)

#: Why a page was rendered (``cobweb/render/reason/<code>`` in the crawl stats).
RenderReason = Literal[
    "always",  # --render always
    "keyword_match",  # the static text matched a keyword: always rendered under auto
    "empty_body",  # scripts and (almost) no visible text
    "little_text_many_scripts",
    "document_write",
    "decoder_near_contact",  # eval/atob/fromCharCode/... near link or contact code
    "timer_location",  # a timer near a location change: a delayed JS redirect
    "timer_injection",  # a timer near a DOM write: content injected later
]
RENDER_REASONS: tuple[str, ...] = get_args(RenderReason)

_DATA = Path(__file__).with_name("data") / "auto_rule.json"
_SCRIPT_RE = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)
_SCRIPT_TAG_RE = re.compile(r"<script\b", re.I)


@lru_cache(maxsize=1)
def _rule() -> dict[str, Any]:
    return json.loads(_DATA.read_text(encoding="utf-8"))


def inline_scripts(html: str) -> str:
    """The text of the page's inline scripts, joined by newlines.

    >>> inline_scripts("<script>a()</script><p>b</p><SCRIPT type=x>c()</SCRIPT>")
    'a()\\nc()'
    """
    return "\n".join(m.group(1) for m in _SCRIPT_RE.finditer(html) if m.group(1).strip())


def _near(code: str, needles: list[str], markers: list[str], distance: int) -> bool:
    """Whether one of ``needles`` occurs within ``distance`` characters of a marker."""
    lowered = code.lower()
    for needle in needles:
        start = lowered.find(needle.lower())
        while start >= 0:
            window = lowered[max(0, start - distance): start + len(needle) + distance]
            if any(m.lower() in window for m in markers):
                return True
            start = lowered.find(needle.lower(), start + 1)
    return False


def render_reasons(html: str, text: str, *, matched: bool, mode: RenderMode = "auto") -> list[RenderReason]:
    """Why a page should be rendered in a browser; empty when it need not be.

    Parameters
    ----------
    html : str
        The page's static HTML as fetched.
    text : str
        Its visible text (:attr:`crawler.extraction.ParsedPage.text`).
    matched : bool
        Whether the static title or text matched a keyword.
    mode : {"never", "auto", "always"}
    """
    if mode == "never":
        return []
    if mode == "always":
        return ["always"]
    rule = _rule()
    reasons: list[RenderReason] = []
    if matched:
        reasons.append("keyword_match")
    scripts = len(_SCRIPT_TAG_RE.findall(html))
    chars = len(text.strip())
    if scripts and chars < rule["empty_text_chars"]:
        reasons.append("empty_body")
    elif scripts >= rule["many_scripts"] and chars < rule["little_text_chars"]:
        reasons.append("little_text_many_scripts")
    code = inline_scripts(html)
    if not code:
        return reasons
    if "document.write" in code:
        reasons.append("document_write")
    near = rule["near_chars"]
    if _near(code, rule["decoders"], rule["contact_markers"], near):
        reasons.append("decoder_near_contact")
    if _near(code, rule["timers"], rule["location_sinks"], near):
        reasons.append("timer_location")
    if _near(code, rule["timers"], rule["dom_sinks"], near):
        reasons.append("timer_injection")
    return reasons
