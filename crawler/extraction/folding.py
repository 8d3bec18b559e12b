"""Script folding: one form for every way Chinese spam writes a word.

Chinese pages write the same word in Simplified (续费) or Traditional (續費)
script, in full-width forms (ＬＥＢ卡) and in any case. Keywords are matched on
text folded by :func:`fold_script`: :func:`crawler.extraction.text.fold`
(invisible characters removed, NFKC, casefold), then every Traditional
character replaced by its Simplified form, character by character.

The character table comes from OpenCC's ``t2s`` conversion (the ``opencc``
package from PyPI, whose wheel bundles its dictionaries: nothing is fetched
at run time). It is built once per process on first use, from the one-to-one
character mappings only, so folding never changes the length of a text and
a position in the folded text is the same position in the unfolded one.

>>> fold_script("續費") == fold_script("续费")
True
>>> fold_script("ＬＥＢ卡") == fold_script("leb卡")
True
>>> fold_script("飛機號：ABC")
'飞机号:abc'

Markers (the words that name a platform next to a contact) are matched on
page text that is only NFKC-normalized and lower-cased, so rather than fold
every page, :func:`both_scripts` widens a marker list with the Simplified and
Traditional spellings of each entry once, at load time:

>>> sorted(both_scripts(["飞机", "tg"]))
['tg', '飛機', '飞机']
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

from .text import fold

__all__ = ["fold_script", "to_simplified", "keyword_pattern", "both_scripts", "script_forms"]

logger = logging.getLogger(__name__)

#: Code points whose Traditional forms OpenCC knows: CJK Extension A and the
#: Unified Ideographs (the Compatibility Ideographs are folded by NFKC first).
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))

#: OpenCC configurations that give the spellings of a marker in each script.
_MARKER_CONFIGS = ("t2s", "s2t", "s2tw", "s2hk")


@lru_cache(maxsize=None)
def _converter(config: str):  # noqa: ANN202 - opencc has no stubs
    import opencc  # imported on first use: its dictionaries load in a few ms

    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def _t2s_table() -> tuple[dict[int, str], re.Pattern[str]]:
    """OpenCC's Traditional to Simplified character mappings, one character to one.

    Returns the :meth:`str.translate` table and a pattern that finds any of
    its characters (a page in Simplified script has none, and is left alone).
    """
    chars = [chr(cp) for lo, hi in _CJK_RANGES for cp in range(lo, hi + 1)]
    simplified = _converter("t2s").convert("\n".join(chars)).split("\n")
    if len(simplified) != len(chars):  # never seen: keep folding NFKC and case only
        logger.warning("OpenCC t2s changed the line count; Traditional script is not folded")
        return {}, re.compile(r"(?!x)x")
    table = {ord(t): s for t, s in zip(chars, simplified) if t != s and len(s) == 1}
    pattern = re.compile("[" + "".join(sorted(chr(cp) for cp in table)) + "]")
    return table, pattern


def to_simplified(text: str) -> str:
    """``text`` with each Traditional character replaced by its Simplified form.

    >>> to_simplified("續費 LEB卡 电报")
    '续费 LEB卡 电报'
    """
    if text.isascii():
        return text
    table, pattern = _t2s_table()
    if pattern.search(text) is None:
        return text
    return text.translate(table)


def fold_script(text: str) -> str:
    """NFKC, no invisible characters, casefolded and in Simplified script: how keywords compare."""
    return to_simplified(fold(text))


@lru_cache(maxsize=1)
def _script_classes() -> dict[str, str]:
    """For each Simplified character that has Traditional forms: the regex class of all of them."""
    table, _ = _t2s_table()
    forms: dict[str, set[str]] = {}
    for cp, simple in table.items():
        forms.setdefault(simple, set()).add(chr(cp))
    for simple, chars in forms.items():
        if ord(simple) not in table:  # itself, unless it folds to another character
            chars.add(simple)
    return {simple: "[" + re.escape("".join(sorted(chars))) + "]" for simple, chars in forms.items()}


@lru_cache(maxsize=4096)
def keyword_pattern(keyword: str) -> re.Pattern[str] | None:
    """A pattern that finds ``keyword`` in casefolded, NFKC text in either script.

    Searching a page for ``[續续][費费]`` costs less than converting the page
    (:meth:`str.translate` visits every character), and finds exactly the
    places where :func:`fold_script` of the page holds :func:`fold_script`
    of the keyword. ``None`` for a keyword that folds to nothing.

    >>> keyword_pattern("续费").pattern
    '[續续][費费]'
    >>> keyword_pattern("ＬＥＢ卡").search("买leb卡").group()
    'leb卡'
    """
    needle = fold_script(keyword)
    if not needle:
        return None
    classes = _script_classes()
    return re.compile("".join(classes.get(ch) or re.escape(ch) for ch in needle))


def script_forms(word: str) -> frozenset[str]:
    """``word`` and its spellings in Simplified and in Traditional script (Taiwan, Hong Kong).

    >>> sorted(script_forms("电报号"))
    ['电报号', '電報號']
    >>> script_forms("wechat")
    frozenset({'wechat'})
    """
    if word.isascii():
        return frozenset({word})
    return frozenset({word} | {_converter(c).convert(word) for c in _MARKER_CONFIGS})


def both_scripts(words: Iterable[str]) -> frozenset[str]:
    """Every word of ``words`` in both scripts (see :func:`script_forms`)."""
    return frozenset(form for word in words for form in script_forms(word))
