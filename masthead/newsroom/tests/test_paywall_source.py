from django.test import TestCase

from masthead.access.policy_loader import forget_policy, load_policy
from masthead.newsroom import paywall
from masthead.newsroom.models import Publication


class PublicationTimeZoneTests(TestCase):
    def test_it_reports_the_publication_zone_to_the_meter_window(self) -> None:
        publication = Publication.current()
        publication.time_zone = "America/Denver"
        publication.save()
        forget_policy()
        self.assertEqual(paywall.publication_time_zone(), "America/Denver")
        self.assertEqual(load_policy().time_zone, "America/Denver")
