"""/accounts/register/: e-mail and password, Argon2, logged in at once, back to next."""

from __future__ import annotations

from django.core import mail
from django.test import TestCase, override_settings

from masthead.accounts.models import User

from .helpers import check, make_article

GOOD = {
    "email": "New.Reader@Example.com",
    "password": "quiet-harbour-42",
    "password_again": "quiet-harbour-42",
}


class RegistrationTests(TestCase):
    def test_it_shows_the_form_uncached(self) -> None:
        response = self.client.get("/accounts/register/?next=/2025/01/10/story/")
        self.assertContains(response, "Create a free account")
        self.assertContains(response, 'value="/2025/01/10/story/"')
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_creates_an_argon2_account_logs_in_and_returns_to_the_article(self) -> None:
        response = self.client.post("/accounts/register/", {**GOOD, "next": "/2025/01/10/story/"})
        self.assertRedirects(response, "/2025/01/10/story/", fetch_redirect_response=False)
        user = User.objects.get()
        self.assertEqual(user.email, "new.reader@example.com")
        self.assertTrue(user.password.startswith("argon2"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)

    def test_it_sends_the_welcome_mail_to_the_new_reader(self) -> None:
        self.client.post("/accounts/register/", GOOD)
        self.assertEqual([m.to for m in mail.outbox], [["new.reader@example.com"]])

    def test_it_refuses_open_redirects(self) -> None:
        for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
            User.objects.all().delete()
            self.client.logout()
            response = self.client.post("/accounts/register/", {**GOOD, "next": target})
            self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_refuses_mismatched_weak_and_taken(self) -> None:
        mismatch = self.client.post(
            "/accounts/register/", {**GOOD, "password_again": "other-1234567"}
        )
        self.assertContains(mismatch, "do not match")
        weak = self.client.post(
            "/accounts/register/", {**GOOD, "password": "password", "password_again": "password"}
        )
        self.assertContains(weak, "too common")
        User.objects.create_user("new.reader@example.com", "whatever-long-1")
        taken = self.client.post("/accounts/register/", GOOD)
        self.assertContains(taken, "already exists")
        self.assertEqual(User.objects.count(), 1)

    def test_it_needs_the_csrf_token(self) -> None:
        self.client.handler.enforce_csrf_checks = True
        response = self.client.post("/accounts/register/", GOOD)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(User.objects.count(), 0)

    @override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=0)
    def test_it_unlocks_a_registered_article_after_registering(self) -> None:
        article = make_article("registered")
        self.assertEqual(check(self.client, article.pk).json()["offer"]["kind"], "registration")
        self.client.post("/accounts/register/", {**GOOD, "next": "/"})
        data = check(self.client, article.pk).json()
        self.assertIs(data["granted"], True)
        self.assertIn(article.gated_marker, data["html"])
