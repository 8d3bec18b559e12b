"""QQ numbers: ``QQ`` plus digits in text, ``wpa.qq.com/msgrd?...uin=N``,
``mqqwpa://...uin=N``, ``tencent://message/?uin=N``. QQ numbers have 5 to 11
digits and do not start with 0. QQ groups (QQ群) are not personal numbers.

>>> [f.label for f in qq_numbers("客服QQ：123456789，QQ号 10001")]
['qq:123456789', 'qq:10001']
>>> [f.label for f in qq_links("http://wpa.qq.com/msgrd?v=3&uin=987654321&site=qq")]
['qq:987654321']
>>> [f.label for f in qq_links("mqqwpa://im/chat?chat_type=wpa&uin=55555&version=1")]
['qq:55555']
>>> list(qq_numbers("QQ群 123456789 mail 123456@qq.com QQ 2024 QQ: 0123456"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .found import LINK, MARKED, Found, anchored, lowered

__all__ = ["qq_numbers", "qq_links"]

_TEXT_RE = re.compile(
    r"(?<![a-z0-9])(?:qq|扣扣|企鹅号)(?![a-z0-9.])\s*(?:号码|号|账号|帐号)?\s*[:：]?\s*"
    r"(?P<n>[1-9]\d{4,10})(?![\d@]|\.\d)",
    re.I,
)
_LINK_RE = re.compile(
    r"(?:wpa\.qq\.com/msgrd|mqqwpa://im/chat|tencent://message/?)\?[^\s\"'<>]*?uin=(?P<n>[1-9]\d{4,10})(?!\d)",
    re.I,
)


def qq_numbers(text: str, low: str | None = None) -> Iterator[Found]:
    """QQ handles after a QQ marker in ``text``."""
    low = lowered(text) if low is None else low
    for m in anchored(_TEXT_RE, text, low, ("qq", "扣扣", "企鹅号"), 0, 48):
        yield Found("handle", f"qq:{m.group('n')}", MARKED, m.start())


def qq_links(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """QQ handles from chat links."""
    low = lowered(text) if low is None else low
    for m in anchored(_LINK_RE, text, low, ("uin=",), 300, 20):
        yield Found("handle", f"qq:{m.group('n')}", confidence, m.start())
