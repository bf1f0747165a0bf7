"""The experiments page: permissions, figures against a hand-computed case, Stop and Ship."""

from __future__ import annotations

import math

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from masthead.access import current_policy
from masthead.experiments.models import Experiment, Exposure, Outcome
from masthead.experiments.reading import read_experiment, tau_for

from .factories import experiment

pytestmark = pytest.mark.django_db


def _staff(*codenames: str) -> Client:
    user = get_user_model().objects.create_user(
        f"staff{len(codenames)}@example.com", "pw-staff-12345", is_staff=True
    )
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


def _populate(made: Experiment) -> None:
    """control: 100 readers, 10 register, 2 subscribe at 15.00; generous: 100, 20, 1."""
    now = timezone.now()
    counts = {"control": (10, 2), "generous": (20, 1)}
    for arm in made.arms.all():
        registrations, subscriptions = counts[arm.name]
        for i in range(100):
            exposure = Exposure.objects.create(
                experiment=made,
                arm=arm,
                visitor_key=f"{arm.name}-{i}",
                first_section="metro" if i % 2 else "politics",
                first_seen_at=now,
                last_seen_at=now,
                checks=4,
                reads=3,
                walls=1,
            )
            if i < registrations:
                Outcome.objects.create(exposure=exposure, kind="registration", at=now)
            if i < subscriptions:
                Outcome.objects.create(
                    exposure=exposure,
                    kind="subscription_started",
                    at=now,
                    plan="all-access",
                    revenue_minor=1500,
                    currency="USD",
                )


def test_the_page_needs_staff_and_the_permission() -> None:
    made = experiment()
    url = f"/admin/dashboard/experiments/{made.pk}/"
    assert Client().get(url).status_code == 302  # to the admin login
    assert _staff().get(url).status_code == 403
    page = _staff("run_experiment").get(url)
    assert page.status_code == 200
    # A strict CSP is on (no inline script or style): the page brings neither.
    main = page.content.decode().split('id="content-main"')[1]
    assert "<script" not in main and "<style" not in main and 'style="' not in main


def test_the_dashboard_links_the_experiments_page() -> None:
    client = _staff("run_experiment", "view_dashboard")
    page = client.get("/admin/dashboard/")
    assert b'href="/admin/dashboard/experiments/"' in page.content


def test_figures_match_a_hand_computed_case() -> None:
    made = experiment()
    _populate(made)
    reading = read_experiment(made)
    control, generous = reading.arms
    assert (control.readers, control.reads, control.walls) == (100, 300, 100)
    assert (control.registrations, control.subscriptions, control.revenue_minor) == (10, 2, 3000)
    assert (generous.registrations, generous.subscriptions) == (20, 1)
    registration = next(d for d in reading.differences if d.metric == "registration")
    assert registration.difference == pytest.approx(0.10)
    # By hand: V = 0.1*0.9/100 + 0.2*0.8/100 = 0.0025; half-width
    # sqrt(V (V + tau^2) / tau^2 * (2 ln 20 + ln((V + tau^2) / V))).
    tau = tau_for(made)
    variance = 0.0025
    spread = variance + tau * tau
    half = math.sqrt(variance * spread / tau**2 * (2 * math.log(20) + math.log(spread / variance)))
    assert registration.low == pytest.approx(0.10 - half)
    assert registration.high == pytest.approx(0.10 + half)
    assert reading.srm is not None and reading.srm.chi_square == 0 and not reading.srm.alarm
    assert reading.mde is not None and reading.mde > 0.1  # 100 readers a side find little
    page = _staff("run_experiment").get(f"/admin/dashboard/experiments/{made.pk}/").content
    text = page.decode()
    assert "3.00" in text  # reads per reader
    assert "30.00 (0.30 / reader)" in text  # control's revenue
    assert f"[{0.10 - half:.4f}, {0.10 + half:.4f}]" in text
    assert "Sample-ratio mismatch" not in text


def test_a_lopsided_split_raises_the_srm_alarm() -> None:
    made = experiment()
    now = timezone.now()
    control, generous = made.arms.all()
    for i in range(300):
        arm = control if i < 200 else generous
        Exposure.objects.create(
            experiment=made, arm=arm, visitor_key=str(i), first_seen_at=now, last_seen_at=now
        )
    page = _staff("run_experiment").get(f"/admin/dashboard/experiments/{made.pk}/")
    assert "Sample-ratio mismatch" in page.content.decode()


def test_stop_puts_everyone_back_on_the_policy() -> None:
    made = experiment()
    client = _staff("run_experiment")
    assert client.get(f"/admin/dashboard/experiments/{made.pk}/stop/").status_code == 405
    response = client.post(f"/admin/dashboard/experiments/{made.pk}/stop/")
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.stopped_at is not None and not made.is_running(timezone.now())
    assert LogEntry.objects.filter(object_id=str(made.pk), change_message__startswith="Stopped")


def test_ship_saves_the_arms_policy_and_logs_it() -> None:
    made = experiment()
    client = _staff("run_experiment", "change_paywallpolicy")
    response = client.post(
        f"/admin/dashboard/experiments/{made.pk}/ship/", {"arm": "generous"}, follow=True
    )
    assert response.status_code == 200
    assert current_policy().anonymous_allowance == 5
    made.refresh_from_db()
    assert made.shipped_arm == "generous" and made.stopped_at is not None
    entry = LogEntry.objects.get(content_type__model="paywallpolicy")
    assert "Shipped arm “generous”" in entry.change_message
    assert "override" not in response.content.decode()


def test_ship_warns_when_an_environment_setting_overrides_it(settings) -> None:
    settings.PAYWALL_ANONYMOUS_ALLOWANCE = 2
    made = experiment()
    client = _staff("run_experiment", "change_paywallpolicy")
    page = client.get(f"/admin/dashboard/experiments/{made.pk}/").content.decode()
    assert "PAYWALL_ANONYMOUS_ALLOWANCE set in the environment would override this" in page
    response = client.post(
        f"/admin/dashboard/experiments/{made.pk}/ship/", {"arm": "generous"}, follow=True
    )
    text = response.content.decode()
    assert "PAYWALL_ANONYMOUS_ALLOWANCE is set in the environment and override" in text
    from django.apps import apps

    assert apps.get_model("access", "PaywallPolicy").objects.get().anonymous_allowance == 5


def test_ship_needs_the_policy_permission() -> None:
    made = experiment()
    client = _staff("run_experiment")
    response = client.post(f"/admin/dashboard/experiments/{made.pk}/ship/", {"arm": "generous"})
    assert response.status_code == 403
    assert current_policy().anonymous_allowance == 3
