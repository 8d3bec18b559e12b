"""Cryptocurrency addresses, checked so that random strings are not wallets.

BTC: base58check (P2PKH ``1...``, P2SH ``3...``) or bech32/bech32m
(``bc1...``) with a valid checksum. ETH: ``0x`` and 40 hex digits (label
lower-case; the all-zero address is dropped). TRON: base58check with
version byte 0x41 (``T...``).

>>> [f.label for f in wallets("BTC: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")]
['btc:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'btc:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy']
>>> [f.label for f in wallets("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")]
['btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq']
>>> [f.label for f in wallets("USDT TRC20 TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7")]
['tron:TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7']
>>> [f.label for f in wallets("ETH 0x52908400098527886E0F7030069857D2E4169EE7")]
['eth:0x52908400098527886e0f7030069857d2e4169ee7']
>>> list(wallets("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr 0x0000000000000000000000000000000000000000"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import base58

from .found import TEXT_LINK, Found

__all__ = ["wallets", "is_base58check", "is_bech32_address"]

_B58 = "1-9A-HJ-NP-Za-km-z"
# Candidates are whole runs of ASCII letters and digits, 25 or longer. They are
# found in a byte copy of the text, one byte per character, with letters and
# digits as "a" and everything else as NUL: ``bytes.find`` of 25 "a"s skips
# through it many times faster than a regex scans the str.
_ALNUM_BYTES = bytes(0x61 if chr(b).isascii() and chr(b).isalnum() else 0 for b in range(256))
MIN_RUN = 25
_RUN = b"a" * MIN_RUN
_BTC_RE = re.compile(rf"[13][{_B58}]{{25,34}}")
_TRON_RE = re.compile(rf"T[{_B58}]{{33}}")
_BECH32_RE = re.compile(r"(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}")
_ETH_RE = re.compile(r"0x[0-9a-fA-F]{40}")

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32M = 0x2BC830A3


def is_base58check(address: str, versions: bytes) -> bool:
    """Whether ``address`` decodes with a valid checksum to 21 bytes with one of ``versions``.

    >>> is_base58check("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", b"\\x00\\x05")
    True
    """
    try:
        raw = base58.b58decode_check(address)
    except ValueError:
        return False
    return len(raw) == 21 and raw[0] in versions


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= _GEN[i] if (top >> i) & 1 else 0
    return chk


def _program_bytes(data: list[int]) -> int:
    """The length in bytes of a witness program written in 5-bit groups, or -1.

    Regrouping 5-bit groups into bytes may leave at most 4 bits over, and they
    must be zeros (BIP 173); anything else is no program.

    >>> _program_bytes([0, 0, 0, 0]), _program_bytes([0, 0, 0, 1]), _program_bytes([0] * 5)
    (2, -1, 3)
    >>> _program_bytes([0] * 3)
    -1
    """
    bits = len(data) * 5
    spare = bits % 8
    if spare > 4 or data and data[-1] & ((1 << spare) - 1):
        return -1
    return bits // 8


def is_bech32_address(address: str) -> bool:
    """Whether ``address`` is a ``bc1`` segwit address with a valid checksum.

    Witness version 0 uses bech32, versions 1 to 16 bech32m (BIP 350); the
    program is 2 to 40 bytes (20 or 32 for version 0) and its padding bits
    are zeros. BIP 350's test vectors:

    >>> is_bech32_address("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
    True
    >>> is_bech32_address("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf")  # 5 padding bits
    False
    """
    if len(address) > 90 or address.lower() != address and address.upper() != address:
        return False
    address = address.lower()
    data = [_CHARSET.find(c) for c in address[3:]]
    if -1 in data or len(data) < 7:
        return False
    hrp = [ord(c) >> 5 for c in "bc"] + [0] + [ord(c) & 31 for c in "bc"]
    const = _polymod(hrp + data)
    version = data[0]
    if version > 16:
        return False
    program_len = _program_bytes(data[1:-6])
    if not 2 <= program_len <= 40 or (version == 0 and program_len not in (20, 32)):
        return False
    return const == (1 if version == 0 else _BECH32M)


def _runs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the runs of ASCII letters and digits at least 25 long.

    >>> list(_runs("x " + "a1" * 13 + "?中" + "b" * 24))
    [(2, 28)]
    """
    codes = text.encode("ascii", "replace").translate(_ALNUM_BYTES)  # non-ASCII: "?", then NUL
    start = codes.find(_RUN)
    while start >= 0:
        end = codes.find(0, start + MIN_RUN)
        if end < 0:
            end = len(codes)
        yield start, end
        start = codes.find(_RUN, end)


def wallets(text: str, confidence: float = TEXT_LINK, low: str | None = None) -> Iterator[Found]:
    """Checked BTC, ETH and TRON addresses in ``text``."""
    for start, end in _runs(text):
        run = text[start:end]
        first = run[0]
        if first == "1" or first == "3":
            if _BTC_RE.fullmatch(run) and is_base58check(run, b"\x00\x05"):
                yield Found("wallet", f"btc:{run}", confidence, start)
        elif first == "T":
            if _TRON_RE.fullmatch(run) and is_base58check(run, b"\x41"):
                yield Found("wallet", f"tron:{run}", confidence, start)
        elif first == "0":
            if _ETH_RE.fullmatch(run) and run[2:].strip("0"):
                yield Found("wallet", f"eth:{run.lower()}", confidence, start)
        elif first in "bB":
            if _BECH32_RE.fullmatch(run) and is_bech32_address(run):
                yield Found("wallet", f"btc:{run.lower()}", confidence, start)
