"""A publisher may ask new readers to confirm their address before the registered allowance.

Registration still logs the reader in at once and returns them to the article; until
they follow the mailed link they are metered under their visitor cookie, with the
anonymous allowance and the anonymous network allowance. Off by default.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core import mail
from django.test import Client, TestCase, override_settings

from masthead.access.policy import (
    METERED,
    NOT_A_CRAWLER,
    ArticleFacts,
    MeterState,
    Offer,
    Policy,
    ReaderFacts,
    Reason,
    decide,
)
from masthead.accounts.models import User

from .helpers import check, make_article

PASSWORD = "quiet-harbour-42"
NOW = dt.datetime(2025, 2, 18, 12, tzinfo=dt.UTC)
LINK = re.compile(r"https?://testserver(/accounts/confirm/\S+)")


def register(client: Client, email: str = "new@example.com", next_url: str = "/") -> Any:
    return client.post(
        "/accounts/register/",
        {"email": email, "password": PASSWORD, "password_again": PASSWORD, "next": next_url},
    )


class ConfirmationDecisionTests(TestCase):
    """The decision gets the fact and stays pure."""

    article = ArticleFacts(1, METERED)
    unconfirmed = ReaderFacts(is_authenticated=True, has_confirmed_email=False)
    confirmed = ReaderFacts(is_authenticated=True, has_confirmed_email=True)

    def test_off_by_default_every_logged_in_reader_meters_by_account(self) -> None:
        policy = Policy()
        self.assertFalse(policy.require_email_confirmation)
        self.assertTrue(policy.meters_as_registered(self.unconfirmed))
        self.assertEqual(policy.allowance_for(self.unconfirmed), policy.registered_allowance)

    def test_switched_on_an_unconfirmed_reader_meters_as_a_visitor(self) -> None:
        policy = Policy(require_email_confirmation=True)
        self.assertFalse(policy.meters_as_registered(self.unconfirmed))
        self.assertEqual(policy.allowance_for(self.unconfirmed), policy.anonymous_allowance)
        self.assertEqual(
            policy.network_allowance_for(self.unconfirmed), policy.network_daily_allowance
        )
        self.assertEqual(policy.allowance_for(self.confirmed), policy.registered_allowance)
        self.assertEqual(
            policy.network_allowance_for(self.confirmed),
            policy.registered_network_daily_allowance,
        )

    def test_a_spent_visitor_allowance_asks_for_confirmation(self) -> None:
        policy = Policy(require_email_confirmation=True)
        spent = MeterState(allowance=3, used=3, is_counted=False)
        decision = decide(self.article, self.unconfirmed, spent, None, NOT_A_CRAWLER, policy, NOW)
        self.assertEqual(decision.reason, Reason.CONFIRMATION_REQUIRED)
        self.assertFalse(decision.granted)
        self.assertEqual(decision.offer, Offer.SUBSCRIPTION)
        confirmed = decide(self.article, self.confirmed, spent, None, NOT_A_CRAWLER, policy, NOW)
        self.assertEqual(confirmed.reason, Reason.METER_EXHAUSTED)

    def test_a_spent_network_stays_the_reason(self) -> None:
        policy = Policy(require_email_confirmation=True)
        spent = MeterState(3, 1, is_counted=False, is_network_exhausted=True)
        decision = decide(self.article, self.unconfirmed, spent, None, NOT_A_CRAWLER, policy, NOW)
        self.assertEqual(decision.reason, Reason.NETWORK_EXHAUSTED)


@override_settings(
    PAYWALL_REQUIRE_EMAIL_CONFIRMATION=True,
    PAYWALL_ANONYMOUS_ALLOWANCE=2,
    PAYWALL_REGISTERED_ALLOWANCE=5,
)
class ConfirmationFlowTests(TestCase):
    def test_registration_still_logs_in_at_once_and_returns_to_the_article(self) -> None:
        response = register(self.client, next_url="/2025/01/10/story/")
        self.assertRedirects(response, "/2025/01/10/story/", fetch_redirect_response=False)
        self.assertIn("_auth_user_id", self.client.session)
        subjects = [message.subject for message in mail.outbox]
        self.assertTrue(any("Confirm your e-mail address" in s for s in subjects), subjects)

    def test_an_unconfirmed_reader_meters_under_the_visitor_until_confirming(self) -> None:
        articles = [make_article().pk for _ in range(6)]
        # Two anonymous reads: the visitor's allowance is spent before registering.
        for article_id in articles[:2]:
            self.assertTrue(check(self.client, article_id).json()["granted"])
        register(self.client)
        data = check(self.client, articles[2]).json()
        self.assertEqual(data["reason"], "confirmation_required")
        self.assertIn("Confirm your e-mail address", data["offer"]["html"])
        self.assertIn("up to 5 free articles", data["offer"]["html"])
        # Following the mailed link (GET shows a button; POST confirms).
        [path] = LINK.findall(str(mail.outbox[-1].body))
        shown = self.client.get(path)
        self.assertContains(shown, "new@example.com")
        self.assertIsNone(User.objects.get().email_confirmed_at)
        self.client.post(path)
        self.assertIsNotNone(User.objects.get().email_confirmed_at)
        data = check(self.client, articles[2]).json()
        self.assertEqual(data["reason"], "metered")
        self.assertEqual(data["meter"], {"used": 1, "allowance": 5, "remaining": 4})

    def test_an_unconfirmed_reader_without_a_visitor_cookie_is_given_one(self) -> None:
        register(self.client)
        self.client.cookies.pop("masthead_visitor", None)
        response = check(self.client, make_article().pk)
        self.assertEqual(response.json()["reason"], "metered")
        self.assertIn("masthead_visitor", response.cookies)
        self.assertEqual(response.json()["meter"]["allowance"], 2)

    def test_a_new_account_per_loop_gains_nothing_on_one_visitor(self) -> None:
        granted = 0
        for index in range(3):
            register(self.client, f"loop{index}@example.com")
            for _ in range(4):  # new articles each time: re-reading counted ones is free
                granted += check(self.client, make_article().pk).json()["granted"]
            self.client.post("/accounts/logout/")
        self.assertEqual(User.objects.count(), 3)
        self.assertEqual(granted, 2)  # the visitor's allowance, once

    def test_a_forged_or_stale_link_is_a_404(self) -> None:
        register(self.client)
        [path] = LINK.findall(str(mail.outbox[-1].body))
        self.assertEqual(self.client.post("/accounts/confirm/forged/").status_code, 404)
        user = User.objects.get()
        user.email = "changed@example.com"
        user.save()
        self.assertEqual(self.client.post(path).status_code, 404)
        self.assertIsNone(User.objects.get().email_confirmed_at)

    def test_the_account_page_offers_the_link_again_a_few_times(self) -> None:
        register(self.client)
        page = self.client.get("/accounts/")
        self.assertContains(page, "Send the link again")
        before = len(mail.outbox)
        for _ in range(5):
            self.client.post("/accounts/confirm/")
        self.assertEqual(len(mail.outbox) - before, 3)

    @override_settings(PAYWALL_REQUIRE_EMAIL_CONFIRMATION=False)
    def test_off_no_confirmation_mail_and_the_registered_allowance_at_once(self) -> None:
        register(self.client)
        self.assertFalse(any("Confirm" in m.subject for m in mail.outbox))
        data = check(self.client, make_article().pk).json()
        self.assertEqual(data["meter"]["allowance"], 5)
        self.assertNotContains(self.client.get("/accounts/"), "Send the link again")
