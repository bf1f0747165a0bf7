"""The admin refuses overlapping experiments, bad shares, unknown settings, running edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from masthead.experiments.models import Experiment

from .factories import experiment

pytestmark = pytest.mark.django_db
ADD = "/admin/experiments/experiment/add/"


@pytest.fixture
def admin_client() -> Client:
    user = get_user_model().objects.create_superuser("boss@example.com", "pw-boss-12345")
    client = Client()
    client.force_login(user)
    return client


def _form(
    arms: list[tuple[str, str, str]],
    *,
    name: str = "new",
    start: dt.datetime | None = None,
    days: int = 10,
    initial: int = 0,
) -> dict[str, Any]:
    start = start or timezone.now() + dt.timedelta(days=60)
    end = start + dt.timedelta(days=days)
    data: dict[str, Any] = {
        "name": name,
        "description": "",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%Y-%m-%d"),
        "ends_at_1": end.strftime("%H:%M:%S"),
        "planned_readers_per_arm": "5000",
        "planned_baseline": "0.05",
        "arms-TOTAL_FORMS": str(len(arms)),
        "arms-INITIAL_FORMS": str(initial),
        "arms-MIN_NUM_FORMS": "0",
        "arms-MAX_NUM_FORMS": "1000",
    }
    for index, (arm, share, overrides) in enumerate(arms):
        data.update(
            {
                f"arms-{index}-name": arm,
                f"arms-{index}-share": share,
                f"arms-{index}-overrides": overrides,
                f"arms-{index}-position": str(index),
            }
        )
    return data


def test_a_good_experiment_is_saved(admin_client: Client) -> None:
    response = admin_client.post(
        ADD, _form([("control", "50", "{}"), ("five", "50", '{"anonymous_allowance": 5}')])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Experiment.objects.get().arms.count() == 2


def test_shares_that_do_not_add_up_are_refused(admin_client: Client) -> None:
    response = admin_client.post(
        ADD, _form([("control", "50", "{}"), ("five", "40", '{"anonymous_allowance": 5}')])
    )
    assert response.status_code == 200
    assert "add up to 90 %, not 100 %" in response.content.decode()
    assert not Experiment.objects.exists()


def test_an_unknown_setting_is_refused(admin_client: Client) -> None:
    response = admin_client.post(
        ADD, _form([("control", "50", "{}"), ("odd", "50", '{"anonymous_allowence": 5}')])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown setting(s): anonymous_allowence" in page
    assert not Experiment.objects.exists()


def test_a_setting_an_arm_may_not_change_is_refused(admin_client: Client) -> None:
    response = admin_client.post(
        ADD, _form([("control", "50", "{}"), ("open", "50", '{"fail_mode": "open"}')])
    )
    assert "Unknown setting(s): fail_mode" in response.content.decode()


def test_an_overlapping_experiment_is_refused(admin_client: Client) -> None:
    first = experiment(name="first", running=False)
    response = admin_client.post(
        ADD,
        _form(
            [("control", "100", "{}")],
            start=first.starts_at + dt.timedelta(days=2),
        ),
    )
    assert response.status_code == 200
    assert "overlaps the experiment “first”" in response.content.decode()
    assert Experiment.objects.count() == 1


def test_a_running_experiment_cannot_be_edited(admin_client: Client) -> None:
    running = experiment()
    arms = list(running.arms.all())
    data = _form(
        [(arm.name, "50", "{}") for arm in arms],
        name="renamed",
        start=running.starts_at,
        days=31,
        initial=2,
    )
    for index, arm in enumerate(arms):
        data[f"arms-{index}-id"] = str(arm.pk)
        data[f"arms-{index}-experiment"] = str(running.pk)
    response = admin_client.post(f"/admin/experiments/experiment/{running.pk}/change/", data)
    assert response.status_code == 200
    assert "This experiment is running" in response.content.decode()
    running.refresh_from_db()
    assert running.name == "allowance"
    assert running.arms.get(name="generous").overrides == {"anonymous_allowance": 5}
