"""The crawler verdict for a request: ``verdict_for`` (``PAYWALL_CRAWLER_VERIFIER``).

1. The User-Agent selects an engine; no engine (a browser, a user-triggered fetcher)
   means no crawler, decided without any lookup.
2. The client address comes from ``masthead.core.network.client_address``, which
   believes ``X-Forwarded-For`` only from ``MASTHEAD_TRUSTED_PROXIES``.
3. An address in the engine's user-triggered-fetcher ranges is never a crawler; one in
   its crawler ranges is; otherwise reverse-then-forward DNS decides.
4. The answer is cached per engine and address: verified and refused answers for
   ``CRAWLERS_VERDICT_TTL`` seconds, failed lookups (timeouts) for a shorter
   ``CRAWLERS_FAILURE_TTL`` so a resolver hiccup does not hide a crawler for long.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from masthead.access.crawlers import ranges
from masthead.access.crawlers.engines import Engine, configured_engines, engine_for
from masthead.access.crawlers.resolution import IPAddress, ResolverConfig, dns_verdict
from masthead.access.policy import NOT_A_CRAWLER, CrawlerVerdict
from masthead.core.network import client_address

logger = logging.getLogger(__name__)

_CACHE_PREFIX = "crawlers:verdict:v1"
VERIFIED = "verified"
REFUSED = "refused"


def _cache_key(engine: Engine, address: IPAddress) -> str:
    return f"{_CACHE_PREFIX}:{engine.name}:{address}"


def _cached(key: str) -> bool | None:
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 -- an unreachable cache only costs a fresh lookup
        logger.warning("crawler verdict cache unreadable")
        return None
    return None if value is None else value == VERIFIED


def _remember(key: str, is_verified: bool, ttl: int) -> None:
    try:
        cache.set(key, VERIFIED if is_verified else REFUSED, ttl)
    except Exception:  # noqa: BLE001 -- an unreachable cache only costs a fresh lookup
        logger.warning("crawler verdict cache unwritable")


def address_verdict(engine: Engine, address: IPAddress, config: ResolverConfig) -> bool | None:
    """Return True when ``address`` provably belongs to ``engine``'s crawlers.

    False for addresses of the engine's user-triggered fetchers, even if listed as
    crawlers too, and for addresses DNS disproves; None when DNS could not answer.
    """
    if ranges.is_listed(address, engine.excluded_range_files):
        return False
    if ranges.is_listed(address, engine.range_files):
        return True
    return dns_verdict(address, engine.domains, config)


def _verify(engine: Engine, address: IPAddress) -> bool:
    key = _cache_key(engine, address)
    known = _cached(key)
    if known is not None:
        return known
    verdict = address_verdict(engine, address, ResolverConfig.from_settings())
    ttl = int(getattr(settings, "CRAWLERS_VERDICT_TTL", 3600))
    # A failed lookup is remembered briefly: the next request may find the resolver
    # back, and an address whose own DNS stalls still costs at most one wait per TTL.
    if verdict is None:
        ttl = min(ttl, int(getattr(settings, "CRAWLERS_FAILURE_TTL", 60)))
    _remember(key, verdict is True, ttl)
    return verdict is True


def _plain(address: IPAddress) -> IPAddress:
    """Return an IPv4-mapped IPv6 address (a dual-stack socket's view) as IPv4."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def verdict_for(request: HttpRequest) -> CrawlerVerdict:
    """Return whether the request comes from a verified search-engine crawler.

    ``NOT_A_CRAWLER`` when the User-Agent claims no engine (no lookup is made) or names
    a user-triggered fetcher; ``CrawlerVerdict(False, engine)`` when it claims an engine
    the address does not prove. Never raises: any error means not verified.
    """
    try:
        engine = engine_for(str(request.META.get("HTTP_USER_AGENT", "")), configured_engines())
        if engine is None:
            return NOT_A_CRAWLER
        address = _plain(ipaddress.ip_address(client_address(request)))
        if address.is_unspecified:
            return CrawlerVerdict(is_verified=False, engine=engine.name)
        return CrawlerVerdict(is_verified=_verify(engine, address), engine=engine.name)
    except Exception:  # the contract: never raise, fail closed (logged with the trace)
        logger.exception("crawler verification failed")
        return NOT_A_CRAWLER
