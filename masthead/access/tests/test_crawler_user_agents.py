"""The User-Agent selects which engine to verify; it never verifies anything itself."""

from __future__ import annotations

from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, override_settings

from masthead.access import NOT_A_CRAWLER
from masthead.access.crawlers import verdict_for
from masthead.access.crawlers.engines import DEFAULT_ENGINES, engine_for, is_in_domains

CLAIMS = {
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)": "google",
    "Mozilla/5.0 (Linux; Android 6.0.1) Chrome/130.0 Mobile (compatible; Googlebot/2.1)": (
        "google"
    ),
    "Googlebot-News": "google",
    "Googlebot-Image/1.0": "google",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)": "bing",
}
NOT_CRAWLERS = (
    "",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; Google-InspectionTool/1.0)",
    "Mozilla/5.0 (compatible; Google-InspectionTool/1.0; Googlebot/2.1)",
    "Mozilla/5.0 (compatible; GoogleOther)",
    "FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)",
    "Mozilla/5.0 (compatible; Google-Read-Aloud; Googlebot)",
    "Mozilla/5.0 (compatible; Google-Site-Verification/1.0)",
    "Mozilla/5.0 (compatible; BingPreview/1.0b; bingbot)",
)


class EngineForTests(SimpleTestCase):
    def test_it_selects_the_engine_a_user_agent_names(self) -> None:
        for user_agent, name in CLAIMS.items():
            with self.subTest(user_agent):
                engine = engine_for(user_agent, DEFAULT_ENGINES)
                self.assertEqual(engine.name if engine else None, name)

    def test_it_selects_nothing_for_browsers_previews_and_user_triggered_fetchers(self) -> None:
        for user_agent in NOT_CRAWLERS:
            with self.subTest(user_agent):
                self.assertIsNone(engine_for(user_agent, DEFAULT_ENGINES))

    def test_it_matches_domains_on_whole_labels(self) -> None:
        domains = ("googlebot.com",)
        self.assertIs(is_in_domains("crawl-66-249-66-1.googlebot.com.", domains), True)
        self.assertIs(is_in_domains("geo-crawl-1.geo.googlebot.com", domains), True)
        self.assertIs(is_in_domains("CRAWL-1.GOOGLEBOT.COM", domains), True)
        self.assertIs(is_in_domains("crawl-1.evilgooglebot.com", domains), False)
        self.assertIs(is_in_domains("rate-limited-proxy-1.google.com", domains), False)
        self.assertIs(is_in_domains("googlebot.com.attacker.example", domains), False)


class VerdictNeverRaisesTests(SimpleTestCase):
    def setUp(self) -> None:
        self.factory = RequestFactory()
        cache.clear()
        self.addCleanup(cache.clear)

    def request(self, user_agent: str, address: str = "127.0.0.2"):
        return self.factory.get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=user_agent)

    def test_it_returns_not_a_crawler_for_non_crawler_agents(self) -> None:
        for user_agent in NOT_CRAWLERS:
            with self.subTest(user_agent):
                self.assertEqual(verdict_for(self.request(user_agent)), NOT_A_CRAWLER)

    @override_settings(CRAWLERS_ENGINES={"google": {"domains": ["googlebot.com"]}})
    def test_it_fails_closed_on_a_broken_engine_setting(self) -> None:
        with self.assertLogs("masthead.access.crawlers.verdicts", "ERROR"):
            verdict = verdict_for(self.request("Googlebot/2.1"))
        self.assertEqual(verdict, NOT_A_CRAWLER)

    def test_it_refuses_a_request_without_a_peer_address(self) -> None:
        request = self.request("Googlebot/2.1")
        del request.META["REMOTE_ADDR"]
        verdict = verdict_for(request)
        self.assertIs(verdict.is_verified, False)

    @override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                # Nothing listens on port 9 (discard): the cache is unreachable.
                "LOCATION": "redis://127.0.0.1:9/0",
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        },
        CRAWLERS_DNS_SERVER="127.0.0.1",
        CRAWLERS_DNS_PORT=9,
        CRAWLERS_DNS_TIMEOUT=0.2,
    )
    def test_it_survives_an_unreachable_cache(self) -> None:
        with self.assertLogs("masthead.access.crawlers.verdicts", "WARNING"):
            verdict = verdict_for(self.request("Googlebot/2.1", "66.249.66.1"))
        # 66.249.66.1 is in the shipped sample range: verified without cache or DNS.
        self.assertIs(verdict.is_verified, True)
