"""The Stripe provider makes the documented calls through the official library."""

from __future__ import annotations

from typing import Any

import pytest

from masthead.billing.exceptions import ProviderError
from masthead.billing.providers.base import CheckoutRequest
from masthead.billing.providers.stripe.client import StripeProvider

from .doubles import RecordingStripeHTTP

SESSION = {
    "id": "cs_test_1",
    "object": "checkout.session",
    "url": "https://checkout.stripe.com/c/pay/cs_test_1",
}
PORTAL = {
    "id": "bps_1",
    "object": "billing_portal.session",
    "url": "https://billing.stripe.com/p/session/1",
}


def _request(**fields: object) -> CheckoutRequest:
    values: dict[str, object] = {
        "user_id": 42,
        "email": "ada@example.com",
        "plan_slug": "all-access",
        "price_id": "price_123",
        "trial_days": 0,
        "success_url": "https://news.example/2026/03/10/story/",
        "cancel_url": "https://news.example/subscribe/",
    }
    values.update(fields)
    return CheckoutRequest(**values)  # type: ignore[arg-type]


def _provider(
    answers: dict[str, tuple[int, Any]],
) -> tuple[StripeProvider, RecordingStripeHTTP]:
    http = RecordingStripeHTTP(answers)
    return StripeProvider("sk_test_masthead", http_client=http), http


def test_it_creates_a_subscription_checkout_session() -> None:
    provider, http = _provider({"/v1/checkout/sessions": (200, SESSION)})
    started = provider.start_checkout(_request(trial_days=7))
    assert (started.url, started.session_id) == (SESSION["url"], "cs_test_1")
    [sent] = http.requests
    assert (sent["method"], sent["path"]) == ("post", "/v1/checkout/sessions")
    form = sent["form"]
    assert form["mode"] == ["subscription"]
    assert form["line_items[0][price]"] == ["price_123"]
    assert form["client_reference_id"] == ["42"]
    assert form["customer_email"] == ["ada@example.com"]
    assert form["subscription_data[metadata][masthead_user]"] == ["42"]
    assert form["subscription_data[trial_period_days]"] == ["7"]
    assert sent["headers"]["Authorization"] == "Bearer sk_test_masthead"


def test_it_reuses_a_known_customer() -> None:
    provider, http = _provider({"/v1/checkout/sessions": (200, SESSION)})
    provider.start_checkout(_request(customer_id="cus_9"))
    form = http.requests[0]["form"]
    assert form["customer"] == ["cus_9"]
    assert "customer_email" not in form


def test_it_opens_the_customer_portal() -> None:
    provider, http = _provider({"/v1/billing_portal/sessions": (200, PORTAL)})
    assert provider.portal_url("cus_9", "https://news.example/accounts/") == PORTAL["url"]
    assert http.requests[0]["form"]["customer"] == ["cus_9"]


def test_it_sets_and_clears_cancel_at_period_end() -> None:
    provider, http = _provider(
        {"/v1/subscriptions/sub_1": (200, {"id": "sub_1", "object": "subscription"})}
    )
    provider.set_cancel_at_period_end("sub_1", True)
    provider.set_cancel_at_period_end("sub_1", False)
    assert [r["form"]["cancel_at_period_end"] for r in http.requests] == [["true"], ["false"]]


def test_it_fetches_a_subscription_as_a_plain_dict() -> None:
    answer = {
        "id": "sub_1",
        "object": "subscription",
        "status": "active",
        "items": {"object": "list", "data": []},
    }
    provider, _ = _provider({"/v1/subscriptions/sub_1": (200, answer)})
    found = provider.fetch_subscription("sub_1")
    assert isinstance(found, dict)
    assert found["status"] == "active"


def test_it_turns_a_refusal_into_a_permanent_error() -> None:
    provider, _ = _provider(
        {
            "/v1/checkout/sessions": (
                400,
                {"error": {"message": "No such price", "type": "invalid_request_error"}},
            )
        }
    )
    with pytest.raises(ProviderError) as caught:
        provider.start_checkout(_request())
    assert caught.value.permanent is True


def test_it_turns_a_stripe_outage_into_a_transient_error() -> None:
    provider, _ = _provider(
        {"/v1/subscriptions/sub_1": (503, {"error": {"message": "down", "type": "api_error"}})}
    )
    with pytest.raises(ProviderError) as caught:
        provider.fetch_subscription("sub_1")
    assert caught.value.permanent is False


def test_it_refuses_to_run_without_a_key() -> None:
    with pytest.raises(ProviderError):
        StripeProvider("")
