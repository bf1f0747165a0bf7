"""billing.E001 (Stripe without a webhook secret) and billing.E002 (test payments deployed)."""

from __future__ import annotations

from masthead.billing.checks import check_no_test_payments, check_stripe_configured


def _ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_it_reports_stripe_without_a_webhook_secret(settings) -> None:
    settings.BILLING_PROVIDER = "stripe"
    settings.BILLING_STRIPE_WEBHOOK_SECRET = ""
    assert _ids(check_stripe_configured()) == ["billing.E001"]
    settings.BILLING_STRIPE_WEBHOOK_SECRET = "whsec_1"
    assert check_stripe_configured() == []


def test_it_reports_test_payments_in_a_deployment(settings) -> None:
    settings.BILLING_PROVIDER = "test"
    assert _ids(check_no_test_payments()) == ["billing.E002"]
    settings.BILLING_PROVIDER = "stripe"
    assert check_no_test_payments() == []
