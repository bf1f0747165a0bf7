"""Who is connecting: the client address, trusted only as far as the proxies we know."""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Stands in for a missing peer address; never trusted, never a real client.
_UNKNOWN = ipaddress.ip_address("0.0.0.0")  # noqa: S104
IPV4_PREFIX = 24
# One household or small office is usually given a /56 (RIPE-690); a /64 per allowance
# would give the holder of a /48 65,536 allowances. ``MASTHEAD_IPV6_NETWORK_PREFIX``
# changes it within these bounds.
DEFAULT_IPV6_PREFIX = 56
IPV6_PREFIX_RANGE = (32, 64)


def ipv6_prefix_problem(value: object) -> str | None:
    """Return why ``value`` cannot be the IPv6 network size, or None when it can."""
    low, high = IPV6_PREFIX_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"the IPv6 network prefix must be a whole number from {low} to {high}"
    return None


def ipv6_prefix() -> int:
    """Return the IPv6 prefix length that makes one client network (default /56)."""
    value = getattr(settings, "IPV6_NETWORK_PREFIX", DEFAULT_IPV6_PREFIX)
    problem = ipv6_prefix_problem(value)
    if problem is not None:
        # Start-up refuses such a value (core.E002); never widen a network by accident.
        raise ValueError(problem)
    return int(value)


def _parse(value: str) -> IPAddress | None:
    value = value.strip()
    try:
        # The C parser first: it takes exactly the dotted quads ``ip_address`` takes (no
        # leading zeros, four parts) at a fifth of the cost; every request parses two.
        return ipaddress.IPv4Address(socket.inet_pton(socket.AF_INET, value))
    except (OSError, ValueError):
        pass
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


@functools.lru_cache(maxsize=256)
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    # Parsed once: every request walks the trusted proxies (the access check more than once).
    return ipaddress.ip_network(cidr, strict=False)


def _is_trusted(address: IPAddress, proxies: Iterable[str]) -> bool:
    return any(address in _network(cidr) for cidr in proxies)


def client_address(request: HttpRequest, trusted_proxies: Iterable[str] | None = None) -> str:
    """Return the client's IP address as a string.

    The peer address is used unless the peer is one of ``MASTHEAD_TRUSTED_PROXIES``; then
    ``X-Forwarded-For`` is walked from the right, skipping trusted proxies, and the first
    address that is not a trusted proxy is the client. A malformed header entry stops the
    walk at the last address that could be believed.
    """
    proxies = list(settings.TRUSTED_PROXIES if trusted_proxies is None else trusted_proxies)
    peer = _parse(str(request.META.get("REMOTE_ADDR", ""))) or _UNKNOWN
    if not proxies or not _is_trusted(peer, proxies):
        return str(peer)
    current = peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(hop)
        if address is None:
            break
        current = address
        if not _is_trusted(address, proxies):
            break
    return str(current)


def network_of(address: str) -> str:
    """Return the client's network, the unit per-network limits count.

    IPv4: the /24. IPv6: the ``IPV6_NETWORK_PREFIX`` (default /56) around the address.
    """
    parsed = _parse(address)
    if parsed is None:
        return "invalid"
    # From the number, not the text: the address was parsed once already.
    if parsed.version == 4:
        return str(ipaddress.IPv4Network((int(parsed), IPV4_PREFIX), strict=False))
    return str(ipaddress.IPv6Network((int(parsed), ipv6_prefix()), strict=False))
