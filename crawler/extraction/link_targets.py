"""What a resolved short link adds to the pages that carry it.

A campaign hides its contact or landing page behind a short link
(``bit.ly/x`` -> ``t.me/operator``) and rotates short links while the target
stays. When the crawler resolves a short link (one request, redirect not
followed), every page carrying it gains the target as a ``redirect`` artifact
and whatever a link to the target would give (a handle, an invite, a referral
link, the target's domain), with source ``header``: they came from the
shortener's ``Location``.

>>> for a in target_artifacts("https://t.me/esim1088"): print(a.kind, a.label, a.source)
redirect https://t.me/esim1088 header
domain t.me header
handle telegram:esim1088 header
>>> [a.label for a in target_artifacts("https://www.okx.com/join/39154880")]
['https://www.okx.com/join/39154880', 'okx.com', 'https://okx.com/join/39154880']
>>> target_artifacts("data:text/html,x"), target_artifacts("")
([], [])
"""

from __future__ import annotations

import html as html_lib
from functools import lru_cache

from ..records import Artifact
from .artifacts import extract_artifacts
from .redirects import is_redirect_target

__all__ = ["target_artifacts", "RESOLVER_PAGE"]

#: The page a target is read as linked from: on no site, so nothing is the page's own.
RESOLVER_PAGE = "http://short-link.invalid/"


@lru_cache(maxsize=4096)
def _target_artifacts(target: str) -> tuple[Artifact, ...]:
    found = extract_artifacts(f'<a href="{html_lib.escape(target)}">x</a>', RESOLVER_PAGE)
    out = [Artifact("redirect", target, "header", 1.0, False)]
    out += [Artifact(a.kind, a.label, "header", a.confidence, False) for a in found if a.kind != "redirect"]
    return tuple(out)


def target_artifacts(target: str) -> list[Artifact]:
    """The artifacts a page gains when a short link on it resolves to ``target``."""
    if not target or not is_redirect_target(target):
        return []
    return list(_target_artifacts(target))
