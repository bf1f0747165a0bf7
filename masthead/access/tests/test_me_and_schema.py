"""GET /api/me/ (private, for the header) and GET /api/schema/ (OpenAPI 3)."""

from __future__ import annotations

import json

from django.test import TestCase

from masthead.accounts.models import User


class MeTests(TestCase):
    def test_it_says_nobody_is_logged_in(self) -> None:
        response = self.client.get("/api/me/")
        data = response.json()
        self.assertIs(data["authenticated"], False)
        self.assertIsNone(data["email"])
        self.assertEqual(
            set(data),
            {"authenticated", "subscriber", "email", "account_url", "logout_url", "csrf_token"},
        )
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertIn("Cookie", response["Vary"])

    def test_it_names_the_logged_in_reader(self) -> None:
        self.client.force_login(User.objects.create_user("r@example.com", "pw-long-enough"))
        data = self.client.get("/api/me/").json()
        self.assertIs(data["authenticated"], True)
        self.assertEqual(data["email"], "r@example.com")
        self.assertEqual(data["logout_url"], "/accounts/logout/")
        self.assertGreater(len(data["csrf_token"]), 20)
        self.assertIs(data["subscriber"], False)

    def test_it_says_when_the_reader_subscribes(self) -> None:
        import datetime as dt

        from django.utils import timezone

        from masthead.billing.tests.factories import plan, reader, subscription

        member = reader("member@example.com")
        later = timezone.now() + dt.timedelta(days=30)
        subscription(member, plan=plan("all-access", name="All Access"), current_period_end=later)
        self.client.force_login(member)
        self.assertIs(self.client.get("/api/me/").json()["subscriber"], True)

    def test_it_refuses_post(self) -> None:
        self.assertEqual(self.client.post("/api/me/").status_code, 405)


class SchemaTests(TestCase):
    def test_it_serves_an_openapi_document_listing_the_check(self) -> None:
        response = self.client.get("/api/schema/")
        schema = json.loads(response.content)
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertIn("post", schema["paths"]["/api/access/"])
        self.assertIn("/api/me/", schema["paths"])
        self.assertIn("Error", schema["components"]["schemas"])

    def test_it_resolves_every_reference(self) -> None:
        schema = self.client.get("/api/schema/").json()
        text = json.dumps(schema)
        for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
            name = ref.removeprefix("#/components/schemas/")
            self.assertIn(name, schema["components"]["schemas"], ref)

    def test_it_describes_the_check_responses(self) -> None:
        responses = self.client.get("/api/schema/").json()["paths"]["/api/access/"]["post"][
            "responses"
        ]
        self.assertEqual(set(responses), {"200", "400", "403", "404", "405", "429", "503"})


class SchemaCoverageTests(TestCase):
    """Every JSON endpoint the site routes appears in the schema."""

    def test_it_lists_the_other_apps_json_endpoints(self) -> None:
        from django.urls import Resolver404, resolve

        paths = self.client.get("/api/schema/").json()["paths"]
        for path in ("/gifts/status/", "/gifts/", "/ads/impressions/", "/oembed/"):
            self.assertIn(path, paths)
        for path in paths:
            try:
                resolve(path)
            except Resolver404:
                self.fail(f"the schema lists {path}, which the site does not route")
