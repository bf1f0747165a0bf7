"""Logging in by e-mail, returning to the article, refusing open redirects; logging out."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from masthead.accounts.models import User

PASSWORD = "correct-horse-battery"


class LoginTests(TestCase):
    def setUp(self) -> None:
        self.user = User.objects.create_user("reader@example.com", PASSWORD)

    def log_in(self, next_url: str | None = None, email: str = "reader@example.com") -> Any:
        data = {"username": email, "password": PASSWORD}
        if next_url is not None:
            data["next"] = next_url
        return self.client.post("/accounts/login/", data)

    def test_it_labels_the_fields_and_the_button(self) -> None:
        body = self.client.get("/accounts/login/").content.decode()
        self.assertIn('<label for="id_username">Email</label>', body)
        self.assertIn('<label for="id_password">Password</label>', body)
        self.assertIn('<button type="submit">Log in</button>', body)
        self.assertIn('type="email"', body)

    def test_it_returns_to_the_article_after_login(self) -> None:
        response = self.log_in("/2025/02/18/council-votes/")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/2025/02/18/council-votes/")

    def test_it_carries_next_from_the_query_into_the_form(self) -> None:
        body = self.client.get("/accounts/login/?next=/2025/02/18/x/").content.decode()
        self.assertIn('name="next" value="/2025/02/18/x/"', body)

    def test_it_refuses_open_redirects(self) -> None:
        for evil in (
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "javascript:alert(1)",
            "http://testserver@evil.example/",
        ):
            response = self.client.post(
                "/accounts/login/",
                {"username": "reader@example.com", "password": PASSWORD, "next": evil},
            )
            self.assertEqual(response.status_code, 302, evil)
            self.assertNotIn("evil", response["Location"], evil)
            self.assertTrue(response["Location"].startswith("/"), evil)
            self.client.post("/accounts/logout/")

    def test_it_accepts_the_email_in_any_case(self) -> None:
        response = self.log_in("/", email="Reader@Example.COM")
        self.assertEqual(response.status_code, 302)

    def test_it_refuses_a_wrong_password_with_a_clear_message(self) -> None:
        response = self.client.post(
            "/accounts/login/", {"username": "reader@example.com", "password": "nope"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "That email and password do not match an account.")

    def test_it_logs_out_on_post_only(self) -> None:
        self.log_in()
        self.assertEqual(self.client.get("/accounts/logout/").status_code, 405)
        response = self.client.post("/accounts/logout/", {"next": "/2025/02/18/x/"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/2025/02/18/x/")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_refuses_an_open_redirect_on_logout(self) -> None:
        self.log_in()
        response = self.client.post("/accounts/logout/", {"next": "https://evil.example/"})
        self.assertNotIn("evil", response["Location"])
