"""Extraction: pure functions from HTTP bodies to text, links and artifacts.

>>> html = decode_html("<title>LEB卡</title><p>TG：@ESIM1088</p>".encode("gbk"), "text/html; charset=gbk")
>>> page = parse_page(html, "http://a.example/")
>>> match_keywords(page.text, ["leb卡", "续费"])
['leb卡']
>>> [a.label for a in extract_artifacts(html, "http://a.example/", parsed=page)]
['telegram:esim1088']
"""

from .artifacts import extract_artifacts
from .decode import decode_html
from .keywords import keyword_matches, match_keywords
from .page import ParsedPage, parse_page
from .text import normalize

__all__ = [
    "decode_html",
    "parse_page",
    "ParsedPage",
    "match_keywords",
    "keyword_matches",
    "extract_artifacts",
    "normalize",
]
