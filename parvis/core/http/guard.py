"""Which addresses outbound calls may reach: pure functions, no Django, no client library.

Instance URLs come from users, so a URL could point Parvis at itself or at the private network
it runs in (SSRF). The guard refuses such addresses after name resolution, and the transports
connect to the very address that was vetted (no second resolution an attacker could answer
differently: DNS rebinding).

Allowance format (``PARVIS_HTTP_ALLOWED_PRIVATE``, comma-separated), for local test servers:

- an address: ``127.0.0.1``, ``::1`` or ``[::1]``: that address, any port;
- an address and a port: ``127.0.0.1:8443``, ``[::1]:8443``;
- a network in CIDR notation: ``127.0.0.0/8``, ``fd00::/8``, optionally with a port after it:
  ``10.0.0.0/8:8080``;
- a host name, with or without a port: ``localhost``, ``localhost:3000``, ``mastodon.local``:
  whatever that name resolves to, when the URL names that host (and port).

The allowance only lifts the address check; schemes and credentials are always checked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from parvis.core.http.errors import AddressRefusedError

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver: TypeAlias = Callable[..., list[tuple[Any, ...]]]

ALLOWED_SCHEMES = ("http", "https")

# Checked before ``is_global``, so that the refusal names the reason.
_V4_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("unspecified", ("0.0.0.0/8",)),
    ("loopback", ("127.0.0.0/8",)),
    ("private", ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")),
    ("shared (CGNAT)", ("100.64.0.0/10",)),
    ("link-local", ("169.254.0.0/16",)),
    ("multicast", ("224.0.0.0/4",)),
    (
        "reserved",
        (
            "192.0.0.0/24",
            "192.0.2.0/24",
            "192.88.99.0/24",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "240.0.0.0/4",
        ),
    ),
)
_V6_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("unspecified", ("::/128",)),
    ("loopback", ("::1/128",)),
    ("unique-local", ("fc00::/7",)),
    ("link-local", ("fe80::/10",)),
    ("site-local", ("fec0::/10",)),
    ("multicast", ("ff00::/8",)),
    ("reserved", ("100::/64", "2001::/23", "2001:db8::/32", "64:ff9b:1::/48", "::/96")),
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _compile(
    table: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, tuple[IPNetwork, ...]], ...]:
    return tuple((name, tuple(ipaddress.ip_network(n) for n in nets)) for name, nets in table)


_V4 = _compile(_V4_CATEGORIES)
_V6 = _compile(_V6_CATEGORIES)


def forbidden_category(address: IPAddress) -> str | None:
    """Why ``address`` must not be reached ("loopback", "private"…), or None when it is public.

    IPv6 forms that embed an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, NAT64, 6to4) are
    judged by the IPv4 address they carry.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            category = forbidden_category(embedded)
            return f"{category}, IPv6 form" if category else None
        table = _V6
    else:
        table = _V4
    for name, networks in table:
        if any(address in network for network in networks):
            return name
    if not address.is_global:
        return "non-global"
    return None


@dataclass(frozen=True)
class Allowance:
    """Private addresses and host names an operator lets outbound calls reach."""

    networks: tuple[tuple[IPNetwork, int | None], ...] = ()
    hosts: tuple[tuple[str, int | None], ...] = ()

    def allows_address(self, address: IPAddress, port: int) -> bool:
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            candidates.append(address.ipv4_mapped)
        return any(
            candidate.version == network.version
            and candidate in network
            and allowed_port in (None, port)
            for candidate in candidates
            for network, allowed_port in self.networks
        )

    def allows_host(self, host: str, port: int) -> bool:
        name = _normalise_host(host)
        return any(
            name == allowed and allowed_port in (None, port) for allowed, allowed_port in self.hosts
        )


def _normalise_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _split_port(entry: str) -> tuple[str, int | None]:
    """``host:port``, ``[v6]:port``, ``net/len:port`` → (host, port); bare IPv6 has no port."""
    if entry.startswith("["):
        host, _sep, rest = entry[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise ValueError(f"'{entry}': expected [address]:port")
        return host, _port(rest[1:], entry) if rest else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, _port(port, entry)
    if entry.count(":") > 1 and "/" in entry and entry.rsplit("/", 1)[1].count(":") == 1:
        # fd00::/8:8080 — an IPv6 network followed by a port.
        network, port = entry.rsplit(":", 1)
        return network, _port(port, entry)
    return entry, None


def _port(value: str, entry: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"'{entry}': invalid port")
    return int(value)


def parse_allowance(entries: Iterable[str]) -> Allowance:
    """Parse the allowance list (see the module docstring); ValueError on a bad entry."""
    networks: list[tuple[IPNetwork, int | None]] = []
    hosts: list[tuple[str, int | None]] = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        host, port = _split_port(entry)
        try:
            networks.append((ipaddress.ip_network(host, strict=False), port))
            continue
        except ValueError:
            pass
        name = _normalise_host(host)
        if (
            "/" in name
            or not name
            or not all(
                label and len(label) < 64 and label.replace("-", "").replace("_", "").isalnum()
                for label in name.split(".")
            )
        ):
            raise ValueError(f"'{entry}': neither an address, a network nor a host name")
        hosts.append((name, port))
    return Allowance(tuple(networks), tuple(hosts))


def check_url(url: str) -> None:
    """Refuse a URL that is not plain http(s) to a named host, or that carries credentials."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError:
        raise AddressRefusedError(_("adresse invalide")) from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise AddressRefusedError(_("seules les adresses http et https sont acceptées"))
    if parts.username is not None or parts.password is not None:
        raise AddressRefusedError(_("l'adresse contient un identifiant ou un mot de passe"))
    if not parts.hostname:
        raise AddressRefusedError(_("l'adresse ne nomme aucun serveur"))


@dataclass(frozen=True)
class Guard:
    """Resolves a host and returns only addresses that may be reached.

    ``resolver`` has the signature of :func:`socket.getaddrinfo` (tests give a fake one).
    """

    allowance: Allowance = field(default_factory=Allowance)
    resolver: Resolver = socket.getaddrinfo

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` to connect to; AddressRefusedError if any of them is forbidden.

        Refusing the whole name when one of its addresses is private (rather than skipping that
        address) keeps a name that mixes public and private records from reaching the private one.
        Raises :class:`socket.gaierror` when the name does not resolve.
        """
        name = _normalise_host(host)
        infos = self.resolver(name, port, type=socket.SOCK_STREAM)
        addresses: list[str] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            text = str(sockaddr[0]).split("%", 1)[0]
            if text not in addresses:
                addresses.append(text)
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, f"no address for {name}")
        if self.allowance.allows_host(name, port):
            return addresses
        for text in addresses:
            address = ipaddress.ip_address(text)
            category = forbidden_category(address)
            if category and not self.allowance.allows_address(address, port):
                raise AddressRefusedError(
                    _("%(host)s correspond à une adresse interdite (%(address)s, %(category)s)")
                    % {"host": name, "address": text, "category": category}
                )
        return addresses
