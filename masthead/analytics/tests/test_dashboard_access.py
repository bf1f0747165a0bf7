"""Who may see the dashboard: staff with the view dashboard permission (the Editors)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.test import TestCase, override_settings

from masthead.accounts.models import User
from masthead.analytics.apps import (
    EDITORS_GROUP,
    check_recording_mode,
    grant_dashboard_to_editors,
)

URL = "/admin/dashboard/"
CSV_URL = "/admin/dashboard/funnel.csv"


def _user(email: str, *, is_staff: bool = True, group: str = "") -> User:
    user = User.objects.create_user(email=email, password="a long test password")
    user.is_staff = is_staff
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


class DashboardAccessTests(TestCase):
    def test_it_sends_anonymous_visitors_to_the_admin_login(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/admin/login/"))

    def test_it_sends_a_reader_who_is_not_staff_to_the_admin_login(self) -> None:
        self.client.force_login(_user("reader@example.com", is_staff=False))
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_it_refuses_staff_without_the_permission(self) -> None:
        self.client.force_login(_user("intern@example.com"))
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.client.get(CSV_URL).status_code, 403)

    def test_it_shows_the_dashboard_to_an_editor(self) -> None:
        self.client.force_login(_user("editor@example.com", group=EDITORS_GROUP))
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The funnel")
        charts = response.context["charts"]
        self.assertEqual(len(charts), 6)
        self.assertTrue(all(svg.startswith("<svg") for svg in charts.values()))
        self.assertEqual(self.client.get(CSV_URL).status_code, 200)

    def test_it_is_never_cached(self) -> None:
        self.client.force_login(_user("editor@example.com", group=EDITORS_GROUP))
        self.assertIn("no-cache", self.client.get(URL)["Cache-Control"])


class AdminIndexLinkTests(TestCase):
    def test_it_links_the_dashboard_for_an_editor(self) -> None:
        self.client.force_login(_user("editor@example.com", group=EDITORS_GROUP))
        response = self.client.get("/admin/")
        self.assertContains(response, 'href="/admin/dashboard/">Dashboard</a>')

    def test_it_hides_the_link_from_staff_without_the_permission(self) -> None:
        self.client.force_login(_user("intern@example.com"))
        self.assertNotContains(self.client.get("/admin/"), "/admin/dashboard/")


class EditorsPermissionTests(TestCase):
    def test_the_editors_group_has_the_permission_after_migrate(self) -> None:
        editors = Group.objects.get(name=EDITORS_GROUP)
        codenames = editors.permissions.values_list("codename", flat=True)
        self.assertIn("view_dashboard", codenames)

    def test_granting_again_changes_nothing(self) -> None:
        grant_dashboard_to_editors()
        grant_dashboard_to_editors()
        self.assertEqual(Group.objects.filter(name=EDITORS_GROUP).count(), 1)
        self.assertEqual(Permission.objects.filter(codename="view_dashboard").count(), 1)

    def test_it_creates_the_group_when_it_is_missing(self) -> None:
        Group.objects.filter(name=EDITORS_GROUP).delete()
        grant_dashboard_to_editors()
        editors = Group.objects.get(name=EDITORS_GROUP)
        self.assertIs(editors.permissions.filter(codename="view_dashboard").exists(), True)


class RecordingModeCheckTests(TestCase):
    def test_it_warns_about_synchronous_recording_in_production(self) -> None:
        with override_settings(ANALYTICS_SYNC=True, DEBUG=False, DEMO=False):
            self.assertEqual([m.id for m in check_recording_mode()], ["analytics.W001"])
        with override_settings(ANALYTICS_SYNC=False, DEBUG=False, DEMO=False):
            self.assertEqual(check_recording_mode(), [])
