"""robots.txt read with bounded cost: a size cap, a rule cap, and a linear-time matcher.

A site decides what robots.txt holds, so reading it must cost little whatever
it holds. :class:`BoundedRobotParser` (``ROBOTSTXT_PARSER``) follows RFC 9309
(the group of the most specific matching user agent, else ``*``; the longest
matching rule wins, ``Allow`` on a tie; ``*`` and ``$`` in paths), with bounds:

* only the first :data:`MAX_BYTES` (500 KiB, the least RFC 9309 lets a crawler
  read) are read, cut at a line end;
* only the first :data:`MAX_RULES` rules of the group that applies are kept
  (a site with more is crawled as if the rest were not there);
* rules are compiled once per host, and a path is matched against a rule
  without regular expressions: ``*`` splits a rule into literal pieces found
  left to right (``str.find``), so no rule, whatever its stars, costs more
  than one pass over the path per piece.

>>> rp = RobotsRules.parse(b"User-agent: *\\nDisallow: /private/\\nAllow: /private/ok*.html$\\n"
...                        b"User-agent: cobweb\\nDisallow: /*.php$\\n")
>>> rp.allowed("http://a.example/private/x", "Cobweb/0.1"), rp.allowed("http://a.example/x.php", "Cobweb/0.1")
(True, False)
>>> rp.allowed("http://a.example/private/x", "OtherBot"), rp.allowed("http://a.example/private/ok1.html", "OtherBot")
(False, True)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from scrapy.robotstxt import RobotParser

if TYPE_CHECKING:
    from typing_extensions import Self

    from scrapy.crawler import Crawler

__all__ = ["BoundedRobotParser", "RobotsRules", "Rule", "MAX_BYTES", "MAX_RULES"]

logger = logging.getLogger(__name__)

#: The part of a robots.txt that is read.
MAX_BYTES = 500 * 1024
#: Rules kept for the group that applies.
MAX_RULES = 1000


@dataclass(slots=True, frozen=True)
class Rule:
    """One ``Allow`` or ``Disallow`` line, compiled: its literal pieces between ``*``.

    >>> Rule.of(True, "/a*b$").matches("/axxb"), Rule.of(True, "/a*b$").matches("/axxbc")
    (True, False)
    >>> Rule.of(False, "/*x*x*x*x*x*y").matches("/" + "x" * 50)
    False
    """

    allow: bool
    length: int  # the priority of the rule: the length of its path as written
    pieces: tuple[str, ...]  # the literal text between the stars
    anchored: bool  # ends in ``$``: the path ends where the rule ends

    @classmethod
    def of(cls, allow: bool, pattern: str) -> Rule:
        anchored = pattern.endswith("$")
        body = unquote(pattern[:-1] if anchored else pattern)
        return cls(allow, len(pattern), tuple(body.split("*")), anchored)

    def matches(self, path: str) -> bool:
        """Whether the rule covers ``path``: greedy, leftmost, linear in the path per piece."""
        first, *rest = self.pieces
        if not path.startswith(first):
            return False
        if not rest:
            return not self.anchored or len(path) == len(first)
        at = len(first)
        *middle, last = rest
        for piece in middle:
            found = path.find(piece, at)
            if found < 0:
                return False
            at = found + len(piece)
        if self.anchored:
            return len(path) - len(last) >= at and path.endswith(last)
        return path.find(last, at) >= 0


@dataclass(slots=True)
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[tuple[bool, str]] = field(default_factory=list)


def _lines(body: bytes) -> list[tuple[str, str]]:
    """``(field, value)`` of each line of the first :data:`MAX_BYTES`, comments removed."""
    if len(body) > MAX_BYTES:
        cut = body.rfind(b"\n", 0, MAX_BYTES)
        body = body[: cut if cut > 0 else MAX_BYTES]
        logger.info("robots.txt over %d bytes: the rest is not read", MAX_BYTES)
    text = body.decode("utf-8-sig", errors="ignore")
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        name, sep, value = line.partition(":")
        if sep:
            out.append((name.strip().lower(), value.strip()))
    return out


def _groups(lines: list[tuple[str, str]]) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    for name, value in lines:
        if name in ("user-agent", "useragent"):
            if current is None or current.rules:
                current = _Group()
                groups.append(current)
            current.agents.append(value.lower())
        elif name in ("allow", "disallow") and current is not None:
            if value:  # an empty Disallow allows everything: no rule
                current.rules.append((name == "allow", value))
    return groups


@dataclass(slots=True)
class RobotsRules:
    """The groups of one robots.txt; each agent's rules compiled on first use."""

    groups: list[_Group]
    _compiled: dict[str, tuple[Rule, ...]] = field(default_factory=dict)

    @classmethod
    def parse(cls, body: bytes) -> RobotsRules:
        return cls(_groups(_lines(body)))

    def rules_for(self, agent: str) -> tuple[Rule, ...]:
        """The rules of the groups that apply to product token ``agent`` (lower
        case), longest first, ``Allow`` first among equals."""
        found = self._compiled.get(agent)
        if found is None:
            named = [g for g in self.groups if agent in g.agents]
            chosen = named or [g for g in self.groups if "*" in g.agents]
            rules = [r for g in chosen for r in g.rules]
            if len(rules) > MAX_RULES:
                logger.info("robots.txt with %d rules for %s: the first %d kept", len(rules), agent, MAX_RULES)
                rules = rules[:MAX_RULES]
            compiled = sorted((Rule.of(allow, pattern) for allow, pattern in rules),
                              key=lambda r: (-r.length, not r.allow))
            found = self._compiled[agent] = tuple(compiled)
        return found

    def allowed(self, url: str, user_agent: str) -> bool:
        parts = urlsplit(url)
        path = unquote(parts.path or "/") + (f"?{unquote(parts.query)}" if parts.query else "")
        if path == "/robots.txt":
            return True
        for rule in self.rules_for(_product_token(user_agent)):
            if rule.matches(path):
                return rule.allow
        return True


def _product_token(user_agent: str) -> str:
    """``Cobweb/0.1 (research)`` -> ``cobweb``."""
    return user_agent.strip().split("/", 1)[0].split(None, 1)[0].lower() if user_agent.strip() else "*"


class BoundedRobotParser(RobotParser):
    """Scrapy's robots.txt parser interface over :class:`RobotsRules`."""

    def __init__(self, robotstxt_body: bytes) -> None:
        self.rules = RobotsRules.parse(robotstxt_body)

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        return cls(robotstxt_body)

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        if isinstance(url, bytes):
            url = url.decode("utf-8", "replace")
        if isinstance(user_agent, bytes):
            user_agent = user_agent.decode("latin-1")
        return self.rules.allowed(url, user_agent)

    def crawl_delay(self, user_agent: str | bytes) -> float | None:
        return None  # AutoThrottle sets the pace
