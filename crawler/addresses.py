"""Which hosts the crawler must never contact: pure classification, no I/O.

A host is *forbidden* when it names this machine or a network that is not the
public internet: loopback, private (RFC 1918, IPv6 unique-local), shared
address space (CGNAT), link-local (cloud metadata at 169.254.169.254),
multicast, broadcast, unspecified, documentation, benchmarking and reserved
ranges, and names that only exist inside a network (``localhost``,
``*.localhost``, ``*.local``, ``*.internal``, single-label names, ...).

IPv4 literals are read the way browsers and ``inet_aton`` read them, so the
short, decimal, octal and hexadecimal spellings of loopback are caught too.
IPv6 literals that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged
by the address they embed.

>>> host_category("127.0.0.1"), host_category("2130706433"), host_category("0x7f.1")
('loopback', 'loopback', 'loopback')
>>> host_category("0177.0.0.1"), host_category("127.1"), host_category("[::1]")
('loopback', 'loopback', 'loopback')
>>> host_category("::ffff:127.0.0.1"), host_category("::ffff:a9fe:a9fe")
('loopback (IPv4-mapped)', 'link-local (IPv4-mapped)')
>>> host_category("169.254.169.254"), host_category("10.0.0.5"), host_category("192.168.1.1")
('link-local', 'private', 'private')
>>> host_category("100.64.0.1"), host_category("224.0.0.1"), host_category("0.0.0.0")
('shared address space (CGNAT)', 'multicast', 'unspecified')
>>> host_category("localhost"), host_category("LOCALHOST."), host_category("api.localhost")
('localhost', 'localhost', 'localhost')
>>> host_category("printer.local"), host_category("intranet")
('local-only name (.local)', 'single-label name')
>>> host_category("1.2.3.4.5"), host_category("256.0.0.1")
('invalid IP address', 'invalid IP address')
>>> host_category("example.com") is None, host_category("8.8.8.8") is None
(True, True)

A host that is neither an IP literal nor a valid DNS name once percent-decoded
and IDNA-encoded (controls, spaces, NUL, ``%``, ...) is refused too: a resolver
or proxy may read ``127.0.0.1%09`` or ``127.0.0.1%00.evil.example`` as loopback.

>>> host_category("127.0.0.1%09"), host_category("127.0.0.1%00.evil.example")
('invalid host name', 'invalid host name')
>>> host_category("xn--fsqu00a.xn--fiqs8s") is None, host_category("例子.中国") is None
(True, True)
>>> host_category("2001:4860:4860::8888") is None, host_category("fd00::1")
(True, 'private')
"""

from __future__ import annotations

import re
import unicodedata
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import unquote

__all__ = [
    "IPAddress",
    "InvalidIPAddress",
    "normalize_host",
    "parse_ip",
    "ip_category",
    "name_category",
    "host_category",
    "is_forbidden_host",
    "first_forbidden_address",
    "is_dns_name",
]

IPAddress = IPv4Address | IPv6Address


class InvalidIPAddress(ValueError):
    """A host that must be read as an IP address but is not a valid one (``256.0.0.1``)."""


#: IPv4 ranges that are not the public internet (IANA IPv4 special-purpose registry).
_IPV4_FORBIDDEN: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), label)
    for net, label in (
        ("0.0.0.0/32", "unspecified"),
        ("0.0.0.0/8", "this network"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared address space (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved (IETF protocol assignments)"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "reserved (6to4 relay)"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
    )
)

_IPV6_GLOBAL_UNICAST = IPv6Network("2000::/3")
_IPV6_NAT64 = IPv6Network("64:ff9b::/96")
_IPV6_TRANSLATED = IPv6Network("::ffff:0:0:0/96")
_IPV6_6TO4 = IPv6Network("2002::/16")
#: IPv6 ranges that are not the public internet, checked in order.
_IPV6_FORBIDDEN: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), label)
    for net, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("fc00::/7", "private"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "private"),
        ("ff00::/8", "multicast"),
        ("2001::/32", "reserved (Teredo)"),
        ("2001:db8::/32", "documentation"),
        ("2001::/23", "reserved (IETF protocol assignments)"),
        ("3fff::/20", "documentation"),
    )
)

#: Names that only exist inside a network or on this machine (last labels).
_LOCAL_SUFFIXES: tuple[str, ...] = (
    "local",  # mDNS, RFC 6762
    "internal",  # reserved for private use by ICANN
    "intranet",
    "corp",
    "home",
    "lan",
    "localdomain",
    "private",
    "home.arpa",  # RFC 8375
)

_HEX = re.compile(r"[0-9a-f]*\Z")
#: One label of a DNS name as resolvers and proxies accept it (LDH, and the
#: underscore that real host names carry; IDN labels in their ``xn--`` form).
_DNS_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\Z")
_OCT = re.compile(r"[0-7]+\Z")
_DEC = re.compile(r"[0-9]+\Z")


def normalize_host(host: str) -> str:
    """The host as a resolver or a proxy would read it: percent-decoded,
    NFKC-folded (full-width letters and ideographic dots), lower-case, without
    IPv6 brackets, zone id or trailing dots.

    >>> normalize_host("ＬＯＣＡＬＨＯＳＴ。"), normalize_host("%31%32%37.0.0.1")
    ('localhost', '127.0.0.1')
    >>> normalize_host("[FE80::1%25eth0]")
    'fe80::1'
    """
    host = unquote(host.strip())
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:  # IPv6 literal: drop the zone id
        return host.split("%", 1)[0].lower()
    host = unicodedata.normalize("NFKC", host)
    host = host.replace("\u3002", ".").replace("\uff61", ".")
    return host.lower().rstrip(".")


def _ipv4_part(part: str) -> int | None:
    """One dotted part of an IPv4 literal in decimal, octal (``0``) or hex (``0x``)."""
    if part[:2] in ("0x", "0X"):
        digits = part[2:].lower()
        return int(digits, 16) if digits and _HEX.match(digits) else (0 if not digits else None)
    if len(part) > 1 and part[0] == "0":
        return int(part, 8) if _OCT.match(part) else None
    return int(part) if _DEC.match(part) else None


def _parse_ipv4(host: str) -> IPv4Address | None:
    """Read ``host`` as an IPv4 literal the way browsers do, or return None when
    it is a name. Raise :class:`InvalidIPAddress` when it ends in a number but
    is no valid address.
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    last = parts[-1]
    if not last or (not _DEC.match(last) and _ipv4_part(last) is None):
        return None  # does not end in a number: a domain name
    if len(parts) > 4 or any(not p for p in parts):
        raise InvalidIPAddress(host)
    numbers = [_ipv4_part(p) for p in parts]
    if any(n is None for n in numbers):
        raise InvalidIPAddress(host)
    *head, last = numbers
    assert last is not None
    if any(n is None or n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        raise InvalidIPAddress(host)
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))  # type: ignore[operator]
    return IPv4Address(value)


def parse_ip(host: str) -> IPAddress | None:
    """The IP address a host literal stands for, or None when it is a name.

    >>> parse_ip("0x7f.1"), parse_ip("2130706433"), parse_ip("[::1]")
    (IPv4Address('127.0.0.1'), IPv4Address('127.0.0.1'), IPv6Address('::1'))
    >>> parse_ip("017700000001"), parse_ip("192.168.257"), parse_ip("example.com")
    (IPv4Address('127.0.0.1'), IPv4Address('192.168.1.1'), None)
    >>> parse_ip("1.2.3.999")
    Traceback (most recent call last):
    ...
    crawler.addresses.InvalidIPAddress: 1.2.3.999
    """
    host = normalize_host(host)
    if ":" in host:
        try:
            return IPv6Address(host)
        except ValueError:
            raise InvalidIPAddress(host) from None
    if not host:
        return None
    return _parse_ipv4(host)


def _ipv4_category(ip: IPv4Address) -> str | None:
    for net, label in _IPV4_FORBIDDEN:
        if ip in net:
            return label
    return None


def _embedded_ipv4(ip: IPv6Address) -> tuple[IPv4Address, str] | None:
    """The IPv4 address an IPv6 address stands for, with the way it embeds it."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    if ip in _IPV6_TRANSLATED or ip in _IPV6_NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF), "IPv4-translated"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    return None


def ip_category(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public internet address, or None when it is.

    >>> ip_category(parse_ip("172.20.1.1")), ip_category(parse_ip("1.1.1.1"))
    ('private', None)
    >>> ip_category(parse_ip("64:ff9b::10.0.0.1"))
    'private (IPv4-translated)'
    >>> ip_category(parse_ip("2002:7f00:1::")), ip_category(parse_ip("::7f00:1"))
    ('loopback (6to4)', 'reserved')
    """
    if isinstance(ip, IPv4Address):
        return _ipv4_category(ip)
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        v4, how = embedded
        label = _ipv4_category(v4)
        return f"{label} ({how})" if label else None
    for net, label in _IPV6_FORBIDDEN:
        if ip in net:
            return label
    if ip not in _IPV6_GLOBAL_UNICAST:
        return "reserved"
    return None


def name_category(name: str) -> str | None:
    """Why a host *name* can only mean this machine or a private network, or None.

    >>> name_category("localhost.localdomain"), name_category("nas.home.arpa")
    ('localhost', 'local-only name (.home.arpa)')
    >>> name_category("leb-help.com") is None
    True
    """
    name = normalize_host(name)
    if name == "localhost" or name.endswith(".localhost") or name.startswith("localhost."):
        return "localhost"
    if "." not in name:
        return "single-label name"
    for suffix in _LOCAL_SUFFIXES:
        if name.endswith("." + suffix):
            return f"local-only name (.{suffix})"
    return None


def is_dns_name(name: str) -> bool:
    """Whether a normalized host name (:func:`normalize_host`) is a valid DNS
    name: at most 253 characters of IDNA-encoded labels of letters, digits,
    hyphens (and underscores), 63 at most each.

    >>> is_dns_name("leb-help.com"), is_dns_name("例子.中国"), is_dns_name("a_b.example.com")
    (True, True, True)
    >>> is_dns_name("127.0.0.1\t"), is_dns_name("a b.com"), is_dns_name("x%41.com"), is_dns_name("a..b")
    (False, False, False, False)
    """
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    return len(name) <= 253 and all(_DNS_LABEL.match(label) for label in name.split("."))


def host_category(host: str) -> str | None:
    """Why ``host`` (a URL's host: name, IPv4 in any spelling, or IPv6) must not
    be contacted, or None when nothing in the host itself forbids it. A name
    can still resolve to a forbidden address: see :func:`ip_category`.
    """
    try:
        ip = parse_ip(host)
    except InvalidIPAddress:
        return "invalid IP address"
    if ip is not None:
        return ip_category(ip)
    name = normalize_host(host)
    if not name:
        return "empty host"
    if not is_dns_name(name):
        return "invalid host name"
    return name_category(host)


def is_forbidden_host(host: str) -> bool:
    """True when :func:`host_category` forbids ``host``.

    >>> is_forbidden_host("10.1.2.3"), is_forbidden_host("t.me")
    (True, False)
    """
    return host_category(host) is not None



def first_forbidden_address(addresses: list[str]) -> str | None:
    """``"<address> (<category>)"`` of the first forbidden one of resolved ``addresses``.

    >>> first_forbidden_address(["93.184.215.14", "127.0.0.1"])
    '127.0.0.1 (loopback)'
    >>> first_forbidden_address(["93.184.215.14"]) is None, first_forbidden_address(["x"])
    (True, 'x (unparsable address)')
    """
    for address in addresses:
        try:
            ip = parse_ip(address)
        except InvalidIPAddress:
            ip = None
        category = ip_category(ip) if ip is not None else "unparsable address"
        if category is not None:
            return f"{address} ({category})"
    return None
