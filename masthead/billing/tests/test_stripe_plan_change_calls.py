"""The Stripe calls behind a plan change: price swap with proration, preview, schedules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from masthead.billing.providers.stripe.client import StripeProvider

from .doubles import RecordingStripeHTTP

AT = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
SUBSCRIPTION: dict[str, Any] = {
    "id": "sub_1",
    "object": "subscription",
    "status": "active",
    "schedule": None,
    "items": {
        "object": "list",
        "data": [
            {
                "id": "si_1",
                "object": "subscription_item",
                "price": {"id": "price_news", "object": "price"},
                "current_period_start": 1772000000,
                "current_period_end": 1774592000,
            }
        ],
    },
}
SCHEDULE = {
    "id": "sub_sched_1",
    "object": "subscription_schedule",
    "phases": [{"start_date": 1772000000, "end_date": 1774592000, "items": []}],
}


def _provider(answers: dict[str, tuple[int, Any]]) -> tuple[StripeProvider, RecordingStripeHTTP]:
    http = RecordingStripeHTTP(answers)
    return StripeProvider("sk_test_masthead", http_client=http), http


def test_an_upgrade_swaps_the_item_price_prorated_and_invoiced_now() -> None:
    provider, http = _provider({"/v1/subscriptions/sub_1": (200, SUBSCRIPTION)})
    provider.change_plan_now("sub_1", "price_all_access", end_trial=True, proration_date=AT)
    fetched, update = http.requests
    assert (fetched["method"], update["method"]) == ("get", "post")
    form = update["form"]
    assert form["items[0][id]"] == ["si_1"]
    assert form["items[0][price]"] == ["price_all_access"]
    assert form["proration_behavior"] == ["always_invoice"]
    assert form["proration_date"] == [str(int(AT.timestamp()))]
    assert form["payment_behavior"] == ["pending_if_incomplete"]
    assert form["trial_end"] == ["now"]


def test_the_preview_asks_for_the_same_change() -> None:
    provider, http = _provider(
        {
            "/v1/subscriptions/sub_1": (200, SUBSCRIPTION),
            "/v1/invoices/create_preview": (200, {"object": "invoice", "amount_due": 600}),
        }
    )
    amount = provider.preview_change(
        "sub_1", "price_all_access", end_trial=False, proration_date=AT
    )
    assert amount == 600
    form = http.requests[-1]["form"]
    assert form["subscription"] == ["sub_1"]
    assert form["subscription_details[items][0][price]"] == ["price_all_access"]
    assert form["subscription_details[proration_behavior]"] == ["always_invoice"]


def test_a_preview_stripe_cannot_make_is_unknown_not_an_error() -> None:
    provider, _http = _provider({"/v1/subscriptions/sub_1": (200, SUBSCRIPTION)})
    assert provider.preview_change("sub_1", "price_x", end_trial=False, proration_date=AT) is None


def test_a_downgrade_puts_the_subscription_on_a_schedule() -> None:
    provider, http = _provider(
        {
            "/v1/subscriptions/sub_1": (200, SUBSCRIPTION),
            "/v1/subscription_schedules": (200, SCHEDULE),
            "/v1/subscription_schedules/sub_sched_1": (200, SCHEDULE),
        }
    )
    assert provider.schedule_change("sub_1", "price_news_small", "month") == "sub_sched_1"
    _fetch, create, update = http.requests
    assert create["form"]["from_subscription"] == ["sub_1"]
    form = update["form"]
    assert form["end_behavior"] == ["release"]
    assert form["phases[0][items][0][price]"] == ["price_news"]
    assert form["phases[0][end_date]"] == ["1774592000"]
    assert form["phases[1][items][0][price]"] == ["price_news_small"]
    assert form["phases[1][duration][interval]"] == ["month"]


def test_calling_a_change_off_releases_the_schedule() -> None:
    provider, http = _provider({"/v1/subscription_schedules/sub_sched_1/release": (200, SCHEDULE)})
    provider.release_schedule("sub_sched_1")
    assert http.requests[0]["path"] == "/v1/subscription_schedules/sub_sched_1/release"
