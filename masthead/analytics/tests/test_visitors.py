"""The visitor key: a keyed hash of the visitor id."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from masthead.analytics.visitors import VISITOR_KEY_LENGTH, visitor_key


class VisitorKeyTests(SimpleTestCase):
    def test_it_is_stable_for_one_visitor(self) -> None:
        self.assertEqual(visitor_key("abc"), visitor_key("abc"))

    def test_it_differs_between_visitors(self) -> None:
        self.assertNotEqual(visitor_key("abc"), visitor_key("abd"))

    def test_it_is_short_hex_and_not_the_id(self) -> None:
        key = visitor_key("abc")
        self.assertEqual(len(key), VISITOR_KEY_LENGTH)
        int(key, 16)
        self.assertNotIn("abc", key)

    def test_it_depends_on_the_secret_key(self) -> None:
        before = visitor_key("abc")
        with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
            self.assertNotEqual(visitor_key("abc"), before)

    def test_it_is_empty_for_no_visitor(self) -> None:
        self.assertEqual(visitor_key(""), "")
