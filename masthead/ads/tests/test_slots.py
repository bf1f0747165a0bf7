"""Ad slots: which house ads run where and when, and how often each is picked."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter

from django.core.exceptions import ValidationError
from django.test import TestCase

from masthead.ads.models import HouseAd, validate_ad_link
from masthead.ads.slots import NO_ADS, AdPicker, next_change
from masthead.newsroom.models import Section

NOW = dt.datetime(2025, 2, 18, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def ad(name: str, **fields: object) -> HouseAd:
    fields.setdefault("html", f"<p>{name} creative</p>")
    return HouseAd.objects.create(name=name, **fields)


class RunningTests(TestCase):
    def test_it_runs_only_active_ads_inside_their_window(self) -> None:
        ad("always")
        ad("paused", is_active=False)
        ad("zero", weight=0)
        ad("future", starts_at=NOW + DAY)
        ad("ended", ends_at=NOW)
        ad("window", starts_at=NOW - DAY, ends_at=NOW + DAY)
        names = set(HouseAd.objects.running(NOW).values_list("name", flat=True))
        self.assertEqual(names, {"always", "window"})

    def test_it_runs_section_ads_only_in_their_section(self) -> None:
        sports = Section.objects.create(name="Sports", slug="sports")
        ad("everywhere")
        ad("sports-only").sections.add(sports)
        self.assertEqual(
            set(HouseAd.objects.for_section("sports").values_list("name", flat=True)),
            {"everywhere", "sports-only"},
        )
        self.assertEqual(
            set(HouseAd.objects.for_section("metro").values_list("name", flat=True)),
            {"everywhere"},
        )
        self.assertEqual(
            set(HouseAd.objects.for_section("").values_list("name", flat=True)), {"everywhere"}
        )


class NextChangeTests(TestCase):
    def test_it_is_the_first_start_or_end_still_ahead_in_the_section(self) -> None:
        sports = Section.objects.create(name="Sports", slug="sports")
        ad("always")
        ad("ended", ends_at=NOW - DAY)
        ad("paused", is_active=False, starts_at=NOW + dt.timedelta(hours=1))
        ad("elsewhere", starts_at=NOW + dt.timedelta(hours=2)).sections.add(sports)
        ad("window", starts_at=NOW - DAY, ends_at=NOW + dt.timedelta(hours=5))
        ad("later", starts_at=NOW + dt.timedelta(hours=3))
        self.assertEqual(next_change("metro", NOW), NOW + dt.timedelta(hours=3))
        self.assertEqual(next_change("sports", NOW), NOW + dt.timedelta(hours=2))

    def test_it_is_none_when_nothing_is_scheduled(self) -> None:
        ad("always")
        ad("ended", starts_at=NOW - DAY, ends_at=NOW)
        self.assertIsNone(next_change("", NOW))


class PickerTests(TestCase):
    def test_it_picks_by_weight(self) -> None:
        heavy, light = ad("heavy", weight=3), ad("light", weight=1)
        rng = random.Random(7)
        # A fresh picker per page: the first slot of each page follows the weights.
        firsts = (AdPicker([heavy, light], rng).pick() for _ in range(4000))
        counts = Counter(first.name for first in firsts if first is not None)
        share = counts["heavy"] / 4000
        self.assertGreater(share, 0.71)
        self.assertLess(share, 0.79)

    def test_it_shows_every_ad_once_before_repeating_one(self) -> None:
        ads = [ad("heavy", weight=50), ad("middle", weight=5), ad("light", weight=1)]
        picker = AdPicker(ads, random.Random(3))
        first_round = [picker.pick() for _ in range(3)]
        self.assertEqual(
            {a.name for a in first_round if a is not None}, {"heavy", "middle", "light"}
        )
        picks = first_round + [picker.pick() for _ in range(30)]
        for before, after in itertools.pairwise(picks):
            self.assertIsNot(before, after)

    def test_it_gives_the_top_and_bottom_slots_different_ads(self) -> None:
        ad("heavy", weight=100)
        ad("light", weight=1)
        for seed in range(20):
            picker = AdPicker.for_section("", NOW, random.Random(seed))
            top, bottom = picker.slot_html("ad-top"), picker.slot_html("ad-bottom")
            ids = [html.split('data-ad-id="')[1].split('"')[0] for html in (top, bottom)]
            self.assertNotEqual(ids[0], ids[1])

    def test_it_repeats_the_only_ad_it_has(self) -> None:
        only = ad("only")
        picker = AdPicker([only])
        self.assertEqual([picker.pick(), picker.pick(), picker.pick()], [only, only, only])

    def test_it_fills_a_slot_when_no_ad_runs(self) -> None:
        html = NO_ADS.slot_html("ad-top")
        self.assertIs(NO_ADS.pick(), None)
        self.assertIn('aria-label="Advertisement, top of page"', html)
        self.assertIn('<a class="masthead-skip" href="#ad-top-end">Skip advertisement</a>', html)
        self.assertIn('id="ad-top-end"', html)
        self.assertNotIn("data-ad-id", html)

    def test_it_marks_the_slot_with_the_ad_for_the_beacon(self) -> None:
        house = ad("house", link="https://shop.example.org/")
        html = AdPicker.for_section("", NOW).slot_html("ad-bottom")
        self.assertIn(f'data-ad-id="{house.pk}"', html)
        self.assertIn('href="https://shop.example.org/" rel="sponsored noopener"', html)
        self.assertIn("house creative", html)


class LinkTests(TestCase):
    def test_it_accepts_site_paths_and_web_urls(self) -> None:
        for good in ("/subscribe/", "https://shop.example.org/", "http://example.org/x"):
            validate_ad_link(good)

    def test_it_refuses_other_schemes_and_protocol_relative_links(self) -> None:
        for bad in ("javascript:alert(1)", "//evil.example/", "data:text/html,x", "ftp://x.org/"):
            with self.assertRaises(ValidationError, msg=bad):
                validate_ad_link(bad)


class CreativeTests(TestCase):
    def test_it_sanitises_html_creatives_on_save(self) -> None:
        house = ad(
            "hostile",
            html='<img src="https://cdn.example.org/a.png" onerror="x()"><script>y()</script>'
            '<a href="javascript:z()">go</a>',
        )
        self.assertNotIn("onerror", house.html)
        self.assertNotIn("<script", house.html)
        self.assertNotIn("javascript:", house.html)
        self.assertIn('<img src="https://cdn.example.org/a.png">', house.html)
