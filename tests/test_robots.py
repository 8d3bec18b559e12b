"""crawler/robots.py: robots.txt read with bounded cost (issue 17). Work is counted, never timed."""

from __future__ import annotations

import pytest

from crawler import robots
from crawler.robots import MAX_BYTES, MAX_RULES, BoundedRobotParser, Rule, RobotsRules

UA = "Cobweb/0.1 (campaign research crawler)"


@pytest.mark.parametrize(("rules", "url", "allowed"), [
    ("Disallow: /private/", "http://a.example/private/x", False),
    ("Disallow: /private/", "http://a.example/public/x", True),
    ("Disallow: /\nAllow: /ok", "http://a.example/ok/1", True),
    ("Disallow: /*.php$", "http://a.example/x.php", False),
    ("Disallow: /*.php$", "http://a.example/x.php?a=1", True),
    ("Disallow: /*?sid=", "http://a.example/x?sid=1", False),
    ("Allow: /a\nDisallow: /a", "http://a.example/a", True),  # a tie: Allow
    ("Disallow: /a%3Cb", "http://a.example/a<b", False),
    ("Disallow:", "http://a.example/x", True),
    ("Disallow: /", "http://a.example/robots.txt", True),
])
def test_rfc_9309_rules(rules: str, url: str, allowed: bool) -> None:
    rp = BoundedRobotParser(f"User-agent: *\n{rules}\n".encode())
    assert rp.allowed(url, UA) is allowed


def test_the_most_specific_group_applies() -> None:
    rp = BoundedRobotParser(b"User-agent: *\nDisallow: /\n\nUser-agent: cobweb\nUser-agent: other\nDisallow: /x\n")
    assert rp.allowed("http://a.example/y", UA)
    assert not rp.allowed("http://a.example/x", UA)
    assert not rp.allowed("http://a.example/y", "SomeBot/1.0")


def test_many_stars_cost_one_pass_per_piece() -> None:
    """A regex translation backtracks on ``/*x*x*x...*y`` against ``/xxxx...``: this matcher does not."""
    rule = Rule.of(False, "/" + "*x" * 30 + "*y")
    assert not rule.matches("/" + "x" * 5000)
    assert rule.matches("/" + "x" * 40 + "y")


def test_only_the_first_500_kib_are_read() -> None:
    body = b"User-agent: *\n" + b"Allow: /ok\n" * (MAX_BYTES // 11) + b"Disallow: /late\n"
    assert BoundedRobotParser(body).allowed("http://a.example/late", UA)


def test_rules_are_capped_and_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17: 300,000 wildcard rules held every request of the crawl."""
    lines = [f"Disallow: /*{i:x}*/z*{i}$" for i in range(300_000)]
    body = ("User-agent: *\n" + "\n".join(lines)).encode()
    compiled = []
    real = Rule.of
    monkeypatch.setattr(robots.Rule, "of", classmethod(lambda cls, *a: compiled.append(a) or real(*a)))
    rp = BoundedRobotParser(body)
    for i in range(50):
        rp.allowed(f"http://a.example/page-{i}.html", UA)
    assert len(compiled) <= MAX_RULES
    assert len(rp.rules.rules_for("cobweb")) <= MAX_RULES


def test_the_project_reads_robots_txt_with_it() -> None:
    import crawler.settings as project_settings

    assert project_settings.ROBOTSTXT_PARSER == "crawler.robots.BoundedRobotParser"
    assert isinstance(RobotsRules.parse(b""), RobotsRules)
