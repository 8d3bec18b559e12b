"""Registered domains ("sites") from URLs and host names, offline.

One :class:`tldextract.TLDExtract` is built with ``suffix_list_urls=()`` so it
never fetches the Public Suffix List: it uses the snapshot bundled with the
package. Private suffixes are included, so every ``x.blogspot.com`` is a site
of its own.

>>> registered_domain("https://www.Example.co.uk:8080/a?b")
'example.co.uk'
>>> registered_domain("http://alice.blogspot.com/post")
'alice.blogspot.com'
>>> registered_domain("i.postimg.cc")
'postimg.cc'
>>> registered_domain("http://127.0.0.1:8080/")
'127.0.0.1'
>>> registered_domain("not a url")
''

A suffix the bundled list does not know yet follows the list's default rule
(``*``: the last label is the suffix), so two hosts under it are two sites:

>>> registered_domain("http://shop.a.example/"), registered_domain("b.example"), registered_domain("localhost")
('a.example', 'b.example', 'localhost')

IP literals are whole, however many dots or colons they have:

>>> registered_domain("http://[2001:db8::1.2.3.4]/"), registered_domain("http://[::FFFF:1.2.3.4]:8080/")
('2001:db8::102:304', '::ffff:102:304')
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

__all__ = ["EXTRACTOR", "registered_domain", "host_of"]

#: The project's only TLDExtract: bundled snapshot, private suffixes, no cache dir.
EXTRACTOR = tldextract.TLDExtract(
    cache_dir=None,
    suffix_list_urls=(),
    fallback_to_snapshot=True,
    include_psl_private_domains=True,
)


#: A lower-case host name of letters, digits, dashes and dots, alone.
_PLAIN_HOST = re.compile(r"[a-z0-9][a-z0-9.-]*\Z")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


def host_of(url_or_host: str) -> str:
    """The lower-case host of a URL, or the argument itself if it is a bare host.

    >>> host_of("HTTP://User@WWW.Example.com:80/x")
    'www.example.com'
    >>> host_of("www.example.com")
    'www.example.com'
    >>> host_of("http://[::1]:8080/")
    '::1'
    """
    if _PLAIN_HOST.match(url_or_host):  # already a host as urlsplit would return it
        return url_or_host.rstrip(".")
    s = url_or_host.strip()
    if "://" not in s and not s.startswith("//"):
        s = "//" + s
    try:
        host = urlsplit(s).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


@lru_cache(maxsize=1 << 16)
def _registered(host: str) -> str:
    if not host or _CONTROL_OR_SPACE.search(host):
        return ""
    if ":" in host or host.replace(".", "").isdigit():
        try:
            return str(ipaddress.ip_address(host))  # an IP literal is its own site
        except ValueError:
            pass
    ext = EXTRACTOR.extract_str(host)
    if ext.suffix:
        return f"{ext.domain}.{ext.suffix}" if ext.domain else host
    # No rule of the list matches: the Public Suffix algorithm's default rule "*"
    # makes the last label the suffix, so the last two labels are the site.
    return ".".join(host.split(".")[-2:])


def registered_domain(url_or_host: str) -> str:
    """The registered domain (site) of a URL or host; IPs are their own site."""
    return _registered(host_of(url_or_host))
