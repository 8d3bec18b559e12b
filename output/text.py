"""Making crawled text safe for XML, spreadsheets and one-line labels.

Crawled pages carry anything: NUL bytes, terminal escapes, lone surrogates
left by bytes that were not UTF-8. XML 1.0 forbids most control characters
and every surrogate, so each exporter passes its text through
:func:`xml_text` first, which drops only the forbidden characters.

>>> xml_text("a\\x00b\\x0bc\\x1bd\\ud800e")
'abcde'
>>> xml_text("tab\\tnew\\nline é 漢 😀")
'tab\\tnew\\nline é 漢 😀'
>>> one_line("  renew \\n your\\teSIM\\x00  ")
'renew your eSIM'
>>> csv_cell("=cmd|' /C calc'!A0")
"'=cmd|' /C calc'!A0"
>>> csv_cell("-12"), csv_cell("plain")
("'-12", 'plain')
"""

from __future__ import annotations

import re

__all__ = ["xml_text", "one_line", "xml_id", "csv_cell", "visible_controls"]

# Everything XML 1.0 does not allow in a document (section 2.2, "Char"),
# including lone surrogates and U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")
# OWASP "CSV injection": a cell starting with one of these may run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def xml_text(text: object) -> str:
    """``text`` as a string without the characters XML 1.0 forbids."""
    return _XML_INVALID.sub("", str(text))


def one_line(text: object) -> str:
    """:func:`xml_text` with runs of white space collapsed to one space, trimmed."""
    return _SPACES.sub(" ", xml_text(text)).strip()


# Characters that change how text around them displays, or display as nothing:
# bidi embeddings, overrides, isolates and marks, zero-width space, word
# joiner, invisible operators, BOM, and the Hangul fillers used as blank names.
# (ZWNJ and ZWJ stay: Persian, Indic scripts and emoji sequences need them.)
_INVISIBLE = re.compile("[\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0]")


def visible_controls(text: str) -> str:
    """``text`` with bidi controls and invisible characters written out as
    ``[U+XXXX]``: a page title cannot reverse what is shown next to it, nor
    hide what it holds.

    >>> visible_controls("invoice\u202egnp.exe")
    'invoice[U+202E]gnp.exe'
    >>> visible_controls("zero\u200bwidth \u05e9\u05dc\u05d5\u05dd 👩\u200d💻")
    'zero[U+200B]width שלום 👩\u200d💻'
    """
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def _escape_char(match: re.Match[str]) -> str:
    return "%" + "%".join(f"{b:02X}" for b in match.group().encode("utf-8", "surrogatepass"))


def xml_id(text: str) -> str:
    """A node id usable in XML: forbidden characters percent-encoded, not dropped.

    Dropping them could merge two ids; encoding keeps every id distinct and the
    same wherever it is written (node, edge source, edge target).

    >>> xml_id("page:http://a.example/\\x00x")
    'page:http://a.example/%00x'
    """
    return _XML_INVALID.sub(_escape_char, text)


def csv_cell(value: object) -> object:
    """A spreadsheet cell that cannot run as a formula (numbers pass through).

    Text is made :func:`one_line` (Gephi's importer reads one line per row), and
    then text starting with ``= + - @``, tab, CR, LF or NUL gets a leading
    ``'``, as OWASP recommends.

    >>> csv_cell("\\x00\\x1b=1+1"), csv_cell(3), csv_cell("\\t@x")
    ("'=1+1", 3, "'@x")
    """
    if isinstance(value, (bool, int, float)):
        return value
    text = one_line(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
