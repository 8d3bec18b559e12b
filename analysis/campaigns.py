"""The ``campaigns.json`` document: build, write, read and print it.

See ``docs/campaigns.md`` for the schema.

>>> campaign_id("handle", "telegram:esim1088")
'c-dd76df0b'
>>> print(format_table({"campaigns": [{"id": "c-dd76df0b", "label": "telegram:esim1088",
...     "size": 3, "domains": ["a.com", "b.com"], "score": 0.91, "core": ["x"] * 3,
...     "first_seen": "2026-11-01T00:00:00Z", "last_seen": ""}]}))
id          pages  core  sites  score  first seen  label
c-dd76df0b      3     3      2   0.91  2026-11-01  telegram:esim1088
"""

from __future__ import annotations

import hashlib
import json
import math
import logging
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from analysis.clustering import Clustering
from crawler.atomic import atomic_output
from analysis.evidence import Evidence
from analysis.infrastructure import shared_host
from analysis.table import CONTACT_KINDS, PageTable, distinct

__all__ = [
    "SCHEMA",
    "CAMPAIGNS_FILENAME",
    "campaign_id",
    "build_campaigns",
    "write_campaigns",
    "read_campaigns",
    "format_table",
    "page_campaigns",
    "add_cloaking",
    "page_cloaking",
]

logger = logging.getLogger(__name__)

SCHEMA = "cobweb.campaigns/1"
CAMPAIGNS_FILENAME = "campaigns.json"
#: At most this many mentions are listed per campaign.
MAX_MENTIONS = 100
#: Which strong kind names a campaign best, when evidence is otherwise equal.
_KIND_RANK = {k: i for i, k in enumerate(
    ("handle", "wallet", "invite", "link", "tracking_id", "redirect", "landing", "image", "image_host", "domain"))}


def campaign_id(kind: str, label: str, salt: str = "") -> str:
    """A campaign id derived from its anchor artifact (stable across runs)."""
    digest = hashlib.sha1(f"{kind}:{label}{salt}".encode()).hexdigest()
    return f"c-{digest[:8]}"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_campaigns(
    table: PageTable,
    evidence: Evidence,
    clustering: Clustering,
    *,
    parameters: dict[str, Any] | None = None,
    generated_at: str | None = None,
) -> dict[str, Any]:
    """The ``campaigns.json`` document of a clustered run.

    Parameters
    ----------
    table : PageTable
    evidence : Evidence
    clustering : Clustering
    parameters : dict, optional
        The analysis parameters, recorded as given.
    generated_at : str, optional
        ISO 8601 UTC time; now by default.

    Returns
    -------
    dict
    """
    n_art = table.n_artifacts
    camp = clustering.campaign
    in_camp = camp[table.pair_page] >= 0
    pp = table.pair_page[in_camp].astype(np.int64)
    pa = table.pair_art[in_camp].astype(np.int64)
    pc = camp[pp]
    key = pc * n_art + pa
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    shared = counts >= 2
    u_key, u_count = uniq[shared], counts[shared]
    u_camp, u_art = u_key // n_art, u_key % n_art
    # pages of each shared key that are core, and sites carrying it inside its campaign
    # (indexes into uniq: no overflow)
    core_n = np.bincount(inverse.reshape(-1)[clustering.core[pp]], minlength=uniq.size)[shared]
    n_sites = max(table.n_sites, 1)
    sk = distinct(inverse.reshape(-1).astype(np.int64) * n_sites + table.page_site[pp])
    site_n = np.bincount(sk // n_sites, minlength=uniq.size)[shared]

    labels = table.artifact_labels(distinct(u_art)) if u_art.size else {}
    members = np.flatnonzero(camp >= 0)
    members = members[np.argsort(camp[members], kind="stable")]  # by campaign, then row
    member_bounds = np.searchsorted(camp[members], np.arange(clustering.n_campaigns + 1)).tolist()
    member_urls, member_times = (list(v) for v in zip(*table.page_urls_times(members))) \
        if members.size else ([], [])
    is_core = clustering.core[members].tolist()
    key_bounds = np.searchsorted(u_camp, np.arange(clustering.n_campaigns + 1)).tolist()
    # per shared key, as lists: numpy scalars are slow to index one by one
    arts_l, count_l, core_l, site_l = u_art.tolist(), u_count.tolist(), core_n.tolist(), site_n.tolist()
    ubiq_l, tie_l = evidence.ubiquitous[u_art].tolist(), evidence.tie[u_art].tolist()
    idf_l, art_pages_l = evidence.idf[u_art].tolist(), evidence.pages[u_art].tolist()
    run_sites_l = evidence.sites[u_art].tolist()
    member_sites, sites = table.page_site[members].tolist(), table.sites

    campaigns = []
    used_ids: set[str] = set()
    owner: dict[int, int] = {}  # strong evidence artifact -> campaign index
    for c in range(clustering.n_campaigns):
        lo, hi = member_bounds[c], member_bounds[c + 1]
        size = hi - lo
        evidence_items = []
        by_kind: dict[str, list[str]] = defaultdict(list)
        score_mass = 0.0
        for i in range(key_bounds[c], key_bounds[c + 1]):
            a, n_pages = arts_l[i], count_l[i]
            kind, label = labels[a]
            by_kind[kind].append(label)
            if ubiq_l[i]:
                continue
            strong = tie_l[i]
            n_core, weight = core_l[i], idf_l[i]
            evidence_items.append((
                (0 if strong else 1, -n_core, -n_pages, -weight, _KIND_RANK.get(kind, 9), kind, label),
                {
                    "kind": kind,
                    "label": label,
                    "strength": "strong" if strong else "weak",
                    "pages": n_pages,
                    "core_pages": n_core,
                    "sites": site_l[i],
                    "sites_in_run": run_sites_l[i],
                    "weight": round(weight, 3),
                },
            ))
            if strong:
                n_sites_here = max(site_l[i], 1)
                score_mass += n_pages / size * (1 - 1 / n_sites_here)
                if n_pages * 2 >= art_pages_l[i]:
                    owner.setdefault(a, c)
        evidence_items.sort(key=lambda t: t[0])
        ev_list = [item for _, item in evidence_items]
        anchor = ev_list[0] if ev_list else {"kind": "page", "label": ""}
        urls = sorted(member_urls[lo:hi])
        cid = campaign_id(anchor["kind"], anchor["label"])
        if cid in used_ids:
            cid = campaign_id(anchor["kind"], anchor["label"], salt=urls[0])
        used_ids.add(cid)
        times = sorted(t for t in member_times[lo:hi] if t)
        campaigns.append({
            "id": cid,
            "label": anchor["label"] or urls[0],
            "score": round(1.0 - math.exp(-score_mass), 3),
            "size": size,
            "first_seen": times[0] if times else "",
            "last_seen": times[-1] if times else "",
            "pages": urls,
            "core": sorted(u for u, core in zip(member_urls[lo:hi], is_core[lo:hi]) if core),
            "domains": sorted({sites[s] for s in member_sites[lo:hi]}),
            "artifacts": {k: sorted(v) for k, v in sorted(by_kind.items())},
            "evidence": ev_list,
            "tied_by": _tied_by(ev_list),
            "mentions": [],
        })

    _add_mentions(table, clustering, owner, campaigns)
    ubiquitous = np.flatnonzero(evidence.ubiquitous)
    ub_labels = table.artifact_labels(ubiquitous) if ubiquitous.size else {}
    ub = sorted(
        ({"kind": ub_labels[a][0], "label": ub_labels[a][1], "pages": int(evidence.pages[a]),
          "sites": int(evidence.sites[a])} for a in ubiquitous.tolist()),
        key=lambda d: (-d["sites"], d["kind"], d["label"]),
    )
    campaigns.sort(key=lambda d: (-d["size"], d["id"]))
    set_aside = _set_aside(table, evidence)
    return {
        "schema": SCHEMA,
        "generated_at": generated_at or _now(),
        "parameters": dict(parameters or {}),
        "totals": {
            "pages": table.n_pages,
            "sites": table.n_sites,
            "artifacts": table.n_artifacts,
            "campaigns": len(campaigns),
        },
        "ubiquitous": ub,
        "set_aside": set_aside,
        "campaigns": campaigns,
    }


def _tied_by(evidence_items: list[dict]) -> str:
    """What ties a campaign: ``contacts`` (handles, invites, wallets, short or
    referral links), else ``tracking`` (shared analytics or ad IDs: one owner's
    network of sites, such as a newspaper chain), else ``assets`` (images,
    redirects, landing pages), else ``weak``."""
    kinds = {e["kind"] for e in evidence_items if e["strength"] == "strong"}
    if kinds & CONTACT_KINDS:
        return "contacts"
    if "tracking_id" in kinds:
        return "tracking"
    return "assets" if kinds else "weak"


def _set_aside(table: PageTable, evidence: Evidence) -> list[dict[str, Any]]:
    """Strong artifacts on two pages or more that never tie: why, and whose."""
    cols = np.flatnonzero(evidence.strong & (evidence.pages >= 2) & (evidence.ubiquitous | evidence.platform))
    labels = table.artifact_labels(cols) if cols.size else {}
    out = []
    for a in cols.tolist():
        kind, label = labels[a]
        out.append({
            "kind": kind, "label": label, "pages": int(evidence.pages[a]), "sites": int(evidence.sites[a]),
            "reason": "platform" if evidence.platform[a] else "ubiquitous",
            "vendor": shared_host(label) if evidence.vendor[a] else None,
        })
    out.sort(key=lambda d: (d["reason"], -d["sites"], -d["pages"], d["kind"], d["label"]))
    return out


def _add_mentions(
    table: PageTable, clustering: Clustering, owner: dict[int, int], campaigns: list[dict]
) -> None:
    """Pages outside a campaign carrying its strong evidence (warnings, quotes)."""
    if not owner:
        return
    owner_of = np.full(table.n_artifacts, -1, dtype=np.int64)  # a gather, not a search per pair
    owner_of[np.fromiter(owner, dtype=np.int64)] = np.fromiter(owner.values(), dtype=np.int64)
    target = owner_of[table.pair_art]
    hit = target >= 0
    rows = table.pair_page[hit].astype(np.int64)
    target = target[hit]
    outside = clustering.campaign[rows] != target
    found: dict[int, set[int]] = defaultdict(set)
    for r, c in zip(rows[outside].tolist(), target[outside].tolist()):
        if len(found[c]) < MAX_MENTIONS:
            found[c].add(r)
    if not found:
        return
    summaries = table.page_summaries({r for rs in found.values() for r in rs})
    for c, rs in found.items():
        campaigns[c]["mentions"] = sorted(summaries[r][0] for r in rs)


def write_campaigns(doc: dict[str, Any], path: str | Path) -> Path:
    """Write the document atomically (temporary file, fsync, then rename)."""
    path = Path(path)
    with atomic_output(path, "wb") as fh:  # orjson: json's indenting encoder is pure Python
        fh.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
                              | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY))
    return path


def read_campaigns(path: str | Path) -> dict[str, Any]:
    """Read a ``campaigns.json`` document, checking its schema."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a {SCHEMA} document")
    return doc


def page_campaigns(doc: dict[str, Any]) -> dict[str, str]:
    """``{page url: campaign id}`` for every campaign page of a document."""
    return {url: c["id"] for c in doc.get("campaigns", []) for url in c["pages"]}


def format_table(doc: dict[str, Any], *, limit: int | None = None) -> str:
    """A plain-text table of a document's campaigns, one line each."""
    head = f"{'id':<10}  {'pages':>5}  {'core':>4}  {'sites':>5}  {'score':>5}  {'first seen':<10}  label"
    lines = [head]
    camps = doc.get("campaigns", [])
    for c in camps[:limit]:
        lines.append(
            f"{c['id']:<10}  {c['size']:>5}  {len(c.get('core', [])):>4}  {len(c['domains']):>5}"
            f"  {c['score']:>5.2f}  {(c.get('first_seen') or '-')[:10]:<10}  {c['label']}"
            + _cloaking_note(c)
        )
    if limit is not None and len(camps) > limit:
        lines.append(f"... and {len(camps) - limit} more")
    return "\n".join(lines)


# --- cloaking findings (issue 12) ---------------------------------------------------
def add_cloaking(doc: dict[str, Any], findings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``doc`` with the run's ``cloaking`` findings: a top-level list, and per campaign
    the pages that cloak and the views that saw something else (``doc`` is not changed).

    >>> doc = {"campaigns": [{"id": "c-1", "pages": ["http://a.com/", "http://b.com/"]}]}
    >>> out = add_cloaking(doc, {"http://a.com/": {"views": ["phone"], "differs": ["contacts"]},
    ...                          "http://z.com/": {"views": ["search"], "differs": ["final_url"]}})
    >>> out["campaigns"][0]["cloaking"]
    {'pages': ['http://a.com/'], 'views': ['phone']}
    >>> [(f["page"], f["campaign"]) for f in out["findings"]["cloaking"]]
    [('http://a.com/', 'c-1'), ('http://z.com/', None)]
    >>> "cloaking" in doc["campaigns"][0]
    False
    """
    membership = page_campaigns(doc)
    campaigns = []
    for c in doc.get("campaigns", []):
        cloaked = sorted(u for u in c["pages"] if u in findings)
        views = sorted({v for u in cloaked for v in findings[u].get("views", [])})
        campaigns.append({**c, "cloaking": {"pages": cloaked, "views": views}} if cloaked else c)
    listed = [{"page": url, "campaign": membership.get(url), **finding}
              for url, finding in sorted(findings.items())]
    return {**doc, "campaigns": campaigns, "findings": {**doc.get("findings", {}), "cloaking": listed}}


def _cloaking_note(campaign: dict[str, Any]) -> str:
    """`` [cloaking: N pages to VIEWS]`` for a campaign whose pages cloak, else "".

    >>> _cloaking_note({"cloaking": {"pages": ["u"], "views": ["phone", "search"]}})
    ' [cloaking: 1 pages to phone, search]'
    """
    cloaking = campaign.get("cloaking")
    if not cloaking:
        return ""
    return f" [cloaking: {len(cloaking['pages'])} pages to {', '.join(cloaking['views'])}]"


def page_cloaking(doc: dict[str, Any] | None) -> dict[str, list[str]]:
    """``{page url: views}`` of every page with a ``cloaking`` finding in a document.

    >>> page_cloaking({"findings": {"cloaking": [{"page": "http://a.com/", "views": ["phone"]}]}})
    {'http://a.com/': ['phone']}
    >>> page_cloaking(None), page_cloaking({})
    ({}, {})
    """
    found = ((doc or {}).get("findings") or {}).get("cloaking") or []
    return {str(f["page"]): [str(v) for v in f.get("views", [])]
            for f in found if isinstance(f, dict) and f.get("page")}
