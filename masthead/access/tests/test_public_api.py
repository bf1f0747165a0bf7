"""The public API of ``masthead.access`` is exactly what ``__all__`` lists."""

from __future__ import annotations

from django.test import SimpleTestCase

import masthead.access

EXPECTED = {
    # Issue 13: the check's lean path, and the content generation it holds facts under.
    "content_changed",
    "lean_check_app",
    # Issue 13: reader passes (entitlements with their ends, and the generation bump).
    "NO_TERMS",
    "EntitlementTerm",
    "EntitlementTerms",
    "EntitlementTermsLoader",
    "bump_reader_generation",
    # Issue 15: the experiment port and shipping an arm.
    "ArmChoice",
    "ArmSource",
    "overridden_settings",
    "save_policy",
    "visitor_of",
    "ALL_SECTIONS",
    "ANONYMOUS",
    "FREE",
    "LEVELS",
    "METERED",
    "NOT_A_CRAWLER",
    "NO_ENTITLEMENTS",
    "REGISTERED",
    "SITE_ASSET",
    "SUBSCRIBER",
    "UNAVAILABLE_METER",
    "WINDOWS",
    "AccessLevel",
    "ArticleFacts",
    "ContentSource",
    "CountedRead",
    "CrawlerVerdict",
    "CrawlerVerifier",
    "Decision",
    "Entitlements",
    "EntitlementsLoader",
    "FailMode",
    "GiftGrant",
    "GiftVerifier",
    "MediaSource",
    "MediaUse",
    "MeterState",
    "Offer",
    "Policy",
    "PresigningStorage",
    "ReaderFacts",
    "Reason",
    "Window",
    "article_is_live",
    "crawler_verdict",
    "current_policy",
    "decide",
    "erase_reader",
    "reading_history",
    "media_placeholder",
    "media_type",
    "serve_media",
    "sign_media",
    "signed_media_url",
    "effective_level",
    "forget_policy",
    "is_ad_free",
    "meter_applies",
    "refuse_gift",
    "meter_snapshot",
    "window_start",
}


class PublicApiTests(SimpleTestCase):
    def test_it_exports_exactly_the_documented_names(self) -> None:
        self.assertEqual(set(masthead.access.__all__), EXPECTED)

    def test_it_defines_every_exported_name(self) -> None:
        for name in masthead.access.__all__:
            self.assertTrue(hasattr(masthead.access, name), name)

    def test_it_exports_nothing_public_beyond_all(self) -> None:
        public = {
            name
            for name, value in vars(masthead.access).items()
            if not name.startswith("_") and not getattr(value, "__file__", None)
        }
        self.assertEqual(public - EXPECTED, set())
