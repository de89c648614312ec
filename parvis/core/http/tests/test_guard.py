"""The address guard, without network: categories, allowance format, URL checks."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from parvis.core.http.errors import AddressRefusedError
from parvis.core.http.guard import Guard, check_url, forbidden_category, parse_allowance


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.7", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("100.127.255.254", "shared (CGNAT)"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104
        ("224.0.0.251", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.10", "reserved"),
        ("198.18.0.1", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fd12:3456::1", "unique-local"),
        ("fc00::1", "unique-local"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "reserved"),
        ("::ffff:127.0.0.1", "loopback, IPv6 form"),
        ("::ffff:10.0.0.1", "private, IPv6 form"),
        ("::ffff:169.254.169.254", "link-local, IPv6 form"),
        ("64:ff9b::7f00:1", "loopback, IPv6 form"),
        ("2002:7f00:1::1", "loopback, IPv6 form"),
    ],
)
def test_internal_addresses_are_forbidden_with_their_reason(address, category):
    assert forbidden_category(ipaddress.ip_address(address)) == category


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "8.8.8.8", "100.63.255.255", "172.32.0.1", "2a01:e0a::1", "::ffff:8.8.8.8"],
)
def test_public_addresses_are_allowed(address):
    assert forbidden_category(ipaddress.ip_address(address)) is None


def test_the_allowance_format_accepts_addresses_networks_ports_and_names():
    allowance = parse_allowance(
        [
            "127.0.0.1",
            "127.0.0.2:8443",
            "10.0.0.0/8",
            "[::1]:3000",
            "localhost:3000",
            "Mastodon.local",
        ]
    )
    loopback = ipaddress.ip_address("127.0.0.1")
    assert allowance.allows_address(loopback, 1)
    assert allowance.allows_address(ipaddress.ip_address("127.0.0.2"), 8443)
    assert not allowance.allows_address(ipaddress.ip_address("127.0.0.2"), 8444)
    assert allowance.allows_address(ipaddress.ip_address("10.200.0.1"), 80)
    assert allowance.allows_address(ipaddress.ip_address("::1"), 3000)
    assert not allowance.allows_address(ipaddress.ip_address("::1"), 80)
    assert allowance.allows_address(ipaddress.ip_address("::ffff:127.0.0.1"), 80)
    assert allowance.allows_host("localhost", 3000)
    assert not allowance.allows_host("localhost", 3001)
    assert allowance.allows_host("mastodon.local.", 443)


def test_an_ipv6_network_may_carry_a_port():
    allowance = parse_allowance(["fd00::/8:8080", "::1"])
    assert allowance.allows_address(ipaddress.ip_address("fd00::5"), 8080)
    assert not allowance.allows_address(ipaddress.ip_address("fd00::5"), 80)
    assert allowance.allows_address(ipaddress.ip_address("::1"), 80)


@pytest.mark.parametrize(
    "entry", ["127.0.0.1:0", "127.0.0.1:70000", "localhost:abc", "[::1]x", "a b", "http://x/"]
)
def test_bad_allowance_entries_are_refused(entry):
    with pytest.raises(ValueError, match="'"):
        parse_allowance([entry])


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/",
        "file:///etc/passwd",
        "gopher://example.org/",
        "http://user:secret@example.org/",
        "https://user@example.org/",
        "http:///nohost",
        "http://example.org:99999/",
    ],
)
def test_urls_other_than_plain_http_are_refused(url):
    with pytest.raises(AddressRefusedError) as refused:
        check_url(url)
    assert refused.value.permanent


def test_plain_https_urls_pass():
    check_url("https://mastodon.social/api/v1/instance")
    check_url("http://[2a01:e0a::1]:8080/")


def fake_resolver(table):
    def resolve(host, port, type=0):
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in table[host]
        ]

    return resolve


def test_a_name_resolving_to_a_private_address_is_refused():
    guard = Guard(resolver=fake_resolver({"evil.example": ["10.0.0.5"]}))
    with pytest.raises(AddressRefusedError, match=r"10\.0\.0\.5"):
        guard.resolve("evil.example", 443)


def test_a_name_mixing_public_and_private_records_is_refused_whole():
    guard = Guard(resolver=fake_resolver({"mixed.example": ["93.184.215.14", "127.0.0.1"]}))
    with pytest.raises(AddressRefusedError, match="loopback"):
        guard.resolve("mixed.example", 443)


def test_a_public_name_resolves_to_its_addresses():
    guard = Guard(resolver=fake_resolver({"ok.example": ["93.184.215.14", "2a01:e0a::1"]}))
    assert guard.resolve("OK.example.", 443) == ["93.184.215.14", "2a01:e0a::1"]


def test_an_allowed_host_name_may_resolve_to_a_private_address():
    guard = Guard(
        allowance=parse_allowance(["mastodon.local:3000"]),
        resolver=fake_resolver({"mastodon.local": ["192.168.1.10"]}),
    )
    assert guard.resolve("mastodon.local", 3000) == ["192.168.1.10"]
    with pytest.raises(AddressRefusedError):
        guard.resolve("mastodon.local", 443)


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "0177.0.0.1", "127.1", "::ffff:7f00:1"])
def test_numeric_forms_of_loopback_are_refused_after_resolution(host):
    # The system resolver (inet_aton) reads decimal, hexadecimal and octal forms as 127.0.0.1:
    # the guard judges what the resolver returns, not the spelling.
    with pytest.raises(AddressRefusedError, match="loopback"):
        Guard().resolve(host, 80)


def test_a_name_that_does_not_resolve_raises_gaierror():
    with pytest.raises(socket.gaierror):
        Guard(resolver=fake_resolver({})).resolve("nowhere.invalid", 80)
