"""The wall speaks to the reader: no "Log in" for logged-in readers; a plan that leaves
the section out is named, with its section."""

from __future__ import annotations

import json

from django.test import TestCase, override_settings

from masthead.access import ANONYMOUS, ArticleFacts, Entitlements, Policy, ReaderFacts
from masthead.access.offers import offer_html
from masthead.accounts.models import User
from masthead.billing.models import AccessGrant
from masthead.newsroom.tests import factories

from .helpers import check, make_article

SUBSCRIBER_LEVELS = ("metered", "registered", "subscriber")


class LoggedInReaderTests(TestCase):
    def test_it_asks_anonymous_readers_to_log_in(self) -> None:
        wall = check(self.client, make_article("subscriber").pk).json()["offer"]["html"]
        self.assertIn("Already a subscriber?", wall)
        self.assertIn("Log in.", wall)

    def test_it_never_asks_a_logged_in_reader_to_log_in(self) -> None:
        self.client.force_login(User.objects.create_user("r@example.com", "pw-long-enough"))
        data = check(self.client, make_article("subscriber").pk).json()
        wall = data["offer"]["html"]
        self.assertEqual(data["reason"], "subscription_required")
        self.assertNotIn("Already a subscriber?", wall)
        self.assertNotIn("Log in", wall)
        self.assertIn("Switch account.", wall)
        self.assertIn("This article is for subscribers.", wall)

    def test_it_leaves_the_login_line_off_a_registration_wall_for_a_logged_in_reader(
        self,
    ) -> None:
        reader = ReaderFacts(is_authenticated=True)
        wall = offer_html("registration", "error", Policy(), reader=reader)
        self.assertNotIn("Log in", wall)
        self.assertIn("Log in", offer_html("registration", "error", Policy(), reader=ANONYMOUS))


class PlanLeavesTheSectionOutTests(TestCase):
    def setUp(self) -> None:
        self.user = User.objects.create_user("news@example.com", "pw-long-enough")
        grant = AccessGrant.objects.create(user=self.user, ad_free=False)
        grant.sections.add(factories.section("news", name="News"))
        self.client.force_login(self.user)

    def test_it_names_the_section_a_news_plan_leaves_out(self) -> None:
        factories.section("arts-culture", name="Arts & Culture")
        article = make_article("subscriber", section="arts-culture")
        data = check(self.client, article.pk).json()
        self.assertEqual(data["reason"], "plan_excludes_section")
        self.assertEqual(data["offer"]["kind"], "subscription")
        wall = data["offer"]["html"]
        self.assertIn("Your plan does not include Arts &amp; Culture.", wall)
        self.assertIn("covers every section", wall)
        self.assertIn('href="/subscribe/" data-masthead-next', wall)
        self.assertNotIn("This article is for subscribers.", wall)
        self.assertNotIn("Log in", wall)
        self.assertNotIn(article.gated_marker, json.dumps(data))

    def test_it_opens_the_section_the_plan_includes(self) -> None:
        article = make_article("subscriber", section="news")
        self.assertEqual(check(self.client, article.pk).json()["reason"], "subscriber")

    @override_settings(PAYWALL_REGISTERED_ALLOWANCE=1)
    def test_it_adds_the_plan_to_a_spent_meter_on_a_metered_article(self) -> None:
        factories.section("sports", name="Sports")
        first = check(self.client, make_article("metered", section="sports").pk).json()
        self.assertEqual(first["reason"], "metered")
        data = check(self.client, make_article("metered", section="sports").pk).json()
        self.assertEqual(data["reason"], "meter_exhausted")
        wall = data["offer"]["html"]
        self.assertIn("You have read your 1 free article this month.", wall)
        self.assertIn("Your plan does not include Sports.", wall)


class SectionNameTests(TestCase):
    """Without the content source's ``section_name`` hook the slug is put into words."""

    @override_settings(PAYWALL_CONTENT_SOURCE="masthead.access.tests.boom")
    def test_it_words_the_slug_when_the_source_has_no_names(self) -> None:
        reader = ReaderFacts(True, Entitlements.of(SUBSCRIBER_LEVELS, ["news"]))
        article = ArticleFacts(5, "subscriber", "real-estate")
        wall = offer_html(
            "subscription", "plan_excludes_section", Policy(), reader=reader, article=article
        )
        self.assertIn("Your plan does not include Real Estate.", wall)

    def test_it_words_a_plan_for_an_article_without_a_section(self) -> None:
        reader = ReaderFacts(True, Entitlements.of(SUBSCRIBER_LEVELS, ["news"]))
        wall = offer_html(
            "subscription",
            "plan_excludes_section",
            Policy(),
            reader=reader,
            article=ArticleFacts(5, "subscriber", ""),
        )
        self.assertIn("Your plan does not include this article.", wall)
