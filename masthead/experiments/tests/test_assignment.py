"""Assignment on the site: stored, sticky, shared as configured, kept through registration."""

from __future__ import annotations

import secrets

import pytest
from django.test import Client
from django.utils import timezone

from masthead.access import ANONYMOUS, Policy
from masthead.access.tests.helpers import check, make_article
from masthead.analytics.models import Event
from masthead.experiments import assignment
from masthead.experiments.models import Arm, Exposure, Outcome

from .factories import experiment

pytestmark = pytest.mark.django_db
PASSWORD = "quiet-harbour-42"


def test_the_arm_is_named_in_the_json_and_stays_put() -> None:
    experiment()
    article = make_article()
    client = Client()
    arms = {check(client, article.pk).json()["arm"] for _ in range(5)}
    assert len(arms) == 1
    assert arms <= {"control", "generous"}
    assert Exposure.objects.count() == 1


def test_the_arm_is_null_without_an_experiment() -> None:
    body = check(Client(), make_article().pk).json()
    assert body["arm"] is None
    assert Exposure.objects.count() == 0


def test_the_arm_is_null_before_the_experiment_starts() -> None:
    experiment(running=False)
    assert check(Client(), make_article().pk).json()["arm"] is None


def test_shares_hold_within_tolerance() -> None:
    experiment((("a", 70, {}), ("b", 30, {"anonymous_allowance": 1})))
    now = timezone.now()
    names = [
        assignment.arm_for(None, secrets.token_urlsafe(16), ANONYMOUS, Policy(), now)
        for _ in range(2000)
    ]
    share_b = sum(1 for arm in names if arm is not None and arm.arm == "b") / len(names)
    # Binomial(2000, 0.3): sd 0.0102, so +-0.04 is about four standard deviations.
    assert abs(share_b - 0.30) < 0.04


def test_decide_receives_the_arms_policy() -> None:
    experiment((("strict", 100, {"anonymous_allowance": 1}),))
    client = Client()
    first, second = make_article(), make_article()
    assert check(client, first.pk).json()["granted"] is True
    body = check(client, second.pk).json()
    assert (body["granted"], body["reason"], body["arm"]) == (False, "meter_exhausted", "strict")
    assert body["meter"]["allowance"] == 1


def test_every_check_event_names_the_experiment_and_arm() -> None:
    made = experiment((("strict", 100, {"anonymous_allowance": 0}),))
    check(Client(), make_article().pk)
    for event in Event.objects.filter(kind__in=["access_check", "wall_shown"]):
        assert event.extra == {"experiment": made.pk, "arm": "strict"}
    assignment.flush_counts()
    exposure = Exposure.objects.get()
    assert (exposure.checks, exposure.reads, exposure.walls) == (1, 0, 1)
    assert exposure.first_section == "metro"


def test_registering_keeps_the_arm_through_the_real_view() -> None:
    experiment()
    article = make_article()
    for number in range(8):
        client = Client()
        before = check(client, article.pk).json()["arm"]
        response = client.post(
            "/accounts/register/",
            {
                "email": f"reader{number}@example.com",
                "password": PASSWORD,
                "password_again": PASSWORD,
                "next": article.get_absolute_url(),
            },
        )
        assert response.status_code == 302
        after = check(client, make_article().pk).json()["arm"]
        assert after == before
        exposure = Exposure.objects.get(user__email=f"reader{number}@example.com")
        assert exposure.arm.name == before
        outcome = Outcome.objects.get(exposure=exposure)
        assert outcome.kind == "registration"
        event = Event.objects.get(kind="registration", user_id=exposure.user_id)
        assert event.extra["arm"] == before
    # One exposure per reader: registering made no second one.
    assert Exposure.objects.count() == 8


@pytest.mark.parametrize(
    "breakage",
    [
        {"overrides": {"no_such_setting": 1}},
        {"overrides": {"anonymous_allowance": "lots"}},
        {"share": 10},
    ],
)
def test_an_experiment_that_cannot_load_leaves_the_plain_policy(breakage) -> None:
    experiment((("shut", 100, {"anonymous_allowance": 0}),))
    Arm.objects.update(**breakage)  # as a bad migration or a hand edit would
    assignment.forget()
    body = check(Client(), make_article().pk).json()
    # The plain policy (3 reads) opens the first read; the arm (0 reads) would not have.
    assert (body["granted"], body["reason"], body["arm"]) == (True, "metered", None)


def test_counters_add_up_across_batches_and_processes() -> None:
    experiment((("only", 100, {}),))
    client = Client()
    for _ in range(3):
        check(client, make_article().pk)
        assignment.forget()  # as if the next check reached another worker
    exposure = Exposure.objects.get()
    assert (exposure.checks, exposure.reads) == (3, 3)


def test_an_account_on_another_accounts_browser_gets_its_own_exposure() -> None:
    from django.contrib.auth import get_user_model

    experiment()
    article = make_article()
    client = Client()
    check(client, article.pk)
    users = get_user_model().objects
    first = users.create_user("first@example.com", PASSWORD)
    second = users.create_user("second@example.com", PASSWORD)
    client.force_login(first)
    check(client, article.pk)
    client.force_login(second)
    check(client, article.pk)
    assert Exposure.objects.filter(user=first).count() == 1
    assert Exposure.objects.filter(user=second).count() == 1
    assert Exposure.objects.count() == 2
