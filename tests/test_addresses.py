"""Unit tests for crawler.addresses: which hosts are never contacted."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.addresses import (
    InvalidIPAddress,
    host_category,
    ip_category,
    is_forbidden_host,
    name_category,
    normalize_host,
    parse_ip,
)

FORBIDDEN = {
    # the hostile web's targets
    "169.254.169.254": "link-local",
    "10.0.0.5": "private",
    "127.0.0.1": "loopback",
    "[::1]": "loopback",
    "::1": "loopback",
    "localhost": "localhost",
    "192.168.1.1": "private",
    # other spellings of loopback
    "2130706433": "loopback",
    "0x7f000001": "loopback",
    "0x7f.1": "loopback",
    "0x7F.0.0.1": "loopback",
    "0177.0.0.1": "loopback",
    "017700000001": "loopback",
    "127.1": "loopback",
    "127.0.1": "loopback",
    "127.0.0.1.": "loopback",
    "127。0。0。1": "loopback",
    "%31%32%37.0.0.1": "loopback",
    "[0:0:0:0:0:0:0:1]": "loopback",
    "[::ffff:127.0.0.1]": "loopback (IPv4-mapped)",
    "[::ffff:7f00:1]": "loopback (IPv4-mapped)",
    "[::ffff:169.254.169.254]": "link-local (IPv4-mapped)",
    "[64:ff9b::a9fe:a9fe]": "link-local (IPv4-translated)",
    "[2002:a00:5::1]": "private (6to4)",
    "LocalHost": "localhost",
    "localhost.": "localhost",
    "ｌｏｃａｌｈｏｓｔ": "localhost",
    "admin.localhost": "localhost",
    # other non-public ranges
    "0.0.0.0": "unspecified",
    "0": "unspecified",
    "0.1.2.3": "this network",
    "172.16.0.1": "private",
    "172.31.255.255": "private",
    "100.64.0.1": "shared address space (CGNAT)",
    "100.127.255.254": "shared address space (CGNAT)",
    "224.0.0.251": "multicast",
    "239.255.255.250": "multicast",
    "255.255.255.255": "broadcast",
    "240.0.0.1": "reserved",
    "192.0.2.10": "documentation",
    "198.18.0.1": "benchmarking",
    "[::]": "unspecified",
    "[fe80::1%25eth0]": "link-local",
    "[fd12:3456::1]": "private",
    "[fc00::1]": "private",
    "[ff02::1]": "multicast",
    "[2001:db8::1]": "documentation",
    "[2001:0:4136:e378:8000:63bf:3fff:fdd2]": "reserved (Teredo)",
    "[::7f00:1]": "reserved",
    # names that only exist inside a network
    "intranet": "single-label name",
    "router": "single-label name",
    "printer.local": "local-only name (.local)",
    "db.internal": "local-only name (.internal)",
    "nas.home.arpa": "local-only name (.home.arpa)",
    "mail.corp": "local-only name (.corp)",
    # not a host: what a resolver or a decoding proxy may read as loopback (issue 17)
    "127.0.0.1%09": "invalid host name",
    "127.0.0.1%20": "invalid host name",
    "127.0.0.1%0a": "invalid host name",
    "127.0.0.1%0A": "invalid host name",
    "127.0.0.1%00.evil.example": "invalid host name",
    "127.0.0.1\t": "loopback",
    "evil.example%00": "invalid host name",
    "ex ample.com": "invalid host name",
    "a%2541.example.com": "invalid host name",
    "a..b.example.com": "invalid host name",
    "x" * 64 + ".example.com": "invalid host name",
    "a\u202eb.example.com": "invalid host name",
}

PUBLIC = [
    "example.com", "leb-help.com", "t.me", "i.postimg.cc", "a.example", "xn--fiqs8s.xn--55qx5d",
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "11.0.0.1",
    "[2001:4860:4860::8888]", "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]",
    "localhost-tools.com", "mylocal.com", "1e100.net", "0x7f.example.com",
    "例子.中国", "my_blog.example.com", "a-b-c.example.com", "%65xample.com",
]


@pytest.mark.parametrize(("host", "category"), sorted(FORBIDDEN.items()))
def test_forbidden_hosts(host: str, category: str) -> None:
    assert host_category(host) == category
    assert is_forbidden_host(host)


@pytest.mark.parametrize("host", PUBLIC)
def test_public_hosts(host: str) -> None:
    assert host_category(host) is None
    assert not is_forbidden_host(host)


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.0.0.1", "1.2.3.08", "0x1g.1", "1..2.3",
                                  "example.123", "4294967296", "[::1::2]"])
def test_invalid_numeric_hosts(host: str) -> None:
    with pytest.raises(InvalidIPAddress):
        parse_ip(host)
    assert host_category(host) == "invalid IP address"


def test_empty_host() -> None:
    assert host_category("") == "empty host"
    assert host_category(".") == "empty host"


def test_normalize_host() -> None:
    assert normalize_host("WWW.Example.COM..") == "www.example.com"
    assert normalize_host("[::FFFF:7F00:1]") == "::ffff:7f00:1"
    assert name_category("www.example.com") is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_spelling_reads_the_same(value: int) -> None:
    ip = IPv4Address(value)
    octets = [int(o) for o in str(ip).split(".")]
    spellings = [
        str(ip),
        str(value),
        hex(value),
        "0" + oct(value)[2:] if value else "0",
        ".".join(hex(o) for o in octets),
        ".".join("0" + oct(o)[2:] if o else "0" for o in octets),
        f"{octets[0]}.{(octets[1] << 16) | (octets[2] << 8) | octets[3]}",
        f"{octets[0]}.{octets[1]}.{(octets[2] << 8) | octets[3]}",
        f"[::ffff:{ip}]",
    ]
    expected = ip_category(ip)
    for spelling in spellings:
        assert parse_ip(spelling) in (ip, parse_ip(f"::ffff:{ip}")), spelling
        got = host_category(spelling)
        if spelling.startswith("["):
            assert got == (f"{expected} (IPv4-mapped)" if expected else None), spelling
        else:
            assert got == expected, spelling
