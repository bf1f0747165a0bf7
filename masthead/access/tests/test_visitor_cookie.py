"""The visitor cookie: issued by the check, signed, and forged values are ignored."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.test import TestCase, override_settings

from masthead.access.visitors import SALT

from .helpers import check, make_article

COOKIE = "masthead_visitor"


@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=1)
class VisitorCookieTests(TestCase):
    def test_it_issues_a_signed_http_only_lax_cookie(self) -> None:
        response = check(self.client, make_article("free").pk)
        morsel = response.cookies[COOKIE]
        self.assertIs(bool(morsel["httponly"]), True)
        self.assertEqual(morsel["samesite"], "Lax")
        value = signing.Signer(salt=SALT).unsign(morsel.value)
        self.assertRegex(value, r"^[A-Za-z0-9_-]{16,}$")

    @override_settings(SESSION_COOKIE_SECURE=True)
    def test_it_marks_the_cookie_secure_outside_the_demo(self) -> None:
        response = check(self.client, make_article("free").pk)
        self.assertIs(bool(response.cookies[COOKIE]["secure"]), True)

    def test_it_keeps_a_valid_cookie_and_does_not_reissue_it(self) -> None:
        check(self.client, make_article().pk)
        second = check(self.client, make_article().pk)
        self.assertNotIn(COOKIE, second.cookies)
        self.assertEqual(second.json()["reason"], "meter_exhausted")

    def _spend_then_forge(self, forged: str) -> Any:
        check(self.client, make_article().pk)
        self.client.cookies[COOKIE] = forged
        response = check(self.client, make_article().pk)
        self.assertIn(COOKIE, response.cookies)  # a new visitor, with a new cookie
        self.assertNotEqual(response.cookies[COOKIE].value, forged)
        return response.json()

    def test_it_treats_an_unsigned_cookie_as_a_new_visitor(self) -> None:
        self.assertEqual(self._spend_then_forge("abcdefghijklmnopqrstuv")["reason"], "metered")

    def test_it_treats_a_badly_signed_cookie_as_a_new_visitor(self) -> None:
        forged = "abcdefghijklmnopqrstuv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        self.assertEqual(self._spend_then_forge(forged)["reason"], "metered")

    def test_it_refuses_a_value_signed_for_another_purpose(self) -> None:
        other = signing.Signer(salt="masthead.gifts").sign("abcdefghijklmnopqrstuv")
        self.assertEqual(self._spend_then_forge(other)["reason"], "metered")

    def test_it_refuses_a_signed_value_that_is_not_a_visitor_id(self) -> None:
        odd = signing.Signer(salt=SALT).sign("../../etc/passwd")
        self.assertEqual(self._spend_then_forge(odd)["reason"], "metered")

    def test_it_sets_no_visitor_cookie_for_logged_in_readers(self) -> None:
        from masthead.accounts.models import User

        self.client.force_login(User.objects.create_user("r@example.com", "pw-long-enough"))
        response = check(self.client, make_article().pk)
        self.assertNotIn(COOKIE, response.cookies)
