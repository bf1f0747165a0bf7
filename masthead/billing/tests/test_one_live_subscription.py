"""One live subscription per reader, kept by the database; duplicates from Stripe flagged.

Live means trialing, active or past due, whether or not it is set to cancel at the period's
end. A second live subscription Stripe reports (made in its dashboard, or by an old
checkout link) is stored flagged, opens what it opens, and nothing is cancelled.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from masthead.billing.entitlements import entitlements_for
from masthead.billing.models import Subscription
from masthead.newsroom.tests.factories import section

from .factories import plan, reader, subscription
from .stripe_events import deliver, event, subscription_object

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
MIGRATION = importlib.import_module("masthead.billing.migrations.0003_plan_changes")


@pytest.mark.parametrize(
    ("status", "canceling"),
    [("active", False), ("trialing", False), ("past_due", False), ("active", True)],
)
def test_a_second_live_subscription_is_refused(status, canceling) -> None:
    user = reader()
    subscription(user, status, provider_subscription_id="sub_1", cancel_at_period_end=canceling)
    with pytest.raises(IntegrityError), transaction.atomic():
        subscription(user, provider_subscription_id="sub_2")


@pytest.mark.parametrize("status", ["canceled", "expired"])
def test_an_ended_subscription_leaves_room_for_a_new_one(status) -> None:
    user = reader()
    subscription(user, status, provider_subscription_id="sub_1")
    subscription(user, provider_subscription_id="sub_2")
    subscription(reader(), provider_subscription_id="sub_3")  # other readers are unaffected
    assert Subscription.objects.live().count() == 2


def test_a_flagged_duplicate_is_allowed_beside_the_readers_own() -> None:
    user = reader()
    subscription(user, provider_subscription_id="sub_1")
    subscription(user, provider_subscription_id="sub_2", is_duplicate=True)
    assert Subscription.objects.live().filter(user=user).count() == 2


@pytest.fixture
def two_plans(webhook_secret):
    news = plan("news", name="News", price_minor=600, sections=[section("news")])
    culture = plan("culture", name="Culture", price_minor=500, sections=[section("culture")])
    return news, culture


def test_stripe_reporting_a_second_live_subscription_stores_it_flagged(
    client, two_plans, provider
) -> None:
    user = reader()
    end = timezone.now() + 20 * DAY
    subscription(user, plan=two_plans[0], provider_subscription_id="sub_1", current_period_end=end)
    outside = subscription_object(
        "sub_2", user_id=user.pk, price_id="price_culture", plan_slug="culture", period_end=end
    )
    response = deliver(client, event("customer.subscription.created", outside, timezone.now()))
    assert response.json()["outcome"] == "processed"
    second = Subscription.objects.get(provider_subscription_id="sub_2")
    assert (second.is_duplicate, second.status) == (True, "active")
    # The reader keeps what both open; nothing was cancelled on their behalf.
    rights = entitlements_for(user, timezone.now())
    assert rights.opens("subscriber", "news") and rights.opens("subscriber", "culture")
    assert not [
        call for call in provider.calls if call[0] in ("cancel_now", "set_cancel_at_period_end")
    ]


def test_the_duplicate_becomes_the_readers_subscription_when_the_first_ends(
    client, two_plans
) -> None:
    user = reader()
    end = timezone.now() + 20 * DAY
    subscription(user, plan=two_plans[0], provider_subscription_id="sub_1", current_period_end=end)
    subscription(
        user,
        plan=two_plans[1],
        provider_subscription_id="sub_2",
        current_period_end=end,
        is_duplicate=True,
    )
    ended = subscription_object(
        "sub_1",
        user_id=user.pk,
        price_id="price_news",
        plan_slug="news",
        period_end=end,
        status="canceled",
    )
    deliver(client, event("customer.subscription.deleted", ended, timezone.now()))
    assert Subscription.objects.get(provider_subscription_id="sub_2").is_duplicate is False


def test_a_subscription_coming_back_to_life_beside_another_is_flagged(client, two_plans) -> None:
    user = reader()
    end = timezone.now() + 20 * DAY
    subscription(
        user,
        "past_due",
        plan=two_plans[0],
        provider_subscription_id="sub_1",
        current_period_end=end,
        grace_ends_at=timezone.now() - DAY,
    )
    Subscription.objects.filter(provider_subscription_id="sub_1").update(status="expired")
    subscription(user, plan=two_plans[1], provider_subscription_id="sub_2", current_period_end=end)
    paid_late = subscription_object(
        "sub_1", user_id=user.pk, price_id="price_news", plan_slug="news", period_end=end
    )
    deliver(client, event("customer.subscription.updated", paid_late, timezone.now()))
    assert Subscription.objects.get(provider_subscription_id="sub_1").is_duplicate is True


def test_the_admin_flags_duplicates(admin_client, two_plans) -> None:
    user = reader("two-plans@example.com")
    subscription(user, plan=two_plans[0], provider_subscription_id="sub_1")
    dup = subscription(user, plan=two_plans[1], provider_subscription_id="sub_2", is_duplicate=True)
    listing = admin_client.get("/admin/billing/subscription/").content.decode()
    assert "hold a second live subscription made outside Masthead" in listing
    assert "By duplicate" in listing or "duplicate" in listing.lower()
    only = admin_client.get("/admin/billing/subscription/?is_duplicate__exact=1").content.decode()
    assert only.count("two-plans@example.com") >= 1
    detail = admin_client.get(f"/admin/billing/subscription/{dup.pk}/change/").content.decode()
    assert "second live subscription of the same reader" in detail


@pytest.mark.django_db(transaction=True)
def test_the_migration_flags_earlier_second_subscriptions_and_is_reversible() -> None:
    """Going back to 0002 drops the constraint; coming forward flags what was doubled."""
    before = [("billing", "0002_plan_webhookevent_subscription")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_subscription = old_apps.get_model("billing", "Subscription")
    old_plan = old_apps.get_model("billing", "Plan").objects.create(
        name="News", slug="news", price_minor=600
    )
    user = reader()
    # The bug this issue fixes: a second plan bought as a second, parallel subscription.
    for reference in ("sub_1", "sub_2"):
        old_subscription.objects.create(
            user_id=user.pk,
            plan=old_plan,
            provider="stripe",
            provider_subscription_id=reference,
            status="active",
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    flags = dict(Subscription.objects.values_list("provider_subscription_id", "is_duplicate"))
    assert flags == {"sub_1": False, "sub_2": True}
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(provider_subscription_id="sub_2").update(is_duplicate=False)
    assert callable(MIGRATION.flag_second_live_subscriptions)
