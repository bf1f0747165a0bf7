"""Crawler verification by the engines' published address ranges (JSON files)."""

from __future__ import annotations

import ipaddress
import json
import tempfile
import time
from pathlib import Path

from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, override_settings

from masthead.access.crawlers import verdict_for
from masthead.access.crawlers.ranges import SAMPLE_DIR, RangeFileError, parse_ranges
from masthead.access.tests.crawler_dns_server import GOOGLEBOT, silent_server


def range_file(*prefixes: str) -> str:
    """Return a range file in the engines' format listing ``prefixes``."""
    entries = [{"ipv6Prefix" if ":" in p else "ipv4Prefix": p} for p in prefixes]
    return json.dumps({"creationTime": "2026-11-28T00:00:00.000000", "prefixes": entries})


class ParseRangesTests(SimpleTestCase):
    def test_it_reads_both_address_families(self) -> None:
        networks = parse_ranges(range_file("127.0.10.0/24", "fd00:10::/64"))
        self.assertEqual(
            networks,
            (ipaddress.ip_network("127.0.10.0/24"), ipaddress.ip_network("fd00:10::/64")),
        )

    def test_it_refuses_what_is_not_a_range_file(self) -> None:
        bad = {
            "not json": "<html>Not found</html>",
            "no prefixes": json.dumps({"creationTime": "x"}),
            "empty prefixes": json.dumps({"prefixes": []}),
            "wrong key": json.dumps({"prefixes": [{"ipv4Prefix": "fd00::/64"}]}),
            "not a network": json.dumps({"prefixes": [{"ipv4Prefix": "999.0.0.0/8"}]}),
            "two keys": json.dumps(
                {"prefixes": [{"ipv4Prefix": "10.0.0.0/8", "ipv6Prefix": "fd00::/8"}]}
            ),
            "a list": json.dumps([{"ipv4Prefix": "10.0.0.0/8"}]),
        }
        for label, text in bad.items():
            with self.subTest(label), self.assertRaises(RangeFileError):
                parse_ranges(text)

    def test_it_ships_valid_sample_files(self) -> None:
        samples = sorted(SAMPLE_DIR.glob("*.json"))
        self.assertGreaterEqual(len(samples), 2)
        for path in samples:
            with self.subTest(path.name):
                self.assertTrue(parse_ranges(path.read_bytes()))
                self.assertIn("SAMPLE", json.loads(path.read_text())["sample"])


class RangeVerificationTests(SimpleTestCase):
    """DNS points at a resolver that never answers: only the ranges can verify here."""

    def setUp(self) -> None:
        self.factory = RequestFactory()
        port = self.enterContext(silent_server())
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.write("google-common-crawlers.json", range_file("127.0.10.0/24", "fd00:10::/64"))
        self.write("google-user-triggered-fetchers.json", range_file("127.0.10.128/25"))
        self.enterContext(
            override_settings(
                CRAWLERS_DNS_SERVER="127.0.0.1",
                CRAWLERS_DNS_PORT=port,
                CRAWLERS_DNS_TIMEOUT=0.2,
                CRAWLERS_RANGES_DIR=str(self.dir),
                TRUSTED_PROXIES=[],
            )
        )
        cache.clear()
        self.addCleanup(cache.clear)

    def write(self, name: str, text: str) -> None:
        (self.dir / name).write_text(text)

    def verdict(self, address: str) -> tuple[bool, float]:
        request = self.factory.get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=GOOGLEBOT)
        started = time.monotonic()
        is_verified = verdict_for(request).is_verified
        return is_verified, time.monotonic() - started

    def test_it_verifies_an_address_inside_a_crawler_range_without_dns(self) -> None:
        for address in ("127.0.10.1", "127.0.10.127", "fd00:10::1"):
            with self.subTest(address):
                is_verified, elapsed = self.verdict(address)
                self.assertIs(is_verified, True)
                self.assertLess(elapsed, 0.1)

    def test_it_refuses_an_address_outside_every_range(self) -> None:
        self.assertIs(self.verdict("127.0.11.1")[0], False)

    def test_it_never_verifies_a_user_triggered_fetcher_range(self) -> None:
        # 127.0.10.200 is in the crawler range and in the fetchers' range: fetchers win.
        self.assertIs(self.verdict("127.0.10.200")[0], False)

    def test_it_falls_back_to_the_shipped_sample(self) -> None:
        (self.dir / "google-common-crawlers.json").unlink()
        self.assertIs(self.verdict("66.249.66.1")[0], True)

    def test_it_prefers_the_refreshed_copy_over_the_sample(self) -> None:
        self.assertIs(self.verdict("66.249.66.1")[0], False)

    def test_it_treats_an_unreadable_file_as_empty(self) -> None:
        self.write("google-common-crawlers.json", "{ this is not json")
        with self.assertLogs("masthead.access.crawlers.ranges", "WARNING"):
            self.assertIs(self.verdict("127.0.10.1")[0], False)

    def test_it_picks_up_a_rewritten_file(self) -> None:
        self.assertIs(self.verdict("127.0.12.1")[0], False)
        cache.clear()
        self.write("google-common-crawlers.json", range_file("127.0.12.0/24", "127.0.13.0/24"))
        self.assertIs(self.verdict("127.0.12.1")[0], True)
