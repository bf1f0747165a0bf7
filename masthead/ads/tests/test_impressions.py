"""The impression beacon: counts valid reports, refuses bad ones with 400 JSON.

It answers only this site's pages (Origin / Sec-Fetch-Site), is limited per address,
and records only running ads on articles the paywall's content source knows.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

import time_machine
from django.core.cache import cache
from django.test import Client, TestCase, override_settings

from masthead.access.tests.helpers import make_article
from masthead.ads.models import HouseAd, Impressions

URL = "/ads/impressions/"
NOW = dt.datetime(2025, 2, 18, 12, tzinfo=dt.UTC)


class ImpressionTests(TestCase):
    def setUp(self) -> None:
        cache.clear()  # the per-address limit
        self.ad = HouseAd.objects.create(name="house", html="<p>Hi</p>")
        self.article = make_article("metered")
        # The beacon carries no CSRF token: a page served from a shared cache has none.
        self.client = Client(enforce_csrf_checks=True)

    def post(self, payload: object, **headers: Any) -> Any:
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        # What a browser's sendBeacon from this site's page carries.
        headers.setdefault("HTTP_ORIGIN", "http://testserver")
        headers.setdefault("HTTP_SEC_FETCH_SITE", "same-origin")
        return self.client.post(URL, body, content_type="application/json", **headers)

    @time_machine.travel(NOW, tick=False)
    def test_it_counts_each_report_on_the_day(self) -> None:
        article = self.article.pk
        self.assertEqual(self.post({"ads": [self.ad.pk], "article": article}).status_code, 204)
        self.assertEqual(
            self.post({"ads": [self.ad.pk, self.ad.pk], "article": None}).status_code, 204
        )
        row = Impressions.objects.get(ad=self.ad)
        self.assertEqual((row.day, row.count), (NOW.date(), 2))

    def test_it_records_an_analytics_event(self) -> None:
        with mock.patch("masthead.ads.views.events.record") as record:
            self.post({"ads": [self.ad.pk], "article": self.article.pk})
        record.assert_called_once()
        self.assertEqual(record.call_args.args, ("ad_impression",))
        self.assertEqual(record.call_args.kwargs["article_id"], self.article.pk)
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

    def test_it_refuses_other_origins_and_counts_nothing(self) -> None:
        refused: list[dict[str, str]] = [
            {"HTTP_ORIGIN": "https://evil.example"},
            {"HTTP_ORIGIN": "null"},
            {"HTTP_ORIGIN": "https://testserver"},  # same host, other scheme
            {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        ]
        for headers in refused:
            response = self.post({"ads": [self.ad.pk], "article": self.article.pk}, **headers)
            self.assertEqual(response.status_code, 403, headers)
            self.assertEqual(response["Cache-Control"], "private, no-store")
        # A script, not a browser: neither header.
        bare = Client(enforce_csrf_checks=True).post(
            URL, json.dumps({"ads": [self.ad.pk]}), content_type="application/json"
        )
        self.assertEqual(bare.status_code, 403)
        self.assertFalse(Impressions.objects.exists())

    def test_it_accepts_a_beacon_with_only_sec_fetch_site(self) -> None:
        response = self.client.post(
            URL,
            json.dumps({"ads": [self.ad.pk]}),
            content_type="application/json",
            HTTP_SEC_FETCH_SITE="same-origin",
        )
        self.assertEqual(response.status_code, 204)

    @override_settings(ADS_BEACON_RATE_LIMIT=3)
    def test_it_limits_each_address(self) -> None:
        codes = [self.post({"ads": [self.ad.pk]}).status_code for _ in range(5)]
        self.assertEqual(codes, [204, 204, 204, 429, 429])
        self.assertEqual(Impressions.objects.get(ad=self.ad).count, 3)
        other = self.post({"ads": [self.ad.pk]}, REMOTE_ADDR="198.51.100.7")
        self.assertEqual(other.status_code, 204)

    def test_it_records_nothing_for_an_article_the_source_does_not_know(self) -> None:
        draft = make_article("metered", status="draft")
        with mock.patch("masthead.ads.views.events.record") as record:
            for article_id in (999999, draft.pk):
                response = self.post({"ads": [self.ad.pk], "article": article_id})
                self.assertEqual(response.status_code, 204)
        record.assert_not_called()
        self.assertFalse(Impressions.objects.exists())

    def test_it_records_nothing_for_ads_that_are_not_running(self) -> None:
        paused = HouseAd.objects.create(name="paused", html="<p>x</p>", is_active=False)
        weightless = HouseAd.objects.create(name="zero", html="<p>x</p>", weight=0)
        ended = HouseAd.objects.create(
            name="ended", html="<p>x</p>", ends_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        ids = [paused.pk, weightless.pk, ended.pk]
        self.assertEqual(self.post({"ads": ids, "article": self.article.pk}).status_code, 204)
        self.assertFalse(Impressions.objects.exists())
        # A front page (no article) with a running ad still counts.
        self.post({"ads": [*ids, self.ad.pk], "article": None})
        self.assertEqual(Impressions.objects.get().ad, self.ad)

    def test_it_asks_the_content_port_not_the_newsroom(self) -> None:
        with mock.patch("masthead.ads.views.article_is_live", return_value=False) as asked:
            self.post({"ads": [self.ad.pk], "article": 12345})
        asked.assert_called_once()
        self.assertEqual(asked.call_args.args[0], 12345)
        self.assertFalse(Impressions.objects.exists())
