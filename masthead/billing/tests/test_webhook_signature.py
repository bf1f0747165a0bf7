"""The webhook verifies Stripe's signature before anything is parsed or stored."""

from __future__ import annotations

import json
import logging
import time

import pytest

from masthead.billing.models import WebhookEvent

from .factories import NOW
from .stripe_events import deliver, event, sign

pytestmark = pytest.mark.django_db


def _unknown_event() -> dict[str, object]:
    return event("customer.created", {"id": "cus_1", "object": "customer"}, NOW)


def test_it_refuses_a_wrong_secret_and_stores_nothing(client, webhook_secret, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        response = deliver(client, _unknown_event(), secret="whsec_someone_else")
    assert response.status_code == 400
    assert response.json() == {"error": "Signature verification failed."}
    assert WebhookEvent.objects.count() == 0
    assert "stripe webhook refused" in caplog.text


def test_it_refuses_a_missing_signature(client, webhook_secret) -> None:
    response = client.post(
        "/billing/stripe/webhook/",
        data=json.dumps(_unknown_event()),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_it_refuses_a_payload_changed_after_signing(client, webhook_secret) -> None:
    body = json.dumps(_unknown_event())
    signature = sign(body)
    response = deliver(client, body.replace("cus_1", "cus_2"), signature=signature)
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_it_refuses_a_signature_older_than_five_minutes(client, webhook_secret) -> None:
    body = json.dumps(_unknown_event())
    response = deliver(client, body, signature=sign(body, at=int(time.time()) - 301))
    assert response.status_code == 400


def test_it_refuses_signed_garbage(client, webhook_secret) -> None:
    assert deliver(client, "not json at all").status_code == 400
    assert deliver(client, json.dumps({"id": "evt_1", "type": "x"})).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_it_refuses_everything_without_a_configured_secret(client, settings) -> None:
    settings.BILLING_STRIPE_WEBHOOK_SECRET = ""
    assert deliver(client, _unknown_event(), secret="").status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_it_refuses_get(client, webhook_secret) -> None:
    response = client.get("/billing/stripe/webhook/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"] == "application/json"
    assert "accepts only POST" in response.json()["error"]


def test_it_acknowledges_and_stores_an_unknown_type(client, webhook_secret) -> None:
    response = deliver(client, _unknown_event())
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    stored = WebhookEvent.objects.get()
    assert stored.kind == "customer.created"
    assert stored.processed_at is not None
