"""MISP export: the campaigns of a run as one MISP event (MISP's JSON format), built with PyMISP.

One event per run, so the whole finding is one import; each campaign is
marked by a tag ``cobweb:campaign="<id>"`` on everything that belongs to it.
Per campaign:

- an ``annotation`` object (type ``Executive Summary``) with the campaign's
  description: size, sites, score, first and last sighting and its evidence
  with strength, pages, sites and weight; it references each of the objects
  below (``describes``);
- one object per evidence artifact, from the templates PyMISP bundles:
  ``telegram-account`` (Telegram handles), ``phone-number``
  (WhatsApp and phone handles), ``user-account`` (e-mail, WeChat, QQ, LINE and
  other handles, ``account-type`` the platform), ``coin-address`` (wallets,
  ``symbol`` BTC, ETH or TRX), ``tracking-id`` (analytics and ad IDs),
  ``url`` (images, redirects, short, referral and invite links) and ``domain-ip``
  (out-link domains and image hosts); each attribute's comment says how
  strongly it ties the campaign (strength, pages, sites, weight); strong
  evidence is flagged ``to_ids``;
- a ``domain-ip`` object per site of the campaign;
- one ``url`` attribute per page of the campaign (not ``to_ids``: a page is
  where the evidence was seen, not an indicator by itself).

UUIDs are UUIDv5 of what they stand for (:data:`output.stix.NAMESPACE`), and
the event's date is ``campaigns.json``'s ``generated_at``, so exporting a run
twice gives the same file and MISP updates rather than duplicates. Objects
and attributes are written one at a time through
:func:`crawler.atomic.atomic_output`: a 100k-page run streams with bounded
memory.

>>> obj = artifact_object("wallet", "eth:0xabc", "c-1", "strong evidence")
>>> obj.name, [(a.object_relation, a.value) for a in obj.attributes]
('coin-address', [('address-crypto', '0xabc'), ('symbol', 'ETH')])
>>> artifact_object("handle", "telegram:esim1088", "c-1", "").name
'telegram-account'
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pymisp import MISPAttribute, MISPEvent, MISPObject

from crawler.atomic import atomic_output
from crawler.records import STRONG_KINDS
from output.campaigns import CampaignsDoc, campaign_list
from output.stix import NAMESPACE, invite_url
from output.text import one_line, xml_text

__all__ = [
    "write_misp",
    "misp_event_head",
    "artifact_object",
    "campaign_tag",
    "site_object",
    "site_objects",
    "page_attribute",
    "page_attributes",
]

_SYMBOLS = {"btc": "BTC", "eth": "ETH", "tron": "TRX"}
_URL_KINDS = frozenset({"image", "redirect", "link"})
_URL_ROLES = {"image": "image", "redirect": "redirect target", "link": "short or referral link",
              "invite": "invite link to a group or channel"}
_TRACKERS = {"ga": "Google Analytics", "ga4": "Google Analytics 4", "gtm": "Google Tag Manager",
             "gads": "Google Ads", "adsense": "Google AdSense", "baidu": "Baidu Tongji",
             "yandex": "Yandex Metrica", "fbpixel": "Facebook Pixel"}


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "misp" + chr(31) + chr(31).join(parts)))


def campaign_tag(cid: str) -> str:
    """The tag that marks a campaign's objects and attributes.

    >>> campaign_tag("c-1a2b3c4d")
    'cobweb:campaign="c-1a2b3c4d"'
    """
    return f'cobweb:campaign="{cid}"'


def _object(name: str, key: str) -> MISPObject:
    obj = MISPObject(name, standalone=False)
    obj.uuid = _uuid("object", key)
    return obj


def _add(obj: MISPObject, relation: str, value: str, *, comment: str = "", to_ids: bool = False,
         tag: str | None = None) -> None:
    attr = obj.add_attribute(relation, value=value, comment=comment or None, to_ids=to_ids,
                             uuid=_uuid(obj.uuid, relation, value))
    if tag and attr is not None:
        attr.add_tag(tag)


def artifact_object(kind: str, label: str, cid: str, comment: str) -> MISPObject | None:
    """The MISP object of one evidence artifact of campaign ``cid`` (``None`` if none fits)."""
    key = f"{cid}:{kind}:{label}"
    to_ids = kind in STRONG_KINDS
    tag = campaign_tag(cid)
    platform, _, value = label.partition(":")
    if kind in ("domain", "image_host"):
        obj = _object("domain-ip", key)
        _add(obj, "domain", label, comment=comment, tag=tag)
        _add(obj, "text", "image host" if kind == "image_host" else "out-link domain")
        return obj
    if kind in _URL_KINDS or kind == "invite":
        obj = _object("url", key)
        url = invite_url(label) if kind == "invite" else label
        _add(obj, "url", url, comment=comment, to_ids=to_ids, tag=tag)
        _add(obj, "text", _URL_ROLES[kind])
        return obj
    if not value:
        return None
    if kind == "handle" and platform == "telegram":
        obj = _object("telegram-account", key)
        _add(obj, "username", value, comment=comment, to_ids=to_ids, tag=tag)
        return obj
    if kind == "wallet":
        obj = _object("coin-address", key)
        relation = "address" if platform == "btc" else "address-crypto"
        _add(obj, relation, value, comment=comment, to_ids=to_ids, tag=tag)
        _add(obj, "symbol", _SYMBOLS.get(platform, platform.upper()))
        return obj
    if kind == "tracking_id":
        obj = _object("tracking-id", key)
        _add(obj, "id", value, comment=comment, to_ids=to_ids, tag=tag)
        _add(obj, "tracker", _TRACKERS.get(platform, platform))
        return obj
    if kind == "handle" and platform in ("whatsapp", "phone"):
        obj = _object("phone-number", key)
        _add(obj, "phone-number", "+" + value.lstrip("+"), comment=comment, to_ids=to_ids, tag=tag)
        _add(obj, "text", "WhatsApp" if platform == "whatsapp" else "phone")
        return obj
    if kind == "handle":
        obj = _object("user-account", key)
        if platform == "email":
            _add(obj, "email", value, comment=comment, to_ids=to_ids, tag=tag)
        _add(obj, "username", value, comment=comment, to_ids=to_ids and platform != "email", tag=tag)
        _add(obj, "account-type", platform)
        return obj
    return None


def _evidence_comment(ev: dict[str, Any]) -> str:
    return one_line(
        f"{ev.get('strength', '')} evidence: on {ev.get('pages', 0)} pages and"
        f" {ev.get('sites', 0)} sites of the campaign, weight {ev.get('weight', 0)}"
    )


def _summary(campaign: dict[str, Any]) -> str:
    lines = [
        f"Cobweb campaign {campaign['id']} ({campaign.get('label', '')}):"
        f" {campaign.get('size', len(campaign.get('pages', [])))} pages on"
        f" {len(campaign.get('domains', []))} sites, score {campaign.get('score', 0)},"
        f" tied by {campaign.get('tied_by', 'shared evidence')},"
        f" first seen {campaign.get('first_seen') or '?'}, last seen {campaign.get('last_seen') or '?'}.",
        "Evidence (strongest first):",
    ]
    lines += [f"- {ev.get('kind')} {ev.get('label')}: {_evidence_comment(ev)}"
              for ev in campaign.get("evidence", [])]
    return xml_text("\n".join(lines))


def site_object(cid: str, domain: str) -> MISPObject:
    """The ``domain-ip`` object of one site of campaign ``cid``."""
    obj = _object("domain-ip", f"{cid}:site:{domain}")
    _add(obj, "domain", domain, comment=f"a site of campaign {cid}", tag=campaign_tag(cid))
    return obj


def page_attribute(cid: str, url: str) -> MISPAttribute:
    """The ``url`` attribute of one page of campaign ``cid``."""
    attr = MISPAttribute()
    attr.from_dict(type="url", value=url, category="Network activity", to_ids=False,
                   comment=f"a page of campaign {cid}", uuid=_uuid("page", cid, url))
    attr.add_tag(campaign_tag(cid))
    return attr


def _dict(item: MISPObject | MISPAttribute) -> dict[str, Any]:
    return json.loads(item.to_json())


# A campaign may have thousands of pages and sites, and PyMISP takes about a millisecond to build
# one object or attribute: the first of each is built by PyMISP, the others are copies of it with
# their own value and UUIDs (the tests check that they equal what PyMISP builds).

def site_objects(cid: str, domains: list[str]) -> list[dict[str, Any]]:
    """:func:`site_object` of each domain, as dicts."""
    if not domains:
        return []
    template = _dict(site_object(cid, domains[0]))
    out = [template]
    for domain in domains[1:]:
        obj_uuid = _uuid("object", f"{cid}:site:{domain}")
        attr = {**template["Attribute"][0], "uuid": _uuid(obj_uuid, "domain", domain), "value": domain}
        out.append({**template, "uuid": obj_uuid, "Attribute": [attr]})
    return out


def page_attributes(cid: str, urls: list[str]) -> Iterator[dict[str, Any]]:
    """:func:`page_attribute` of each page, as dicts."""
    if not urls:
        return
    template = _dict(page_attribute(cid, urls[0]))
    yield template
    for url in urls[1:]:
        yield {**template, "uuid": _uuid("page", cid, url), "value": url}


def _campaign_objects(campaign: dict[str, Any]) -> Iterator[dict[str, Any]]:
    cid = xml_text(campaign["id"])
    members: list[MISPObject] = []
    for ev in campaign.get("evidence", []):
        obj = artifact_object(xml_text(ev.get("kind", "")), xml_text(ev.get("label", "")), cid,
                              _evidence_comment(ev))
        if obj is not None:
            members.append(obj)
    sites = site_objects(cid, [xml_text(d) for d in campaign.get("domains", [])])
    summary = _object("annotation", f"{cid}:summary")
    _add(summary, "text", _summary(campaign), tag=campaign_tag(cid))
    _add(summary, "type", "Executive Summary")
    _add(summary, "format", "text")
    for ref in [m.uuid for m in members] + [o["uuid"] for o in sites[:1]]:
        summary.add_reference(ref, "describes", uuid=_uuid("ref", summary.uuid, ref))
    doc = _dict(summary)
    if len(sites) > 1:
        template = doc["ObjectReference"][-1]
        doc["ObjectReference"] += [
            {**template, "uuid": _uuid("ref", summary.uuid, o["uuid"]), "referenced_uuid": o["uuid"]}
            for o in sites[1:]
        ]
    yield doc
    yield from (_dict(m) for m in members)
    yield from sites


def misp_event_head(campaigns: CampaignsDoc | None) -> MISPEvent:
    """The event without its objects and attributes: info, date, UUID and tags."""
    found = campaign_list(campaigns)
    generated = str((campaigns or {}).get("generated_at") or "")
    event = MISPEvent()
    event.uuid = _uuid("event", *(xml_text(c["id"]) for c in found))
    event.info = f"Cobweb: {len(found)} campaign(s) of coordinated spam and scam pages"
    try:
        event.date = dt.date.fromisoformat(generated[:10])
    except ValueError:
        event.date = dt.date(1970, 1, 1)
    event.analysis = 2  # completed: the analysis that found the campaigns has run
    event.threat_level_id = 3  # low
    event.distribution = 0  # your organisation only, until you decide otherwise
    event.add_tag("tlp:amber")
    event.add_tag("cobweb:export")
    for campaign in found:
        event.add_tag(campaign_tag(xml_text(campaign["id"])))
    return event


def write_misp(campaigns: CampaignsDoc | None, path: str | Path) -> Path:
    """Write the campaigns as one MISP event (``{"Event": {...}}``) to ``path``; return it."""
    path = Path(path)
    head = json.loads(misp_event_head(campaigns).to_json())
    with atomic_output(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"Event": ' + json.dumps(head, ensure_ascii=False)[:-1] + ', "Object": [\n')
        first = True
        for campaign in campaign_list(campaigns):
            for obj in _campaign_objects(campaign):
                out.write(("" if first else ",\n") + json.dumps(obj, ensure_ascii=False))
                first = False
        out.write('\n], "Attribute": [\n')
        first = True
        for campaign in campaign_list(campaigns):
            urls = [xml_text(u) for u in campaign.get("pages", [])]
            for attr in page_attributes(xml_text(campaign["id"]), urls):
                out.write(("" if first else ",\n") + json.dumps(attr, ensure_ascii=False))
                first = False
        out.write("\n]}}\n")
    return path
