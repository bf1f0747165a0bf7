from django.test import TestCase

from masthead.access import current_policy, forget_policy
from masthead.newsroom import paywall
from masthead.newsroom.models import Publication


class PublicationTimeZoneTests(TestCase):
    def test_it_reports_the_publication_zone_to_the_meter_window(self) -> None:
        publication = Publication.current()
        publication.time_zone = "America/Denver"
        publication.save()
        forget_policy()
        self.assertEqual(paywall.publication_time_zone(), "America/Denver")
        self.assertEqual(current_policy().time_zone, "America/Denver")
