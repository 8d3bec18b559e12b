"""QQ numbers: a QQ marker plus digits in text, ``wpa.qq.com/msgrd?...uin=N``,
``mqqwpa://...uin=N``, ``tencent://message/?uin=N``. QQ numbers have 5 to 11
digits and do not start with 0. QQ groups (QQ群) and Tencent products (QQ音乐)
are not personal numbers.

After a marker and a colon come one number or several, each maybe labelled
(``QQ：客服1:123456，客服2:234567``); the labels of one list share their
words, so ``QQ：123456，电话：13800138000`` gives one QQ number.

>>> [f.label for f in qq_numbers("客服QQ：123456789，QQ号 10001")]
['qq:123456789', 'qq:10001']
>>> [f.label for f in qq_numbers("QQ客服：售后1:12345678，售后2:23456789 / QQ: 11111, 22222、33333")]
['qq:12345678', 'qq:23456789', 'qq:11111', 'qq:22222', 'qq:33333']
>>> [f.label for f in qq_links("http://wpa.qq.com/msgrd?v=3&uin=987654321&site=qq")]
['qq:987654321']
>>> [f.label for f in qq_links("mqqwpa://im/chat?chat_type=wpa&uin=55555&version=1")]
['qq:55555']
>>> list(qq_numbers("QQ群 123456789 mail 123456@qq.com QQ 2024 QQ: 0123456 QQ群号：12345678"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .datafile import marker_words
from .found import LINK, MARKED, Found, anchored, lowered

__all__ = ["qq_numbers", "qq_links"]

_MARKERS = marker_words("qq_markers.txt")
#: A marker, a word that says a number follows (号, ID) or a label and a colon.
_HEAD_RE = re.compile(
    "(?:" + "|".join(
        rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9.])" if w.isascii() else re.escape(w)
        for w in sorted(_MARKERS, key=len, reverse=True)
    ) + r")[^\S\n]*(?:(?:号码|號碼|号|號|账号|帐号|賬號|帳號|id)[^\S\n]*(?P<colon>[:：])?|(?P<label>[^\W\d_]{1,8})[^\S\n]*[:：]|[:：])?[^\S\n]*"
)  # matched against lower-case text
#: One number, maybe after its own label (``客服1:``).
_ITEM_RE = re.compile(
    r"(?:(?P<label>[^\W\d_]{1,8})[^\S\n]*\d{0,2}[^\S\n]*[:：][^\S\n]*)?"
    r"(?P<n>[1-9]\d{4,10})(?![\d@a-z_]|[.-]\d)"
)
#: Between two numbers of one list.
_GAP_RE = re.compile(r"[^\S\n]*(?:[,，、/|;；]|或|or)?[^\S\n]*")
#: Words after a marker that name a product or a group (``data/qq_not_contacts.txt``).
_NOT_CONTACTS = marker_words("qq_not_contacts.txt")
#: The most numbers read after one marker.
MAX_NUMBERS = 12

_LINK_RE = re.compile(
    r"(?:wpa\.qq\.com/msgrd|mqqwpa://im/chat|tencent://message/?)\?[^\s\"'<>]*?uin=(?P<n>[1-9]\d{4,10})(?!\d)",
    re.I,
)


def _no_contact(label: str | None) -> bool:
    """Whether a label after the marker names a product or a group (QQ群, QQ音乐)."""
    return label is not None and any(label.startswith(w) for w in _NOT_CONTACTS)


def _numbers(low: str, pos: int, listed: bool) -> Iterator[re.Match[str]]:
    """The numbers from ``pos``: one unlabelled, or (``listed``, after a colon)
    a list whose labels share their words."""
    m = _ITEM_RE.match(low, pos)
    if m is None or m.group("label") and (not listed or _no_contact(m.group("label"))):
        return
    label = m.group("label")
    for _ in range(MAX_NUMBERS):
        yield m
        if not listed:
            return
        gap = _GAP_RE.match(low, m.end())
        m = _ITEM_RE.match(low, gap.end())
        if m is None or m.group("label") != label:
            return


def qq_numbers(text: str, low: str | None = None) -> Iterator[Found]:
    """QQ handles after a QQ marker in ``text``."""
    low = lowered(text) if low is None else low
    end = 0
    for head in anchored(_HEAD_RE, low, low, tuple(_MARKERS), 0, 48):
        if head.start() < end or _no_contact(head.group("label")):
            continue
        listed = head.group("colon") is not None or head.group(0).rstrip()[-1:] in (":", "：")
        for m in _numbers(low, head.end(), listed):
            end = m.end()
            yield Found("handle", f"qq:{m.group('n')}", MARKED, m.start("n"))


def qq_links(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """QQ handles from chat links."""
    low = lowered(text) if low is None else low
    for m in anchored(_LINK_RE, text, low, ("uin=",), 300, 20):
        yield Found("handle", f"qq:{m.group('n')}", confidence, m.start())
