"""Which links the crawler follows: pure rules, kept out of the spider.

Links to messaging and social platforms are contacts and share buttons. They
are extracted as artifacts (``t.me/x`` is the handle ``telegram:x``), but
their pages are never campaign pages: login walls and share dialogs, often
https-only, that cost every crawl a round of requests, retries and
AutoThrottle waits per page that links them.

>>> rules = LinkRules(nofollow_domains=NOFOLLOW_DOMAINS)
>>> rules.follows("http://blog.example.com/post")
True
>>> rules.follows("https://t.me/s/some_handle"), rules.follows("https://www.facebook.com/sharer/sharer.php?u=x")
(False, False)
>>> rules.follows("mailto:a@b.com"), rules.follows("file:///etc/passwd")
(False, False)
>>> LinkRules().follows("https://t.me/s/some_handle")
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crawler.domains import registered_domain
from crawler.urls import is_http_url

__all__ = ["LinkRules", "NOFOLLOW_DOMAINS"]

#: Registered domains of messaging and social platforms (setting COBWEB_NOFOLLOW_DOMAINS).
NOFOLLOW_DOMAINS: frozenset[str] = frozenset({
    # messaging: contact links
    "t.me", "telegram.me", "telegram.dog", "telegram.org", "wa.me", "whatsapp.com",
    "line.me", "lin.ee", "qq.com", "viber.com", "signal.me", "skype.com",
    # social networks: share buttons and profiles behind login walls
    "facebook.com", "fb.com", "twitter.com", "x.com", "instagram.com", "linkedin.com",
    "pinterest.com", "reddit.com", "tumblr.com", "vk.com", "weibo.com", "douban.com",
    "tiktok.com", "youtube.com", "threads.net",
})


@dataclass(frozen=True, slots=True)
class LinkRules:
    """The crawl's link rules: only http(s), never a no-follow domain."""

    nofollow_domains: frozenset[str] = frozenset()

    @classmethod
    def from_domains(cls, domains: Iterable[str]) -> LinkRules:
        return cls(frozenset(d.strip().lower() for d in domains if d.strip()))

    def follows(self, url: str) -> bool:
        """Whether the crawler requests ``url`` when a page links it."""
        if not is_http_url(url):
            return False
        return not self.nofollow_domains or registered_domain(url) not in self.nofollow_domains
