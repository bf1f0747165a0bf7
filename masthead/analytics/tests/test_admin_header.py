"""Every admin page, the Dashboard included, carries the site's own admin title and header."""

from __future__ import annotations

import re

from django.contrib import admin
from django.test import TestCase

from masthead.accounts.models import User

PAGES = (
    "/admin/",
    "/admin/dashboard/",
    "/admin/newsroom/article/",
    "/admin/access/paywallpolicy/",
    "/admin/password_change/",
)


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    return found.group(1).strip() if found else ""


class AdminHeaderTests(TestCase):
    def setUp(self) -> None:
        self.staff = User.objects.create_superuser("chief@example.com", "a long test password")
        self.client.force_login(self.staff)

    def test_it_titles_the_dashboard_with_the_site_title(self) -> None:
        html = self.client.get("/admin/dashboard/").content.decode()
        self.assertEqual(_title(html), f"Dashboard | {admin.site.site_title}")
        self.assertIn(f"· {admin.site.site_header}</a>", html)
        self.assertNotIn("Django site admin", html)
        self.assertNotIn("Django administration", html)

    def test_it_puts_every_admin_page_under_the_same_header(self) -> None:
        for url in PAGES:
            response = self.client.get(url, follow=True)  # the policy list opens its row
            self.assertEqual(response.status_code, 200, url)
            html = response.content.decode()
            self.assertTrue(_title(html).endswith(f"| {admin.site.site_title}"), url)
            self.assertIn('<div id="site-name">', html, url)
            self.assertIn(f"· {admin.site.site_header}</a>", html, url)
            self.assertNotIn("Django site admin", html, url)
            self.assertNotIn("Django administration", html, url)
