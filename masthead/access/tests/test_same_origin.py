"""The check answers only this site's pages (Origin / Sec-Fetch-Site), and limits rates."""

from __future__ import annotations

import json
from typing import Any

from django.test import TestCase, override_settings

from .helpers import check, make_article


class SameOriginTests(TestCase):
    def setUp(self) -> None:
        self.article = make_article("free")

    def _post(self, **headers: Any) -> Any:
        body = json.dumps({"article": self.article.pk, "gift": None})
        return self.client.post("/api/access/", body, content_type="application/json", **headers)

    def test_it_answers_same_origin_requests(self) -> None:
        response = self._post(HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
        self.assertEqual(response.status_code, 200)

    def test_it_refuses_a_cross_site_fetch(self) -> None:
        response = self._post(HTTP_SEC_FETCH_SITE="cross-site")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(set(response.json()), {"error"})
        self.assertNotIn("masthead_visitor", response.cookies)

    def test_it_refuses_a_same_site_but_other_origin_fetch(self) -> None:
        self.assertEqual(self._post(HTTP_SEC_FETCH_SITE="same-site").status_code, 403)

    def test_it_refuses_a_foreign_origin(self) -> None:
        self.assertEqual(self._post(HTTP_ORIGIN="https://evil.example").status_code, 403)
        self.assertEqual(self._post(HTTP_ORIGIN="null").status_code, 403)

    def test_it_refuses_the_same_host_on_another_scheme(self) -> None:
        self.assertEqual(self._post(HTTP_ORIGIN="https://testserver").status_code, 403)

    @override_settings(CSRF_TRUSTED_ORIGINS=["https://news.example"])
    def test_it_accepts_a_trusted_origin(self) -> None:
        self.assertEqual(self._post(HTTP_ORIGIN="https://news.example").status_code, 200)

    def test_it_refuses_a_request_that_sends_neither_header(self) -> None:
        response = self._post()
        self.assertEqual(response.status_code, 403)
        self.assertEqual(set(response.json()), {"error"})
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertNotIn("masthead_visitor", response.cookies)

    def test_it_refuses_a_fetch_that_names_no_origin_but_the_readers_own_action(self) -> None:
        self.assertEqual(self._post(HTTP_SEC_FETCH_SITE="none").status_code, 403)

    def test_it_answers_with_either_header_alone(self) -> None:
        self.assertEqual(self._post(HTTP_ORIGIN="http://testserver").status_code, 200)
        self.assertEqual(self._post(HTTP_SEC_FETCH_SITE="same-origin").status_code, 200)
        both = self._post(HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="none")
        self.assertEqual(both.status_code, 200)

    def test_it_refuses_a_foreign_origin_even_with_same_origin_fetch_metadata(self) -> None:
        response = self._post(HTTP_ORIGIN="https://evil.example", HTTP_SEC_FETCH_SITE="same-origin")
        self.assertEqual(response.status_code, 403)

    def test_it_works_with_csrf_checks_enforced(self) -> None:
        self.client.handler.enforce_csrf_checks = True
        self.assertEqual(self._post(HTTP_SEC_FETCH_SITE="same-origin").status_code, 200)


class RateLimitTests(TestCase):
    @override_settings(PAYWALL_CHECK_RATE_LIMIT=3)
    def test_it_answers_429_past_the_limit_per_address(self) -> None:
        article = make_article("free")
        codes = [
            check(self.client, article.pk, REMOTE_ADDR="127.0.0.7").status_code for _ in range(4)
        ]
        self.assertEqual(codes, [200, 200, 200, 429])
        limited = check(self.client, article.pk, REMOTE_ADDR="127.0.0.7")
        self.assertEqual(set(limited.json()), {"error"})
        self.assertEqual(limited["Retry-After"], "60")
        other = check(self.client, article.pk, REMOTE_ADDR="127.0.0.8")
        self.assertEqual(other.status_code, 200)
