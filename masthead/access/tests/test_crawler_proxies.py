"""The verdict is about the client address: X-Forwarded-For only through trusted proxies."""

from __future__ import annotations

from django.test import override_settings

from masthead.access.tests.crawler_dns_server import SPREAD_CRAWLERS, CrawlerDnsTestCase

PROXY = "127.0.0.1"


class CrawlerBehindProxyTests(CrawlerDnsTestCase):
    def test_it_verifies_crawlers_across_the_loopback_network(self) -> None:
        for address in SPREAD_CRAWLERS:
            with self.subTest(address=address):
                self.assertIs(self.verdict(address).is_verified, True)

    def test_it_refuses_neighbours_of_genuine_crawlers(self) -> None:
        for address in ("127.1.2.4", "127.45.0.201", "127.254.254.253"):
            with self.subTest(address=address):
                self.assertIs(self.verdict(address).is_verified, False)

    @override_settings(TRUSTED_PROXIES=[f"{PROXY}/32"])
    def test_it_verifies_the_forwarded_address_through_a_trusted_proxy(self) -> None:
        for address in ("127.0.0.2", *SPREAD_CRAWLERS):
            with self.subTest(address=address):
                verdict = self.verdict(PROXY, HTTP_X_FORWARDED_FOR=address)
                self.assertIs(verdict.is_verified, True)

    @override_settings(TRUSTED_PROXIES=[f"{PROXY}/32"])
    def test_it_ignores_forwarded_for_from_an_untrusted_peer(self) -> None:
        # 127.0.0.9 is not a proxy we know: its claim to forward for Googlebot is forged.
        verdict = self.verdict("127.0.0.9", HTTP_X_FORWARDED_FOR="127.0.0.2")
        self.assertIs(verdict.is_verified, False)
        self.assertNotIn(("PTR", "2.0.0.127.in-addr.arpa."), self.zone.questions)

    @override_settings(TRUSTED_PROXIES=[])
    def test_it_ignores_forwarded_for_when_no_proxy_is_trusted(self) -> None:
        verdict = self.verdict(PROXY, HTTP_X_FORWARDED_FOR="127.0.0.2")
        self.assertIs(verdict.is_verified, False)

    @override_settings(TRUSTED_PROXIES=[f"{PROXY}/32"])
    def test_it_checks_the_client_not_a_hop_the_client_invented(self) -> None:
        # The client prepends a crawler address; the proxy appends the real one (a spoofer).
        verdict = self.verdict(PROXY, HTTP_X_FORWARDED_FOR="127.0.0.2, 127.0.0.3")
        self.assertIs(verdict.is_verified, False)
