"""The demo's house ads appear once, however often the demo is loaded."""

from __future__ import annotations

import io

from django.test import TestCase

from masthead.ads.models import HouseAd
from masthead.demo import ads as demo


class DemoTests(TestCase):
    def test_it_creates_the_demo_ads_once(self) -> None:
        demo.load({}, io.StringIO())
        demo.load({}, io.StringIO())
        self.assertEqual(HouseAd.objects.filter(name__startswith="Demo:").count(), 3)
        for ad in HouseAd.objects.all():
            ad.full_clean()
