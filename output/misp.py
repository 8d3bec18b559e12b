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

__all__ = ["write_misp", "misp_event_head", "artifact_object", "campaign_tag"]

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


def _campaign_objects(campaign: dict[str, Any]) -> Iterator[MISPObject]:
    cid = xml_text(campaign["id"])
    tag = campaign_tag(cid)
    members: list[MISPObject] = []
    for ev in campaign.get("evidence", []):
        obj = artifact_object(xml_text(ev.get("kind", "")), xml_text(ev.get("label", "")), cid,
                              _evidence_comment(ev))
        if obj is not None:
            members.append(obj)
    for domain in campaign.get("domains", []):
        obj = _object("domain-ip", f"{cid}:site:{domain}")
        _add(obj, "domain", xml_text(domain), comment=f"a site of campaign {cid}", tag=tag)
        members.append(obj)
    summary = _object("annotation", f"{cid}:summary")
    _add(summary, "text", _summary(campaign), tag=tag)
    _add(summary, "type", "Executive Summary")
    _add(summary, "format", "text")
    for obj in members:
        summary.add_reference(obj.uuid, "describes", uuid=_uuid("ref", summary.uuid, obj.uuid))
    yield summary
    yield from members


def _page_attributes(campaign: dict[str, Any]) -> Iterator[MISPAttribute]:
    cid = xml_text(campaign["id"])
    for url in campaign.get("pages", []):
        attr = MISPAttribute()
        attr.from_dict(type="url", value=xml_text(url), category="Network activity",
                       to_ids=False, comment=f"a page of campaign {cid}",
                       uuid=_uuid("page", cid, xml_text(url)))
        attr.add_tag(campaign_tag(cid))
        yield attr


def misp_event_head(campaigns: CampaignsDoc | None) -> MISPEvent:
    """The event without its objects and attributes: info, date, UUID and tags."""
    found = campaign_list(campaigns)
    generated = str((campaigns or {}).get("generated_at") or "")
    event = MISPEvent()
    event.uuid = _uuid("event", *(str(c["id"]) for c in found))
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


def _json(item: MISPObject | MISPAttribute) -> str:
    return item.to_json()


def write_misp(campaigns: CampaignsDoc | None, path: str | Path) -> Path:
    """Write the campaigns as one MISP event (``{"Event": {...}}``) to ``path``; return it."""
    path = Path(path)
    head = json.loads(misp_event_head(campaigns).to_json())
    with atomic_output(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"Event": ' + json.dumps(head, ensure_ascii=False)[:-1] + ', "Object": [\n')
        first = True
        for campaign in campaign_list(campaigns):
            for obj in _campaign_objects(campaign):
                out.write(("" if first else ",\n") + _json(obj))
                first = False
        out.write('\n], "Attribute": [\n')
        first = True
        for campaign in campaign_list(campaigns):
            for attr in _page_attributes(campaign):
                out.write(("" if first else ",\n") + _json(attr))
                first = False
        out.write("\n]}}\n")
    return path
