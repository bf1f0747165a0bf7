"""Who is connecting: the client address, trusted only as far as the proxies we know."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Stands in for a missing peer address; never trusted, never a real client.
_UNKNOWN = ipaddress.ip_address("0.0.0.0")  # noqa: S104


def _parse(value: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address: IPAddress, proxies: Iterable[str]) -> bool:
    return any(address in ipaddress.ip_network(cidr, strict=False) for cidr in proxies)


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
    """Return the client's network, the unit per-network limits count: IPv4 /24, IPv6 /64."""
    parsed = _parse(address)
    if parsed is None:
        return "invalid"
    prefix = 24 if parsed.version == 4 else 64
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))
