"""Score a run against a real-web corpus's truth (``truth.json``), as pure functions.

A corpus folder holds ``pages.jsonl`` (the ``cobweb import`` format) and
``truth.json``: ``pages`` (per URL: ``family`` or null, ``artifacts`` as
``{"type", "value"}``, ``neutral`` values) and ``families``. See
``../shared/real-web/README.md``.

Truth types map to Cobweb's ``(kind, label)``; values are compared in one
normal form (:func:`truth_key`, :func:`cobweb_key`), so ``+1 (844) 842-6880``
and ``phone:18448426880`` are the same phone. Neutral values count neither
way, whatever Cobweb calls them.

>>> truth_key("telegram", "ChineseSearchService")
('telegram', 'chinesesearchservice')
>>> cobweb_key("handle", "phone:18448426880")
('phone', '18448426880')
>>> truth_key("phone", "+1 (844) 842-6880")
('phone', '18448426880')
>>> cobweb_key("link", "https://bit.ly/33z7KkN"), truth_key("shortlink", "bit.ly/33z7KkN")
(('shortlink', 'bit.ly/33z7KkN'), ('shortlink', 'bit.ly/33z7KkN'))
>>> cobweb_key("link", "https://okx.com/join/12345678")
('referral', 'okx.com/join/12345678')
>>> cobweb_key("image", "https://a.example/x.png") is None
True
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "TYPE_OF_TRACKING",
    "UNSCORED",
    "truth_key",
    "cobweb_key",
    "ArtifactScore",
    "FamilyScore",
    "RealWebScore",
    "load_truth",
    "apply_disputes",
    "score_run",
]

#: Cobweb's tracking-ID prefixes and the truth's type names.
TYPE_OF_TRACKING = {
    "ga": "ga_ua", "ga4": "ga4", "gtm": "gtm", "adsense": "adsense", "fbpixel": "fbpixel",
    "yandex": "yandex", "baidu": "baidu", "gads": "gads",
    **dict.fromkeys(("tawk", "tidio", "jivo", "crisp", "livechat", "zendesk", "smartsupp", "hubspot"), "chat_widget"),
}
#: Types Cobweb extracts that the truth does not list as artifacts (referral codes and
#: chat widgets are only named in a family's ``also_shared``): reported, never scored.
UNSCORED = frozenset({"referral", "chat_widget"})
#: Types whose values are case-insensitive.
_FOLD = frozenset({"telegram", "email", "wechat", "line", "eth", "twitter", "instagram", "yandex", "qq"})


def _norm(kind: str, value: str) -> str:
    value = value.strip()
    if kind in ("phone", "whatsapp"):
        return re.sub(r"\D", "", value)
    if kind == "shortlink":
        value = re.sub(r"^[a-z]+://", "", value, flags=re.I).rstrip("/")
        host, _, rest = value.partition("/")
        return host.lower().removeprefix("www.") + ("/" + rest if rest else "")
    if kind in _FOLD:
        return value.lower()
    return value


def truth_key(kind: str, value: str) -> tuple[str, str]:
    """The normal form of a truth artifact."""
    return kind, _norm(kind, value)


def cobweb_key(kind: str, label: str) -> tuple[str, str] | None:
    """The normal form of a Cobweb artifact, or None for kinds the truth does not list."""
    if kind == "handle":
        platform, _, value = label.partition(":")
        return platform, _norm(platform, value)
    if kind == "tracking_id":
        prefix, _, value = label.partition(":")
        t = TYPE_OF_TRACKING.get(prefix, prefix)
        return t, _norm(t, value)
    if kind == "wallet":
        coin, _, value = label.partition(":")
        return coin, _norm(coin, value)
    if kind == "link":
        from crawler.extraction.links import SHORTENERS

        host = label.split("/", 3)[2] if label.count("/") >= 2 else ""
        return ("shortlink" if host in SHORTENERS else "referral"), _norm("shortlink", label)
    return None


def _neutral_forms(value: str) -> set[str]:
    forms = {value.strip(), value.strip().lower(), re.sub(r"\D", "", value)}
    return {f for f in forms if f}


@dataclass
class ArtifactScore:
    """Recall and precision of one artifact type over the corpus."""

    type: str
    truth: int = 0
    hits: int = 0
    found: int = 0  # Cobweb's non-neutral values
    misses: list[tuple[str, str]] = field(default_factory=list)  # (url, value)
    false: list[tuple[str, str]] = field(default_factory=list)
    unscored: list[tuple[str, str]] = field(default_factory=list)  # types in UNSCORED

    @property
    def recall(self) -> float:
        return self.hits / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        scored = self.found - len(self.unscored)
        return (scored - len(self.false)) / scored if scored else 1.0


@dataclass
class FamilyScore:
    name: str
    pages: int
    campaign: str | None  # the campaign holding most of its pages
    in_campaign: int
    campaign_size: int

    @property
    def share(self) -> float:
        return self.in_campaign / self.pages if self.pages else 0.0

    @property
    def purity(self) -> float:
        return self.in_campaign / self.campaign_size if self.campaign_size else 0.0


@dataclass
class RealWebScore:
    artifacts: dict[str, ArtifactScore]
    families: list[FamilyScore]
    benign_in_campaigns: list[tuple[str, str]]  # (url, campaign id)
    campaigns_without_family: list[str]
    missing_pages: list[str]  # truth pages absent from the run


def load_truth(corpus: str | Path) -> dict[str, Any]:
    """``truth.json`` of a corpus folder."""
    return json.loads((Path(corpus) / "truth.json").read_text(encoding="utf-8"))


def apply_disputes(truth: dict[str, Any], disputes: list[dict[str, str]]) -> dict[str, Any]:
    """The truth with disputed values corrected (a new dict; ``truth`` is not changed).

    Each dispute names a page ``url``, a ``type`` and ``value``, and ``truth``:
    ``"missing"`` (the value is on the page and the truth left it out) or
    ``"wrong"`` (the truth lists it, and it is not that artifact: it becomes
    neutral), with ``why``.

    >>> t = {"pages": [{"url": "u", "artifacts": [{"type": "qq", "value": "1"}], "neutral": []}]}
    >>> d = [{"url": "u", "type": "qq", "value": "1", "truth": "wrong", "why": "-"},
    ...      {"url": "u", "type": "shortlink", "value": "bit.ly/x", "truth": "missing", "why": "-"}]
    >>> apply_disputes(t, d)["pages"][0]
    {'url': 'u', 'artifacts': [{'type': 'shortlink', 'value': 'bit.ly/x'}], 'neutral': ['1']}
    """
    pages = {p["url"]: {**p, "artifacts": list(p["artifacts"]), "neutral": list(p.get("neutral", []))}
             for p in truth["pages"]}
    for d in disputes:
        page = pages[d["url"]]
        item = {"type": d["type"], "value": d["value"]}
        if d["truth"] == "missing":
            page["artifacts"].append(item)
        elif d["truth"] == "wrong":
            page["artifacts"] = [a for a in page["artifacts"] if a != item]
            page["neutral"].append(d["value"])
        else:
            raise ValueError(f"dispute of {d['url']}: truth must be 'missing' or 'wrong'")
    return {**truth, "pages": [pages[p["url"]] for p in truth["pages"]]}


def score_run(
    truth: dict[str, Any],
    found: dict[str, list[tuple[str, str]]],
    campaigns: dict[str, Any],
    canonical=lambda url: url,
) -> RealWebScore:
    """Compare a run's artifacts and campaigns with the truth.

    Parameters
    ----------
    truth : dict
        ``truth.json``.
    found : dict
        Per page URL (as stored), Cobweb's ``(kind, label)`` pairs.
    campaigns : dict
        The ``campaigns.json`` document.
    canonical : callable
        Maps a truth URL to the URL the store keeps.

    Returns
    -------
    RealWebScore
    """
    scores: dict[str, ArtifactScore] = {}

    def score(t: str) -> ArtifactScore:
        return scores.setdefault(t, ArtifactScore(t))

    missing: list[str] = []
    for page in truth["pages"]:
        url = canonical(page["url"])
        if url not in found:
            missing.append(page["url"])
            continue
        want = {truth_key(a["type"], a["value"]) for a in page["artifacts"]}
        neutral = set().union(*(_neutral_forms(v) for v in page.get("neutral", []))) if page.get("neutral") else set()
        got = {k for k in (cobweb_key(kind, label) for kind, label in found[url]) if k is not None}
        for t, v in sorted(want):
            s = score(t)
            s.truth += 1
            if (t, v) in got:
                s.hits += 1
            else:
                s.misses.append((page["url"], v))
        for t, v in sorted(got - want):
            if v in neutral or v.lower() in neutral:
                continue
            if t in UNSCORED:
                score(t).found += 1
                score(t).unscored.append((page["url"], v))
                continue
            s = score(t)
            s.found += 1
            s.false.append((page["url"], v))
        for t, v in got & want:
            score(t).found += 1

    camp_of = {}
    sizes = {}
    for c in campaigns.get("campaigns", []):
        sizes[c["id"]] = c["size"]
        for u in c["pages"]:
            camp_of[u] = c["id"]
    family_pages: dict[str, list[str]] = defaultdict(list)
    benign: list[tuple[str, str]] = []
    with_family: set[str] = set()
    for page in truth["pages"]:
        url = canonical(page["url"])
        cid = camp_of.get(url)
        if page.get("family"):
            family_pages[page["family"]].append(url)
            if cid:
                with_family.add(cid)
        elif cid:
            benign.append((page["url"], cid))
    families = []
    for name in sorted(set(truth.get("families", {})) | set(family_pages)):
        urls = family_pages.get(name, [])
        counts = Counter(camp_of[u] for u in urls if u in camp_of)
        if counts:
            cid, n = counts.most_common(1)[0]
            families.append(FamilyScore(name, len(urls), cid, n, sizes[cid]))
        else:
            families.append(FamilyScore(name, len(urls), None, 0, 0))
    orphans = sorted(set(sizes) - with_family)
    return RealWebScore(scores, families, benign, orphans, missing)
