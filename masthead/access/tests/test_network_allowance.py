"""Clearing cookies in a loop stops at the network allowance.

Anonymous readers share one allowance per network; readers metered by account share a
larger one of their own (``test_registered_network.py``).
"""

from __future__ import annotations

import pytest
from django.test import Client, TestCase, override_settings

from masthead.accounts.models import User

from .helpers import check, make_article


@pytest.mark.postgres
@override_settings(PAYWALL_NETWORK_DAILY_ALLOWANCE=4, PAYWALL_ANONYMOUS_ALLOWANCE=3)
class NetworkAllowanceTests(TestCase):
    def test_it_stops_fresh_visitors_from_one_network(self) -> None:
        articles = [make_article() for _ in range(6)]
        reasons = []
        for index, article in enumerate(articles):
            fresh = Client()  # a new visitor every time, as if cookies were cleared
            addr = f"203.0.113.{index + 1}"  # one /24
            reasons.append(check(fresh, article.pk, REMOTE_ADDR=addr).json()["reason"])
        self.assertEqual(reasons, ["metered"] * 4 + ["network_exhausted"] * 2)

    def test_it_counts_other_networks_apart(self) -> None:
        for index in range(4):
            check(Client(), make_article().pk, REMOTE_ADDR=f"203.0.113.{index + 1}")
        data = check(Client(), make_article().pk, REMOTE_ADDR="198.51.100.1").json()
        self.assertEqual(data["reason"], "metered")

    def test_it_groups_ipv6_readers_by_56(self) -> None:
        for index in range(4):
            check(Client(), make_article().pk, REMOTE_ADDR=f"2001:db8:1:2::{index + 1}")
        data = check(Client(), make_article().pk, REMOTE_ADDR="2001:db8:1:2:ffff::1").json()
        self.assertEqual(data["reason"], "network_exhausted")
        self.assertIn("network", data["offer"]["html"])
        # Another /64 of the same /56 is the same network: a new /64 buys nothing.
        data = check(Client(), make_article().pk, REMOTE_ADDR="2001:db8:1:ff::1").json()
        self.assertEqual(data["reason"], "network_exhausted")
        # The next /56 is another network.
        data = check(Client(), make_article().pk, REMOTE_ADDR="2001:db8:1:100::1").json()
        self.assertEqual(data["reason"], "metered")

    @override_settings(IPV6_NETWORK_PREFIX=64)
    def test_the_ipv6_network_size_is_a_setting(self) -> None:
        for index in range(4):
            check(Client(), make_article().pk, REMOTE_ADDR=f"2001:db8:1:2::{index + 1}")
        data = check(Client(), make_article().pk, REMOTE_ADDR="2001:db8:1:3::1").json()
        self.assertEqual(data["reason"], "metered")

    def test_registered_readers_do_not_spend_the_anonymous_allowance(self) -> None:
        for index in range(4):
            check(Client(), make_article().pk, REMOTE_ADDR=f"203.0.113.{index + 1}")
        reader = Client()
        reader.force_login(User.objects.create_user("r@example.com", "pw-long-enough"))
        data = check(reader, make_article().pk, REMOTE_ADDR="203.0.113.50").json()
        self.assertEqual(data["reason"], "metered")

    @override_settings(PAYWALL_NETWORK_DAILY_ALLOWANCE=0)
    def test_it_can_be_switched_off(self) -> None:
        reasons = [
            check(Client(), make_article().pk, REMOTE_ADDR=f"203.0.113.{n}").json()["reason"]
            for n in range(1, 7)
        ]
        self.assertEqual(set(reasons), {"metered"})
