"""POST /api/access/: the JSON contract of docs/design.md, "The access check"."""

from __future__ import annotations

import json

import pytest
from django.test import TestCase, override_settings

from masthead.accounts.models import User
from masthead.billing.models import AccessGrant

from .helpers import check, make_article

# "arm" joined in issue 15 (null without an experiment): the contract only grows.
KEYS = {"granted", "reason", "html", "offer", "meter", "ad_free", "arm"}
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


@pytest.mark.postgres
@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=3, PAYWALL_REGISTERED_ALLOWANCE=10)
class AccessCheckTests(TestCase):
    def test_it_grants_a_metered_article_and_counts_it(self) -> None:
        article = make_article("metered")
        response = check(self.client, article.pk)
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(set(data), KEYS)
        self.assertIs(data["granted"], True)
        self.assertEqual(data["reason"], "metered")
        self.assertIn(article.gated_marker, data["html"])
        self.assertIsNone(data["offer"])
        self.assertEqual(data["meter"], {"used": 1, "allowance": 3, "remaining": 2})
        self.assertIs(data["ad_free"], False)

    def test_it_is_private_and_never_stored(self) -> None:
        response = check(self.client, make_article("free").pk)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertIn("Cookie", response["Vary"])

    def test_it_does_not_count_a_re_read(self) -> None:
        article = make_article("metered")
        check(self.client, article.pk)
        again = check(self.client, article.pk).json()
        self.assertEqual(again["meter"]["used"], 1)
        self.assertIs(again["granted"], True)

    def test_it_shows_the_registration_wall_when_the_allowance_is_spent(self) -> None:
        for _ in range(3):
            self.assertIs(check(self.client, make_article().pk).json()["granted"], True)
        article = make_article()
        data = check(self.client, article.pk).json()
        self.assertIs(data["granted"], False)
        self.assertEqual(data["reason"], "meter_exhausted")
        self.assertIsNone(data["html"])
        self.assertEqual(data["offer"]["kind"], "registration")
        self.assertIn("Create a free account", data["offer"]["html"])
        self.assertIn("3 free articles", data["offer"]["html"])
        self.assertNotIn(article.gated_marker, json.dumps(data))

    def test_it_shows_registered_readers_the_subscription_wall(self) -> None:
        self.client.force_login(User.objects.create_user("r@example.com", "pw-long-enough"))
        with override_settings(PAYWALL_REGISTERED_ALLOWANCE=1):
            check(self.client, make_article().pk)
            data = check(self.client, make_article().pk).json()
        self.assertEqual(data["offer"]["kind"], "subscription")
        self.assertEqual(data["meter"], {"used": 1, "allowance": 1, "remaining": 0})

    def test_it_asks_anonymous_readers_to_register_for_registered_articles(self) -> None:
        article = make_article("registered")
        data = check(self.client, article.pk).json()
        self.assertEqual(data["reason"], "registration_required")
        self.assertIsNone(data["meter"])
        self.assertNotIn(article.gated_marker, json.dumps(data))

    def test_it_opens_subscriber_articles_to_a_hand_granted_subscriber(self) -> None:
        user = User.objects.create_user("s@example.com", "pw-long-enough")
        AccessGrant.objects.create(user=user, ad_free=True)
        self.client.force_login(user)
        article = make_article("subscriber")
        data = check(self.client, article.pk).json()
        self.assertEqual(data["reason"], "subscriber")
        self.assertIn(article.gated_marker, data["html"])
        self.assertIs(data["ad_free"], True)
        self.assertIsNone(data["meter"])

    def test_it_keeps_subscriber_articles_from_a_registered_reader(self) -> None:
        self.client.force_login(User.objects.create_user("r@example.com", "pw-long-enough"))
        article = make_article("subscriber")
        data = check(self.client, article.pk).json()
        self.assertEqual(data["reason"], "subscription_required")
        self.assertNotIn(article.gated_marker, json.dumps(data))

    def test_it_answers_404_for_a_missing_or_unpublished_article(self) -> None:
        draft = make_article(status="draft")
        for article_id in (draft.pk, 999999):
            response = check(self.client, article_id)
            self.assertEqual(response.status_code, 404)
            self.assertEqual(set(response.json()), {"error"})

    def test_it_refuses_other_methods_with_json(self) -> None:
        response = self.client.get("/api/access/")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "POST")
        self.assertIn("error", response.json())

    def test_it_refuses_malformed_bodies_with_400(self) -> None:
        bodies = [
            "not json",
            "[]",
            '{"article": true}',
            '{"article": -4}',
            '{"gift": "x"}',
            '{"article": 1, "gift": 5}',
            '{"article": 1.5}',
            '{"article": "12a"}',
        ]
        for body in bodies:
            response = self.client.post(
                "/api/access/", body, content_type="application/json", headers=SAME_ORIGIN
            )
            self.assertEqual(response.status_code, 400, body)
            self.assertEqual(set(response.json()), {"error"})

    def test_it_refuses_bodies_over_4_kb(self) -> None:
        body = json.dumps({"article": 1, "gift": None, "pad": "x" * 5000})
        response = self.client.post(
            "/api/access/", body, content_type="application/json", headers=SAME_ORIGIN
        )
        self.assertEqual(response.status_code, 400)

    def test_it_refuses_deep_huge_or_non_utf8_bodies_with_a_clean_400(self) -> None:
        bodies: list[bytes] = [
            b"[" * 2000,
            b'{"article": ' + b"[" * 1000 + b"}",
            b'{"article": ' + b"9" * 100 + b"}",
            b'{"article": 1e999}',
            b'{"article": NaN}',
            b'{"article": 1, "gift": "\xff"}',
            b"\xff\xfe",
        ]
        for body in bodies:
            response = self.client.post(
                "/api/access/", body, content_type="application/json", headers=SAME_ORIGIN
            )
            self.assertEqual(response.status_code, 400, body[:40])
            self.assertEqual(set(response.json()), {"error"})
            self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_accepts_the_article_id_as_a_string(self) -> None:
        article = make_article("free")
        self.assertEqual(check(self.client, str(article.pk)).json()["reason"], "free")
