"""Canonical artifact labels for labels that come from outside extraction (``cobweb import``).

Extraction writes canonical labels (see :mod:`crawler.records`); a JSON-lines
file written by another tool may not: ``Telegram:@Foo`` and ``telegram:foo``
are one contact and must be one graph node. :func:`canonical_label` rewrites
the spellings that mean the same thing and leaves every other label as it is.

>>> canonical_label("handle", "Telegram:@Foo")
'telegram:foo'
>>> canonical_label("handle", " WhatsApp:+852 6123-4567 ")
'whatsapp:85261234567'
>>> canonical_label("handle", "EMAIL:Help@Example.COM"), canonical_label("handle", "wechat:Kefu_888")
('email:help@example.com', 'wechat:kefu_888')
>>> canonical_label("invite", "Telegram:+AbC"), canonical_label("wallet", "ETH:0xAbC")
('telegram:+AbC', 'eth:0xabc')
>>> canonical_label("image_host", "PostImg.CC."), canonical_label("image", "https://I.x/A.png")
('postimg.cc', 'https://I.x/A.png')
>>> canonical_label("handle", "no-platform")
'no-platform'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["canonical_label", "canonical_labels", "canonical_artifacts"]

#: Kinds whose labels are ``platform:value`` (:func:`_platform_label`).
_PLATFORM_KINDS = frozenset({"handle", "invite", "wallet", "tracking_id"})
#: Kinds whose labels are host names: lower-case, no final dot.
_HOST_KINDS = frozenset({"image_host", "domain"})
#: Handle platforms whose ids ignore case (see the extraction modules).
_CASELESS = frozenset({"telegram", "wechat", "line", "email", "qq"})
#: Handle platforms whose ids are E.164 digits without ``+``.
_DIGITS = frozenset({"whatsapp", "phone"})
#: Wallet chains whose addresses are written lower-case (TRON's base58 keeps its case).
_LOWER_WALLETS = frozenset({"eth", "btc"})
_NOT_DIGIT = re.compile(r"\D+")


def _platform_label(kind: str, label: str) -> str:
    platform, sep, value = label.partition(":")
    if not sep:
        return label
    platform, value = platform.strip().lower(), value.strip()
    if kind == "handle":
        if platform in _DIGITS:
            value = _NOT_DIGIT.sub("", value)
        elif platform in _CASELESS:
            value = value.lower()
            if platform in ("telegram", "line"):
                value = value.lstrip("@")
    elif kind == "wallet" and platform in _LOWER_WALLETS:
        value = value.lower()
    elif kind == "tracking_id":
        if platform in ("ga", "ga4", "gtm", "gads"):
            value = value.upper()
        elif platform in ("baidu", "adsense"):
            value = value.lower()
    return f"{platform}:{value}" if value else label


def canonical_label(kind: str, label: str) -> str:
    """``label`` in the canonical spelling of ``kind`` (see :mod:`crawler.records`).

    >>> canonical_label("tracking_id", "GA4:g-abc123"), canonical_label("domain", "Example.com")
    ('ga4:G-ABC123', 'example.com')
    """
    return canonical_labels((kind,), (label,))[0]


def canonical_labels(kinds: Sequence[str], labels: Sequence[str]) -> list[str]:
    """Each ``label`` in the canonical spelling of its ``kind``, without a call per label for
    the kinds that are only stripped or lower-cased (a bulk import's millions of images).

    >>> canonical_labels(["image", "domain", "handle"], [" http://a/X.png", "A.com.", "Telegram:@Foo"])
    ['http://a/X.png', 'a.com', 'telegram:foo']
    """
    return [
        _platform_label(kind, label.strip()) if kind in _PLATFORM_KINDS
        else label.strip().lower().rstrip(".") if kind in _HOST_KINDS
        else label.strip()
        for kind, label in zip(kinds, labels)
    ]


def canonical_artifacts(
    rows: list[tuple[str, str, str, float, bool]],
) -> list[tuple[str, str, str, float, bool]]:
    """Import rows ``(kind, label, source, confidence, hidden)`` with canonical labels.

    >>> canonical_artifacts([("handle", "Telegram:@Foo", "import", 1.0, False)])
    [('handle', 'telegram:foo', 'import', 1.0, False)]
    """
    labels = canonical_labels([r[0] for r in rows], [r[1] for r in rows])
    return [(k, lab, s, c, h) for (k, _, s, c, h), lab in zip(rows, labels)]
