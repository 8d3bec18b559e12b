"""STIX 2.1 export: the campaigns of a run as one bundle for OpenCTI and other TIPs.

Per campaign (from ``campaigns.json``):

- a ``campaign`` with ``first_seen``/``last_seen`` and a description of its
  evidence (each artifact with its strength, pages, sites and weight);
- an ``infrastructure`` ("infrastructure of ...") that the campaign ``uses``,
  which ``consists-of`` the observables: its pages (``url``), its sites
  (``domain-name``) and its evidence artifacts (see :func:`observables`);
- an ``indicator`` with a STIX pattern for every strong evidence artifact,
  which ``indicates`` the campaign.

Artifacts map to observables as follows: domains and image hosts to
``domain-name``; images, redirects, short and referral links and invite
links to ``url``; e-mail handles to ``email-addr``; messaging handles to
``user-account`` with ``account_type`` the platform (``telegram``,
``wechat``, ``qq``, ``line``, ``whatsapp``, ``phone``; WhatsApp and phone
numbers as ``user_id`` ``+<E.164 digits>``, the others as
``account_login``). STIX has no object for wallets and analytics IDs: they
are new observable types, ``cryptocurrency-wallet`` (``value``,
``currency``) and ``tracking-id`` (``value``, ``tracker``), each defined by
an ``extension-definition`` in the bundle (:data:`EXTENSIONS`).

Identifiers are deterministic: observables take the UUIDv5 ids STIX defines
for them (from their identifying properties, computed by ``stix2``); the
other objects a UUIDv5 in :data:`NAMESPACE` of what they stand for (the
campaign id, the pattern, the two ends of a relationship). Timestamps come
from ``campaigns.json`` (``generated_at``, the campaign's first and last
sighting), never from the clock, so exporting one run twice gives the same
file, and the bundles of two runs merge cleanly (the same artifact is the
same object in both). Objects are written as they are built, one campaign
at a time, through :func:`crawler.atomic.atomic_output`.

>>> sorted(type(o).__name__ for o in observables("handle", "telegram:esim1088"))
['UserAccount']
>>> stix_pattern("handle", "telegram:esim1088")
"[user-account:account_type = 'telegram' AND user-account:account_login = 'esim1088']"
>>> stix_pattern("domain", "example.com") is None  # weak evidence: no indicator
True
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import stix2
from stix2.base import SCO_DET_ID_NAMESPACE
from stix2.canonicalization.Canonicalize import canonicalize
from stix2.properties import StringProperty

from crawler.atomic import atomic_output
from crawler.records import STRONG_KINDS
from output.campaigns import CampaignsDoc, campaign_list
from output.text import one_line, xml_text

__all__ = [
    "NAMESPACE",
    "EXTENSIONS",
    "write_stix",
    "stix_objects",
    "observables",
    "stix_pattern",
    "sdo_id",
    "invite_url",
    "uri",
    "value_observable",
]

logger = logging.getLogger(__name__)

#: Namespace of the UUIDv5 ids of Cobweb's STIX domain objects and relationships.
NAMESPACE = uuid.UUID("6f1c7f0e-3b5a-5d8e-9c42-c0b3eb0a11e4")
#: When Cobweb's identity and extension definitions were first published.
_DEFINED = "2026-12-01T00:00:00.000Z"
#: The time of a run whose ``campaigns.json`` has none.
_EPOCH = "1970-01-01T00:00:00Z"

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")


def sdo_id(stix_type: str, *parts: str) -> str:
    """A deterministic STIX id: ``<type>--<UUIDv5 of the parts>``.

    >>> sdo_id("campaign", "c-1a2b3c4d") == sdo_id("campaign", "c-1a2b3c4d")
    True
    >>> sdo_id("campaign", "c-1a2b3c4d").startswith("campaign--")
    True
    """
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, stix_type + chr(31) + chr(31).join(parts))}"


IDENTITY = stix2.Identity(
    id=sdo_id("identity", "cobweb"),
    name="Cobweb",
    identity_class="system",
    description="Cobweb: crawls, extracts and groups pages of coordinated spam and scam campaigns.",
    created=_DEFINED,
    modified=_DEFINED,
)


def _extension(stix_type: str, description: str, schema: str) -> stix2.ExtensionDefinition:
    return stix2.ExtensionDefinition(
        id=sdo_id("extension-definition", stix_type),
        created_by_ref=IDENTITY.id,
        created=_DEFINED,
        modified=_DEFINED,
        name=stix_type,
        description=description,
        schema=schema,
        version="1.0",
        extension_types=["new-sco"],
    )


#: The new observable types and their extension definitions (written in every bundle).
EXTENSIONS: dict[str, stix2.ExtensionDefinition] = {
    "cryptocurrency-wallet": _extension(
        "cryptocurrency-wallet",
        "A cryptocurrency wallet address a campaign asks to be paid to. Properties: value (the"
        " address, lower-case for Ethereum), currency (btc, eth or tron).",
        "JSON object: value (string, required), currency (string, required: btc, eth, tron);"
        " id: UUIDv5 of value and currency in the STIX SCO namespace. See Cobweb's docs/output.md.",
    ),
    "tracking-id": _extension(
        "tracking-id",
        "An analytics or advertising account ID embedded in pages (Google Analytics, Tag Manager,"
        " Ads, AdSense, Baidu, Yandex, Facebook pixel). Properties: value (the ID), tracker.",
        "JSON object: value (string, required), tracker (string, required: ga, ga4, gtm, gads,"
        " adsense, baidu, yandex, fbpixel); id: UUIDv5 of value and tracker in the STIX SCO"
        " namespace. See Cobweb's docs/output.md.",
    ),
}


@stix2.CustomObservable(
    "cryptocurrency-wallet",
    [("value", StringProperty(required=True)), ("currency", StringProperty(required=True))],
    id_contrib_props=["value", "currency"],
    extension_name=EXTENSIONS["cryptocurrency-wallet"].id,
)
class CryptocurrencyWallet:
    """A wallet address (``wallet`` artifacts)."""


@stix2.CustomObservable(
    "tracking-id",
    [("value", StringProperty(required=True)), ("tracker", StringProperty(required=True))],
    id_contrib_props=["value", "tracker"],
    extension_name=EXTENSIONS["tracking-id"].id,
)
class TrackingId:
    """An analytics or advertising ID (``tracking_id`` artifacts)."""


_URI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"
_PHONE_PLATFORMS = frozenset({"whatsapp", "phone"})
_URL_KINDS = frozenset({"image", "redirect", "link"})


def invite_url(label: str) -> str:
    """The link of an ``invite`` artifact.

    >>> invite_url("telegram:+AbCdEfGhIjK")
    'https://t.me/+AbCdEfGhIjK'
    """
    platform, _, code = label.partition(":")
    return f"https://t.me/{code}" if platform == "telegram" else code


def uri(url: str) -> str:
    """``url`` as a URI: characters a URI cannot hold (spaces, backslashes, non-ASCII) %-encoded.

    >>> uri("http://a.example/续费 x?q='1'")
    "http://a.example/%E7%BB%AD%E8%B4%B9%20x?q='1'"
    """
    return quote(url, safe=_URI_SAFE)


def observables(kind: str, label: str) -> list[Any]:
    """The STIX cyber-observables of one artifact (empty for a label they cannot hold).

    >>> [o.value for o in observables("image_host", "postimg.cc")]
    ['postimg.cc']
    >>> [o.user_id for o in observables("handle", "whatsapp:8613800138000")]
    ['+8613800138000']
    >>> [(o.value, o.currency) for o in observables("wallet", "tron:TX1")]
    [('TX1', 'tron')]
    """
    if kind in ("domain", "image_host"):
        return [stix2.DomainName(value=label)]
    if kind in _URL_KINDS:
        return [stix2.URL(value=uri(label))]
    if kind == "invite":
        return [stix2.URL(value=uri(invite_url(label)))]
    platform, _, value = label.partition(":")
    if not value:
        return []
    if kind == "wallet":
        return [CryptocurrencyWallet(value=value, currency=platform)]
    if kind == "tracking_id":
        return [TrackingId(value=value, tracker=platform)]
    if kind == "handle":
        if platform == "email":
            return [stix2.EmailAddress(value=value)]
        if platform in _PHONE_PLATFORMS:
            return [stix2.UserAccount(account_type=platform, user_id="+" + value.lstrip("+"))]
        return [stix2.UserAccount(account_type=platform, account_login=value)]
    return []


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def stix_pattern(kind: str, label: str) -> str | None:
    """The STIX pattern of a strong artifact, ``None`` for weak ones.

    >>> stix_pattern("image", "https://i.example/a'b.png")
    "[url:value = 'https://i.example/a\\\\'b.png']"
    """
    if kind not in STRONG_KINDS:
        return None
    found = observables(kind, label)
    if not found:
        return None
    obs = found[0]
    props = {
        "url": ("value",),
        "email-addr": ("value",),
        "user-account": ("account_type", "user_id", "account_login"),
        "cryptocurrency-wallet": ("currency", "value"),
        "tracking-id": ("tracker", "value"),
    }[obs.type]
    terms = [f"{obs.type}:{p} = {_literal(obs[p])}" for p in props if p in obs]
    return "[" + " AND ".join(terms) + "]"


def _stix_time(value: object, default: str) -> str:
    if isinstance(value, str) and _TIME.fullmatch(value):
        return value
    return default


def _description(campaign: dict[str, Any]) -> str:
    evidence = campaign.get("evidence", [])
    lines = [
        f"Cobweb campaign {campaign['id']}: {campaign.get('size', len(campaign.get('pages', [])))}"
        f" pages on {len(campaign.get('domains', []))} sites, score {campaign.get('score', 0)},"
        f" tied by {campaign.get('tied_by', 'shared evidence')}.",
        "Evidence (artifacts shared by its pages, strongest first):",
    ]
    for ev in evidence:
        lines.append(
            f"- {ev.get('kind')} {ev.get('label')}: {ev.get('strength', '')}, on"
            f" {ev.get('pages', 0)} pages and {ev.get('sites', 0)} sites,"
            f" weight {ev.get('weight', 0)}"
        )
    if not evidence:
        lines.append("- none recorded")
    return "\n".join(lines)


def _relationship(rel: str, source: str, target: str, created: str) -> stix2.Relationship:
    return stix2.Relationship(
        id=sdo_id("relationship", rel, source, target),
        relationship_type=rel,
        source_ref=source,
        target_ref=target,
        created_by_ref=IDENTITY.id,
        created=created,
        modified=created,
    )


def _campaign_objects(campaign: dict[str, Any], generated: str) -> Iterator[Any]:
    cid = xml_text(campaign["id"])
    first = _stix_time(campaign.get("first_seen"), generated)
    last = max(_stix_time(campaign.get("last_seen"), first), first)
    created = min(first, generated)
    name = one_line(f"{campaign.get('label') or cid} ({cid})")
    camp = stix2.Campaign(
        id=sdo_id("campaign", cid),
        name=name,
        description=xml_text(_description(campaign)),
        first_seen=first,
        last_seen=last,
        created_by_ref=IDENTITY.id,
        created=created,
        modified=generated,
    )
    infra = stix2.Infrastructure(
        id=sdo_id("infrastructure", cid),
        name=f"Infrastructure of {name}",
        description=f"The pages, sites and shared artifacts of Cobweb campaign {cid}.",
        infrastructure_types=["unknown"],
        first_seen=first,
        last_seen=last,
        created_by_ref=IDENTITY.id,
        created=created,
        modified=generated,
    )
    yield camp
    yield infra
    yield _relationship("uses", camp.id, infra.id, created)
    # pages and sites: thousands per campaign, so built from one stix2-made template each
    part_of = json.loads(_relationship("consists-of", infra.id, infra.id, created).serialize())
    bulk = [("url", uri(xml_text(u))) for u in campaign.get("pages", [])]
    bulk += [("domain-name", xml_text(d)) for d in campaign.get("domains", [])]
    for stix_type, value in bulk:
        obs = value_observable(stix_type, value)
        yield obs
        yield {**part_of, "id": sdo_id("relationship", "consists-of", infra.id, obs["id"]),
               "target_ref": obs["id"]}
    for ev in campaign.get("evidence", []):
        for obs in _safe_observables(xml_text(ev.get("kind", "")), xml_text(ev.get("label", ""))):
            yield obs
            yield _relationship("consists-of", infra.id, obs.id, created)
    for ev in campaign.get("evidence", []):
        kind, label = xml_text(ev.get("kind", "")), xml_text(ev.get("label", ""))
        pattern = _safe_pattern(kind, label)
        if pattern is None:
            continue
        indicator = stix2.Indicator(
            id=sdo_id("indicator", pattern),
            name=f"{kind} {label}",
            description=f"Shared by the pages of Cobweb campaign {cid}"
                        f" ({ev.get('pages', 0)} pages, {ev.get('sites', 0)} sites).",
            indicator_types=["malicious-activity"],
            pattern=pattern,
            pattern_type="stix",
            valid_from=first,
            created_by_ref=IDENTITY.id,
            created=created,
            modified=created,
        )
        yield indicator
        yield _relationship("indicates", indicator.id, camp.id, created)


def _safe_observables(kind: str, label: str) -> list[Any]:
    try:
        return observables(kind, label)
    except stix2.exceptions.STIXError as exc:  # a label STIX refuses: leave it out, say so
        logger.warning("STIX export: %s %s left out: %s", kind, label, exc)
        return []


def _safe_pattern(kind: str, label: str) -> str | None:
    try:
        return stix_pattern(kind, label)
    except stix2.exceptions.STIXError:
        return None  # _safe_observables logged it


def value_observable(stix_type: str, value: str) -> dict[str, str]:
    """A ``url`` or ``domain-name`` observable as ``stix2`` writes it, id included.

    ``stix2``'s own constructor checks every property of every object, which
    takes milliseconds: too slow for the pages of a 100k-page run. The id is
    computed as ``stix2`` computes it (UUIDv5 of the canonical JSON of the
    identifying property, in STIX's observable namespace); the tests check
    that both give the same object.

    >>> value_observable("domain-name", "a.com") == json.loads(stix2.DomainName(value="a.com").serialize())
    True
    """
    data = canonicalize({"value": value}, utf8=False)
    return {"type": stix_type, "spec_version": "2.1",
            "id": f"{stix_type}--{uuid.uuid5(SCO_DET_ID_NAMESPACE, data)}", "value": value}


def _id(obj: Any) -> str:
    return obj["id"] if isinstance(obj, dict) else obj.id


def stix_objects(campaigns: CampaignsDoc | None) -> Iterator[Any]:
    """Every object of the bundle, each once, in a fixed order (campaign by campaign).

    Objects are ``stix2`` objects, or plain dicts for the pages' and sites'
    observables and relationships (see :func:`value_observable`).
    """
    generated = _stix_time((campaigns or {}).get("generated_at"), _EPOCH)
    yield IDENTITY
    yield from EXTENSIONS.values()
    seen: set[str] = set()
    for campaign in campaign_list(campaigns):
        for obj in _campaign_objects(campaign, generated):
            if _id(obj) not in seen:
                seen.add(_id(obj))
                yield obj


def _serialize(obj: Any) -> str:
    if isinstance(obj, dict):
        return json.dumps(obj, ensure_ascii=False)
    return obj.serialize(ensure_ascii=False)


def write_stix(campaigns: CampaignsDoc | None, path: str | Path) -> Path:
    """Write the campaigns as one STIX 2.1 bundle (JSON) to ``path``, atomically; return it."""
    path = Path(path)
    ids = ",".join(xml_text(c["id"]) for c in campaign_list(campaigns))
    head = {"type": "bundle", "id": sdo_id("bundle", ids)}
    with atomic_output(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(json.dumps(head)[:-1] + ', "objects": [\n')
        batch: list[str] = []
        for i, obj in enumerate(stix_objects(campaigns)):
            batch.append((",\n" if i else "") + _serialize(obj))
            if len(batch) >= 1024:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch) + "\n]}\n")
    return path
