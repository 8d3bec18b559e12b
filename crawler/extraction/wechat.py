"""WeChat IDs after a marker: 微信, 薇信, 威信, 徽信, vx, v信, 加v, 加微, split forms (V❤信),
maybe with a label and a colon between (微信客服：x), on the marker's line.
The markers are in ``data/wechat_markers.txt``.

An ID is what WeChat accepts: 6 to 20 letters, digits, ``_`` or ``-``
starting with a letter, or a phone/QQ number (5 to 15 digits) that the
account can be found by. Labels are lower-case (WeChat IDs are
case-insensitive). 微信支付, 微信群 and 微信公众号 are not followed by an ID.

>>> [f.label for f in wechat_ids("加微信：Esim_1088，薇信 abc-123x，V❤信: kefu888")]
['wechat:esim_1088', 'wechat:abc-123x', 'wechat:kefu888']
>>> [f.label for f in wechat_ids("vx：13800138000 / 加v: leb_card")]
['wechat:13800138000', 'wechat:leb_card']
>>> [f.label for f in wechat_ids("微信客服：kefu_888 微信售后客服号: 13800138000")]
['wechat:kefu_888', 'wechat:13800138000']
>>> list(wechat_ids("支持支付宝、微信支付等，vxworks 系统, 微信群 abcdef, 微信群：abcdef, 分享到微信\\nJavaScript"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .datafile import marker_words
from .found import MARKED, Found, anchored, lowered

__all__ = ["wechat_ids", "WECHAT_MARKER"]

_MARKERS = marker_words("wechat_markers.txt")
#: First characters of the markers that end in 信, which may be split (V❤信).
_MARKER_FIRST = frozenset(w[0] for w in _MARKERS if len(w) == 2 and w.endswith("信"))
_FIRST = "".join(sorted(_MARKER_FIRST))
#: The first characters that stand alone after 加 ("add"): 加微, 加v (加威 is prose).
_ADD_FIRST = "v微"
#: The marker: one of the spellings, with up to two symbols splitting 微/v and 信.
WECHAT_MARKER = (
    rf"(?:加[^\S\n]*)?[{_FIRST}][^\S\n]*[^\w\s]{{0,2}}[^\S\n]*信"
    + "".join(rf"|(?<![a-z0-9]){re.escape(w)}(?![a-z])" for w in sorted(_MARKERS) if w.isascii() and "信" not in w)
    + rf"|加[^\S\n]*[{_ADD_FIRST}](?![^\S\n]*[^\w\s]{{0,2}}[^\S\n]*信)"
)
# Between marker and ID, on one line: 号/ID, or a label and a colon (微信客服：x).
_ID_RE = re.compile(
    rf"(?:{WECHAT_MARKER})[^\S\n]*"
    r"(?:(?:号码|號碼|号|號|id|帐号|账号|帳號|賬號)[^\S\n]*[:：]?|(?P<label>[\u4e00-\u9fff]{1,5})[^\S\n]*[:：]|[:：])?[^\S\n]*"
    r"(?P<id>[a-z][a-z0-9_-]{5,19}|\+?\d[\d\s-]{3,17}\d)(?![a-z0-9_@]|[.-][a-z0-9])",
)  # matched against lower-case text: IGNORECASE makes CJK classes slow
_SEPARATORS = re.compile(r"[\s-]")
#: Labels after a marker that say no personal ID follows (``data/wechat_not_ids.txt``).
_NOT_IDS = marker_words("wechat_not_ids.txt")


_ANCHORS = ("信",) + tuple(sorted(w for w in _MARKERS if w.isascii() and "信" not in w)) + tuple(
    "加" + c for c in _ADD_FIRST
)


def _marker_before(low: str, i: int) -> bool:
    """For a 信 at ``i``: is one of 微薇威徽维維蔚v just before it (maybe split by symbols)?"""
    if low[i] != "信":
        return True
    j = i - 1
    while j >= 0 and i - j <= 4:
        c = low[j]
        if c in _MARKER_FIRST:
            return True
        if c.isalnum():
            return False
        j -= 1
    return False


def wechat_ids(text: str, low: str | None = None) -> Iterator[Found]:
    """WeChat handles after a marker in ``text``."""
    low = lowered(text) if low is None else low
    for m in anchored(_ID_RE, low, low, _ANCHORS, 12, 64, _marker_before):
        label = m.group("label")
        if label is not None and any(w in label for w in _NOT_IDS):
            continue
        wid = m.group("id")
        if wid[0].isdigit() or wid[0] == "+":
            wid = _SEPARATORS.sub("", wid).lstrip("+")
            if not 5 <= len(wid) <= 15:
                continue
        yield Found("handle", f"wechat:{wid}", MARKED, m.start())
