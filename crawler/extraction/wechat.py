"""WeChat IDs after a marker: 微信, 薇信, 威信, 徽信, vx, v信, 加v, 加微, split forms (V❤信).

An ID is what WeChat accepts: 6 to 20 letters, digits, ``_`` or ``-``
starting with a letter, or a phone/QQ number (5 to 15 digits) that the
account can be found by. Labels are lower-case (WeChat IDs are
case-insensitive). 微信支付, 微信群 and 微信公众号 are not followed by an ID.

>>> [f.label for f in wechat_ids("加微信：Esim_1088，薇信 abc-123x，V❤信: kefu888")]
['wechat:esim_1088', 'wechat:abc-123x', 'wechat:kefu888']
>>> [f.label for f in wechat_ids("vx：13800138000 / 加v: leb_card")]
['wechat:13800138000', 'wechat:leb_card']
>>> list(wechat_ids("支持支付宝、微信支付等，vxworks 系统, 微信群 abcdef"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .found import MARKED, Found, anchored, lowered

__all__ = ["wechat_ids", "WECHAT_MARKER"]

#: The marker: one of the spellings, with up to two symbols splitting 微/v and 信.
WECHAT_MARKER = (
    r"(?:加\s*)?[微薇威徽维蔚v]\s*[^\w\s]{0,2}\s*信"
    r"|(?<![a-z0-9])(?:vx|wx|weixin|wechat)(?![a-z])"
    r"|加\s*[v微](?!\s*[^\w\s]{0,2}\s*信)"
)
_ID_RE = re.compile(
    rf"(?:{WECHAT_MARKER})\s*(?:号码|号|id|帐号|账号)?\s*[:：]?\s*"
    r"(?P<id>[a-z][a-z0-9_-]{5,19}|\+?\d[\d\s-]{3,17}\d)(?![a-z0-9_@]|[.-][a-z0-9])",
)  # matched against lower-case text: IGNORECASE makes CJK classes slow
_SEPARATORS = re.compile(r"[\s-]")


_ANCHORS = ("信", "vx", "wx", "weixin", "wechat", "加v", "加微")
_MARKER_FIRST = frozenset("微薇威徽维蔚v")


def _marker_before(low: str, i: int) -> bool:
    """For a 信 at ``i``: is one of 微薇威徽维蔚v just before it (maybe split by symbols)?"""
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
        wid = m.group("id")
        if wid[0].isdigit() or wid[0] == "+":
            wid = _SEPARATORS.sub("", wid).lstrip("+")
            if not 5 <= len(wid) <= 15:
                continue
        yield Found("handle", f"wechat:{wid}", MARKED, m.start())
