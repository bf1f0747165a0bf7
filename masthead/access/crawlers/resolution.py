"""Reverse-then-forward DNS: the engines' documented way to prove a crawler's address.

1. Ask for the PTR names of the address.
2. Keep the names inside the engine's crawler domains (``googlebot.com``, not
   ``google.com``).
3. Ask for the A (IPv4) or AAAA (IPv6) records of each kept name; the address must be
   among them. A PTR record is set by whoever owns the address, so without this forward
   step anyone could claim ``crawl-1-2-3-4.googlebot.com``.

All lookups share one time budget; running out of it, or any DNS error, means "not
verified".
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass

import dns.exception
import dns.resolver
from django.conf import settings

from masthead.access.crawlers.engines import is_in_domains

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# A crawler address has one PTR name; a few more are tolerated, a long list is not read.
_MAX_NAMES = 4


@dataclass(frozen=True)
class ResolverConfig:
    """Where to send DNS questions and how long to wait for all the answers together."""

    timeout: float = 1.0
    server: str = ""
    port: int = 53

    @classmethod
    def from_settings(cls) -> ResolverConfig:
        """Return the configuration from ``CRAWLERS_DNS_*`` (system resolver by default)."""
        return cls(
            timeout=float(getattr(settings, "CRAWLERS_DNS_TIMEOUT", 1.0)),
            server=str(getattr(settings, "CRAWLERS_DNS_SERVER", "") or ""),
            port=int(getattr(settings, "CRAWLERS_DNS_PORT", 53)),
        )


class _Budget:
    """The time left for all lookups of one verification."""

    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._deadline - time.monotonic()


def _resolver(config: ResolverConfig) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=not config.server)
    if config.server:
        resolver.nameservers = [config.server]
        resolver.port = config.port
    resolver.timeout = config.timeout
    resolver.lifetime = config.timeout
    return resolver


def _ptr_names(resolver: dns.resolver.Resolver, address: IPAddress, budget: _Budget) -> list[str]:
    answer = resolver.resolve_address(str(address), lifetime=budget.remaining())
    return [record.to_text().rstrip(".").lower() for record in answer][:_MAX_NAMES]


def _forward_contains(
    resolver: dns.resolver.Resolver, name: str, address: IPAddress, budget: _Budget
) -> bool:
    rdtype = "A" if address.version == 4 else "AAAA"
    answer = resolver.resolve(name, rdtype, lifetime=budget.remaining(), search=False)
    return any(ipaddress.ip_address(record.to_text()) == address for record in answer)


def dns_verdict(
    address: IPAddress, domains: tuple[str, ...], config: ResolverConfig
) -> bool | None:
    """Return True when a PTR name of ``address`` in ``domains`` resolves back to it.

    False when the resolver answered and disproved it: no PTR name (or none in
    ``domains``), or a forward lookup that disagrees. None when the resolver failed or
    the budget ran out (the whole check takes at most ``config.timeout``); callers treat
    None as "not verified" too, but may remember it for less time.
    """
    budget = _Budget(config.timeout)
    try:
        resolver = _resolver(config)
        for name in _ptr_names(resolver, address, budget):
            if not is_in_domains(name, domains):
                continue
            if budget.remaining() <= 0:
                return None
            if _forward_contains(resolver, name, address, budget):
                return True
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return False
    except (dns.exception.DNSException, ValueError) as exc:
        logger.info("crawler DNS check for %s failed: %s", address, type(exc).__name__)
        return None
    return False
