"""Crawlers for the newsroom's syndication tests: a real DNS server and ready requests.

Addresses (see ``masthead.access.tests.crawler_dns_server.crawler_zone``):
127.0.0.2 is a genuine Googlebot, 127.0.0.5 a genuine Bingbot, 127.0.0.3 a spoofer whose
PTR claims googlebot.com, 127.0.0.4 a user-triggered fetcher on google.com, 127.0.0.9 an
address DNS knows nothing about. 127.0.0.1 is the one trusted proxy.
"""

from __future__ import annotations

import tempfile
from typing import Any, ClassVar

from django.core.cache import cache
from django.test import TestCase, override_settings

from masthead.access.tests.crawler_dns_server import (
    BINGBOT,
    GOOGLEBOT,
    Zone,
    crawler_zone,
    dns_server,
)

from . import factories

GENUINE_GOOGLEBOT = "127.0.0.2"
GENUINE_BINGBOT = "127.0.0.5"
SPOOFER = "127.0.0.3"
GOOGLE_FETCHER = "127.0.0.4"
STRANGER = "127.0.0.9"
PROXY = "127.0.0.1"
FACEBOOK = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"

# Requests that must never see gated text: (label, user agent, client META).
SPOOFS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("googlebot ua, spoofed ptr", GOOGLEBOT, {"REMOTE_ADDR": SPOOFER}),
    ("googlebot ua, unknown address", GOOGLEBOT, {"REMOTE_ADDR": STRANGER}),
    ("googlebot ua, google.com fetcher", GOOGLEBOT, {"REMOTE_ADDR": GOOGLE_FETCHER}),
    ("bingbot ua, unknown address", BINGBOT, {"REMOTE_ADDR": STRANGER}),
    ("bingbot ua, googlebot address", BINGBOT, {"REMOTE_ADDR": GENUINE_GOOGLEBOT}),
    ("facebookexternalhit", FACEBOOK, {"REMOTE_ADDR": GENUINE_GOOGLEBOT}),
    (
        "forged x-forwarded-for from an untrusted peer",
        GOOGLEBOT,
        {"REMOTE_ADDR": STRANGER, "HTTP_X_FORWARDED_FOR": GENUINE_GOOGLEBOT},
    ),
    ("browser", BROWSER, {"REMOTE_ADDR": STRANGER}),
)


class CrawlerTestCase(TestCase):
    """A DNS server for the class; a publication cutting after three paragraphs.

    ``self.article`` is metered with ``GATEDWORD4``..``GATEDWORD8`` behind the cut;
    ``self.locked`` is for subscribers only with ``LOCKEDWORD4``..``LOCKEDWORD6``.
    """

    zone: ClassVar[Zone]
    port: ClassVar[int]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.zone = crawler_zone()
        cls.port = cls.enterClassContext(dns_server(cls.zone))

    def setUp(self) -> None:
        ranges = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(
            override_settings(
                CRAWLERS_DNS_SERVER="127.0.0.1",
                CRAWLERS_DNS_PORT=self.port,
                CRAWLERS_DNS_TIMEOUT=1.0,
                CRAWLERS_RANGES_DIR=ranges,
                TRUSTED_PROXIES=[f"{PROXY}/32"],
                PAYWALL_CRAWLER_FULL_TEXT=True,
            )
        )
        cache.clear()
        self.addCleanup(cache.clear)
        factories.publication(lead_in_paragraphs=3, ad_every_paragraphs=2)
        self.article = factories.article(paragraphs=8)
        self.locked = factories.article(
            "locked-story",
            paragraphs=6,
            marker="LOCKEDWORD",
            headline="The budget, line by line",
            access_level="subscriber",
        )

    def get(self, path: str, user_agent: str, **meta: Any) -> Any:
        """Return the test client's response to ``path`` for this client."""
        meta.setdefault("REMOTE_ADDR", STRANGER)
        return self.client.get(path, HTTP_USER_AGENT=user_agent, **meta)

    def assert_no_gated_text(self, body: str, where: str) -> None:
        for number in range(4, 9):
            self.assertNotIn(f"GATEDWORD{number}", body, where)
        for number in range(4, 7):
            self.assertNotIn(f"LOCKEDWORD{number}", body, where)
