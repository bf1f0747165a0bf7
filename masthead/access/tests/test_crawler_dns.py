"""Crawler verification by reverse-then-forward DNS, against a real DNS server."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, override_settings

from masthead.access import NOT_A_CRAWLER
from masthead.access.crawlers import verdict_for
from masthead.access.tests.crawler_dns_server import (
    BINGBOT,
    BROWSER,
    GOOGLEBOT,
    INSPECTION_TOOL,
    CrawlerDnsTestCase,
    silent_server,
)


class DnsVerificationTests(CrawlerDnsTestCase):
    def test_it_verifies_a_genuine_googlebot(self) -> None:
        verdict = self.verdict("127.0.0.2")
        self.assertIs(verdict.is_verified, True)
        self.assertEqual(verdict.engine, "google")

    def test_it_refuses_a_spoofer_whose_forward_lookup_disagrees(self) -> None:
        verdict = self.verdict("127.0.0.3")
        self.assertIs(verdict.is_verified, False)
        self.assertIn(("A", "crawl-66-249-66-1.googlebot.com."), self.zone.questions)

    def test_it_refuses_a_user_triggered_fetcher_on_google_com(self) -> None:
        self.assertIs(self.verdict("127.0.0.4").is_verified, False)

    def test_it_refuses_a_name_that_only_ends_like_the_crawler_domain(self) -> None:
        self.assertIs(self.verdict("127.0.0.6").is_verified, False)

    def test_it_refuses_an_address_without_a_reverse_name(self) -> None:
        self.assertIs(self.verdict("127.0.0.7").is_verified, False)

    def test_it_refuses_a_crawler_name_without_forward_records(self) -> None:
        self.assertIs(self.verdict("127.0.0.8").is_verified, False)

    def test_it_verifies_a_genuine_bingbot(self) -> None:
        verdict = self.verdict("127.0.0.5", BINGBOT)
        self.assertIs(verdict.is_verified, True)
        self.assertEqual(verdict.engine, "bing")

    def test_it_checks_the_engine_the_user_agent_claims(self) -> None:
        # A genuine Bing address does not make a Googlebot User-Agent true.
        self.assertIs(self.verdict("127.0.0.5", GOOGLEBOT).is_verified, False)
        self.assertIs(self.verdict("127.0.0.2", BINGBOT).is_verified, False)

    def test_it_verifies_over_ipv6(self) -> None:
        self.assertIs(self.verdict("::1").is_verified, True)

    def test_it_reads_an_ipv4_mapped_address_as_ipv4(self) -> None:
        self.assertIs(self.verdict("::ffff:127.0.0.2").is_verified, True)
        self.assertIs(self.verdict("::ffff:127.0.0.3").is_verified, False)

    def test_it_asks_nothing_for_a_browser(self) -> None:
        self.assertEqual(self.verdict("127.0.0.2", BROWSER), NOT_A_CRAWLER)
        self.assertEqual(self.zone.questions, [])

    def test_it_never_trusts_a_testing_tool_even_from_a_crawler_address(self) -> None:
        self.assertEqual(self.verdict("127.0.0.2", INSPECTION_TOOL), NOT_A_CRAWLER)
        self.assertEqual(self.zone.questions, [])

    def test_it_caches_verdicts_per_address(self) -> None:
        self.assertIs(self.verdict("127.0.0.2").is_verified, True)
        self.assertIs(self.verdict("127.0.0.3").is_verified, False)
        asked = len(self.zone.questions)
        self.assertIs(self.verdict("127.0.0.2").is_verified, True)
        self.assertIs(self.verdict("127.0.0.3").is_verified, False)
        self.assertEqual(len(self.zone.questions), asked)

    def test_it_verifies_again_once_the_cache_expires(self) -> None:
        with override_settings(CRAWLERS_VERDICT_TTL=1):
            self.verdict("127.0.0.2")
            asked = len(self.zone.questions)
            time.sleep(1.1)
            self.assertIs(self.verdict("127.0.0.2").is_verified, True)
        self.assertGreater(len(self.zone.questions), asked)


class SilentResolverTests(SimpleTestCase):
    """A resolver that never answers: not verified, within the configured timeout."""

    def setUp(self) -> None:
        self.factory = RequestFactory()
        server = silent_server()
        port = server.__enter__()
        self.addCleanup(server.__exit__, None, None, None)
        settings = override_settings(
            CRAWLERS_DNS_SERVER="127.0.0.1",
            CRAWLERS_DNS_PORT=port,
            CRAWLERS_DNS_TIMEOUT=0.3,
            CRAWLERS_FAILURE_TTL=1,
            TRUSTED_PROXIES=[],
        )
        settings.enable()
        self.addCleanup(settings.disable)
        cache.clear()
        self.addCleanup(cache.clear)

    def timed_verdict(self) -> tuple[bool, float]:
        request = self.factory.get("/", REMOTE_ADDR="127.0.0.2", HTTP_USER_AGENT=GOOGLEBOT)
        started = time.monotonic()
        verdict = verdict_for(request)
        return verdict.is_verified, time.monotonic() - started

    def test_it_gives_up_within_the_timeout(self) -> None:
        is_verified, elapsed = self.timed_verdict()
        self.assertIs(is_verified, False)
        # The budget is 0.3 s; dnspython's own default would wait 5 s. The slack absorbs a
        # loaded CI machine without letting a hang through.
        self.assertLess(elapsed, 0.3 + 0.7)

    def test_it_remembers_a_failed_lookup_only_briefly(self) -> None:
        self.timed_verdict()
        is_verified, elapsed = self.timed_verdict()
        self.assertIs(is_verified, False)
        self.assertLess(elapsed, 0.2)  # answered from the cache, not after the 0.3 s budget
        time.sleep(1.1)  # CRAWLERS_FAILURE_TTL
        is_verified, elapsed = self.timed_verdict()
        self.assertIs(is_verified, False)
        self.assertGreater(elapsed, 0.25)  # asked the resolver again
