"""A real DNS server for the crawler tests: dnslib on 127.0.0.1, a free UDP port.

It answers PTR, A and AAAA from two small tables and counts the questions it got, so
tests can tell a cached verdict (no question) from a fresh one. ``silent_server``
binds a UDP port and never answers: the resolver that times out.
"""

from __future__ import annotations

import ipaddress
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, override_settings
from dnslib import AAAA, PTR, QTYPE, RCODE, RR, A, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from masthead.access import CrawlerVerdict
from masthead.access.crawlers import verdict_for


def reverse_name(address: str) -> str:
    """Return the in-addr.arpa / ip6.arpa name of ``address``, with the final dot."""
    return ipaddress.ip_address(address).reverse_pointer + "."


@dataclass
class Zone(BaseResolver):  # type: ignore[misc]  # dnslib ships no type hints
    """PTR names by address and forward addresses by name, as the server's data."""

    ptr: dict[str, list[str]] = field(default_factory=dict)
    forward: dict[str, list[str]] = field(default_factory=dict)
    questions: list[tuple[str, str]] = field(default_factory=list)

    def add_host(self, address: str, name: str, *, forward_to: list[str] | None = None) -> None:
        """Give ``address`` the PTR ``name``; ``name`` resolves to ``forward_to`` (or back)."""
        self.ptr.setdefault(address, []).append(name)
        self.forward[name] = [address] if forward_to is None else forward_to

    def resolve(self, request: DNSRecord, handler: object) -> DNSRecord:
        reply = request.reply()
        qname = str(request.q.qname)
        qtype = QTYPE[request.q.qtype]
        self.questions.append((qtype, qname))
        for answer in self._answers(qname, qtype):
            reply.add_answer(answer)
        if not reply.rr:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply

    def _answers(self, qname: str, qtype: str) -> list[RR]:
        if qtype == "PTR":
            addresses = [a for a in self.ptr if reverse_name(a) == qname]
            return [
                RR(qname, QTYPE.PTR, rdata=PTR(name + "."), ttl=60)
                for address in addresses
                for name in self.ptr[address]
            ]
        values = self.forward.get(qname.rstrip("."), [])
        version = 4 if qtype == "A" else 6
        return [
            RR(qname, getattr(QTYPE, qtype), rdata=(A if version == 4 else AAAA)(value), ttl=60)
            for value in values
            if qtype in ("A", "AAAA") and ipaddress.ip_address(value).version == version
        ]


@contextmanager
def dns_server(zone: Zone) -> Iterator[int]:
    """Serve ``zone`` on 127.0.0.1 over UDP; yield the port."""
    server = DNSServer(zone, address="127.0.0.1", port=0, logger=DNSLogger(logf=lambda _: None))
    server.start_thread()
    try:
        yield int(server.server.server_address[1])
    finally:
        server.stop()
        server.server.server_close()


@contextmanager
def silent_server() -> Iterator[int]:
    """Bind a UDP port on 127.0.0.1 that never answers; yield the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
INSPECTION_TOOL = "Mozilla/5.0 (compatible; Google-InspectionTool/1.0; Googlebot/2.1)"


# Genuine crawler addresses spread over 127.0.0.0/8.
SPREAD_CRAWLERS = ("127.1.2.3", "127.45.0.200", "127.254.254.254")


def crawler_zone() -> Zone:
    """The addresses the tests connect from, and what DNS says about them."""
    zone = Zone()
    zone.add_host("127.0.0.2", "crawl-127-0-0-2.googlebot.com")
    # A spoofer controls its own PTR record, but not googlebot.com's forward zone.
    zone.add_host("127.0.0.3", "crawl-66-249-66-1.googlebot.com", forward_to=["66.249.66.1"])
    # A user-triggered fetcher's proxy: a genuine Google name, but not a crawler's.
    zone.add_host("127.0.0.4", "google-proxy-127-0-0-4.google.com")
    zone.add_host("127.0.0.5", "msnbot-127-0-0-5.search.msn.com")
    zone.add_host("127.0.0.6", "crawl-127-0-0-6.evilgooglebot.com")
    zone.add_host("127.0.0.8", "crawl-127-0-0-8.googlebot.com", forward_to=[])
    zone.add_host("::1", "crawl-v6.googlebot.com")
    for address in SPREAD_CRAWLERS:
        zone.add_host(address, f"crawl-{address.replace('.', '-')}.googlebot.com")
    return zone


class CrawlerDnsTestCase(SimpleTestCase):
    zone: ClassVar[Zone]
    port: ClassVar[int]
    """One server for the class; each test gets an empty verdict cache, no range files."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.zone = crawler_zone()
        cls.port = cls.enterClassContext(dns_server(cls.zone))

    def setUp(self) -> None:
        self.factory = RequestFactory()
        self.zone.questions.clear()
        ranges = tempfile.TemporaryDirectory()
        self.addCleanup(ranges.cleanup)
        settings = override_settings(
            CRAWLERS_DNS_SERVER="127.0.0.1",
            CRAWLERS_DNS_PORT=self.port,
            CRAWLERS_DNS_TIMEOUT=1.0,
            # No range file names: only DNS can verify in these tests.
            CRAWLERS_ENGINES={
                "google": {"user_agent_tokens": ["googlebot"], "domains": ["googlebot.com"]},
                "bing": {"user_agent_tokens": ["bingbot"], "domains": ["search.msn.com"]},
            },
            CRAWLERS_RANGES_DIR=ranges.name,
            TRUSTED_PROXIES=[],
        )
        settings.enable()
        self.addCleanup(settings.disable)
        cache.clear()
        self.addCleanup(cache.clear)

    def verdict(self, address: str, user_agent: str = GOOGLEBOT, **meta: Any) -> CrawlerVerdict:
        """Return the verdict for a request from ``address`` (the peer) with ``meta``."""
        request = self.factory.get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=user_agent, **meta)
        return verdict_for(request)
