"""The impression beacon: counts valid reports, refuses bad ones with 400 JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

import time_machine
from django.test import Client, TestCase

from masthead.ads.models import HouseAd, Impressions

URL = "/ads/impressions/"
NOW = dt.datetime(2025, 2, 18, 12, tzinfo=dt.UTC)


class ImpressionTests(TestCase):
    def setUp(self) -> None:
        self.ad = HouseAd.objects.create(name="house", html="<p>Hi</p>")
        # The beacon carries no CSRF token: a page served from a shared cache has none.
        self.client = Client(enforce_csrf_checks=True)

    def post(self, payload: object) -> Any:
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return self.client.post(URL, body, content_type="application/json")

    @time_machine.travel(NOW, tick=False)
    def test_it_counts_each_report_on_the_day(self) -> None:
        self.assertEqual(self.post({"ads": [self.ad.pk], "article": 5}).status_code, 204)
        self.assertEqual(
            self.post({"ads": [self.ad.pk, self.ad.pk], "article": None}).status_code, 204
        )
        row = Impressions.objects.get(ad=self.ad)
        self.assertEqual((row.day, row.count), (NOW.date(), 2))

    def test_it_records_an_analytics_event(self) -> None:
        with mock.patch("masthead.ads.views.events.record") as record:
            self.post({"ads": [self.ad.pk], "article": 9})
        record.assert_called_once()
        self.assertEqual(record.call_args.args, ("ad_impression",))
        self.assertEqual(record.call_args.kwargs["article_id"], 9)
        self.assertEqual(record.call_args.kwargs["extra"], {"ad": self.ad.pk})

    def test_it_ignores_unknown_ads(self) -> None:
        self.assertEqual(self.post({"ads": [999999]}).status_code, 204)
        self.assertFalse(Impressions.objects.exists())

    def test_it_refuses_bad_input_with_json(self) -> None:
        bad = [
            b"not json",
            b"\xff\xfe",
            [],
            {"ads": []},
            {"ads": "1"},
            {"ads": [0]},
            {"ads": [True]},
            {"ads": [1.5]},
            {"ads": list(range(1, 30))},
            {"ads": [1], "article": "x"},
            b"{" + b" " * 5000 + b"}",
        ]
        for payload in bad:
            response = self.post(payload)
            self.assertEqual(response.status_code, 400, payload)
            self.assertIn("error", response.json())
        self.assertFalse(Impressions.objects.exists())

    def test_it_refuses_deep_or_huge_bodies_with_a_clean_400(self) -> None:
        for payload in (b"[" * 2000, b'{"ads": [1e999]}', b'{"ads": [' + b"9" * 100 + b"]}"):
            response = self.post(payload)
            self.assertEqual(response.status_code, 400, payload[:40])
            self.assertIn("error", response.json())
            self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_refuses_get(self) -> None:
        self.assertEqual(self.client.get(URL).status_code, 405)

    def test_it_sets_no_cookie(self) -> None:
        response = self.post({"ads": [self.ad.pk]})
        self.assertNotIn("Set-Cookie", response.headers)
