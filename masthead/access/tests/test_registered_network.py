"""Registering in a loop opens no more than the registered network allowance.

The issue this answers: fifteen accounts made in eight seconds from one address each got
the whole registered allowance. Now registrations are limited per network, and readers
metered by account share a daily allowance per network of their own, larger than the
anonymous one.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, TestCase, override_settings

from masthead.access.models import PaywallPolicy
from masthead.accounts.models import User

from .helpers import check, make_article

PASSWORD = "quiet-harbour-42"


def register(index: int, address: str) -> Client:
    """Register ``loop<index>@example.com`` from ``address`` in a fresh browser."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        "/accounts/register/",
        {
            "email": f"loop{index}@example.com",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "next": "/",
        },
    )
    assert response.status_code == 302, response.status_code
    return client


@pytest.mark.postgres
@override_settings(
    PAYWALL_ANONYMOUS_ALLOWANCE=2,
    PAYWALL_REGISTERED_ALLOWANCE=5,
    PAYWALL_NETWORK_DAILY_ALLOWANCE=4,
    PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE=8,
    ACCOUNTS_REGISTRATIONS_PER_NETWORK=1000,  # the network allowance alone, here
)
class RegistrationLoopTests(TestCase):
    def test_a_registration_loop_gets_no_more_than_the_registered_network_allowance(
        self,
    ) -> None:
        articles = [make_article().pk for _ in range(5)]
        granted = 0
        for index in range(15):
            address = f"203.0.113.{index + 1}"  # one /24, a new address every time
            client = register(index, address)
            for article_id in articles:
                data = check(client, article_id, REMOTE_ADDR=address).json()
                granted += data["granted"]
                if not data["granted"]:
                    self.assertEqual(data["reason"], "network_exhausted")
        self.assertEqual(User.objects.count(), 15)
        self.assertEqual(granted, 8)  # not 15 accounts x 5

    def test_another_network_keeps_its_own_allowance(self) -> None:
        articles = [make_article().pk for _ in range(5)]
        for index in range(2):
            client = register(index, "203.0.113.9")
            for article_id in articles:
                check(client, article_id, REMOTE_ADDR="203.0.113.9")
        elsewhere = register(99, "198.51.100.4")
        data = check(elsewhere, articles[0], REMOTE_ADDR="198.51.100.4").json()
        self.assertEqual(data["reason"], "metered")

    def test_the_anonymous_and_registered_allowances_are_counted_apart(self) -> None:
        for index in range(4):  # the anonymous allowance of the network, spent
            check(Client(), make_article().pk, REMOTE_ADDR=f"203.0.113.{index + 1}")
        spent = check(Client(), make_article().pk, REMOTE_ADDR="203.0.113.77").json()
        self.assertEqual(spent["reason"], "network_exhausted")
        reader = register(1, "203.0.113.50")
        data = check(reader, make_article().pk, REMOTE_ADDR="203.0.113.50").json()
        self.assertEqual(data["reason"], "metered")

    @override_settings(PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE=0)
    def test_the_registered_network_allowance_can_be_switched_off(self) -> None:
        granted = 0
        for index in range(3):
            client = register(index, "203.0.113.5")
            for _ in range(5):
                granted += check(client, make_article().pk, REMOTE_ADDR="203.0.113.5").json()[
                    "granted"
                ]
        self.assertEqual(granted, 15)


@pytest.mark.postgres
@override_settings(ACCOUNTS_REGISTRATIONS_PER_NETWORK=3)
class RegistrationLimitTests(TestCase):
    def test_it_refuses_registrations_past_the_network_limit_with_a_clear_message(
        self,
    ) -> None:
        for index in range(3):
            register(index, f"203.0.113.{index + 1}")
        refused = Client(REMOTE_ADDR="203.0.113.200").post(
            "/accounts/register/",
            {"email": "one@example.com", "password": PASSWORD, "password_again": PASSWORD},
        )
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused["Retry-After"], "3600")
        self.assertContains(refused, "Too many sign-ups from your network", status_code=429)
        self.assertContains(refused, "wait 60 minutes", status_code=429)
        self.assertIn("no-store", refused["Cache-Control"])
        self.assertFalse(User.objects.filter(email="one@example.com").exists())
        # Another network may still register.
        register(7, "198.51.100.7")

    def test_a_refused_attempt_does_not_say_whether_the_address_has_an_account(self) -> None:
        User.objects.create_user("taken@example.com", "whatever-long-1")
        for _index in range(3):
            Client(REMOTE_ADDR="203.0.113.1").post("/accounts/register/", {"email": "x"})
        refused = Client(REMOTE_ADDR="203.0.113.2").post(
            "/accounts/register/",
            {"email": "taken@example.com", "password": PASSWORD, "password_again": PASSWORD},
        )
        self.assertEqual(refused.status_code, 429)
        self.assertNotContains(refused, "already exists", status_code=429)

    def test_every_attempt_counts_so_asking_about_addresses_is_bounded(self) -> None:
        User.objects.create_user("taken@example.com", "whatever-long-1")
        answers = []
        for _index in range(5):
            response = Client(REMOTE_ADDR="203.0.113.1").post(
                "/accounts/register/",
                {"email": "taken@example.com", "password": PASSWORD, "password_again": PASSWORD},
            )
            answers.append(response.status_code)
        self.assertEqual(answers, [200, 200, 200, 429, 429])


class RegisteredNetworkPolicyTests(TestCase):
    def test_the_admin_refuses_a_registered_allowance_below_the_anonymous_one(self) -> None:
        row = PaywallPolicy(network_daily_allowance=60, registered_network_daily_allowance=30)
        with self.assertRaises(ValidationError):
            row.full_clean()
        PaywallPolicy(network_daily_allowance=60, registered_network_daily_allowance=0).full_clean()
        PaywallPolicy(network_daily_allowance=0, registered_network_daily_allowance=5).full_clean()

    def test_the_default_is_higher_than_the_anonymous_one(self) -> None:
        row = PaywallPolicy()
        self.assertGreater(row.registered_network_daily_allowance, row.network_daily_allowance)
