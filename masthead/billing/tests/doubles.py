"""Test doubles for outgoing payment calls: they record what was asked and answer from a script.

``RecordingProvider`` stands in for a ``PaymentProvider``. ``RecordingStripeHTTP`` stands in
for the Stripe library's HTTP client, so ``StripeProvider`` runs for real without network.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import stripe

from masthead.billing.exceptions import ProviderError
from masthead.billing.providers.base import CheckoutRequest, CheckoutStart


class RecordingProvider:
    """A payment provider that records every call; ``fail`` makes each call raise."""

    name = "stripe"

    def __init__(self, fail: ProviderError | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.fail = fail
        self.decline = False
        self.preview_amount: int | None = None

    def _note(self, name: str, argument: Any) -> None:
        self.calls.append((name, argument))
        if self.fail is not None:
            raise self.fail

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        self._note("start_checkout", request)
        return CheckoutStart(url="https://checkout.stripe.test/c/pay/cs_1", session_id="cs_1")

    def portal_url(self, customer_id: str, return_url: str) -> str:
        self._note("portal_url", (customer_id, return_url))
        return "https://billing.stripe.test/p/session/1"

    def set_cancel_at_period_end(self, subscription_id: str, cancel: bool) -> None:
        self._note("set_cancel_at_period_end", (subscription_id, cancel))

    def cancel_now(self, subscription_id: str) -> None:
        self._note("cancel_now", subscription_id)

    def fetch_subscription(self, subscription_id: str) -> dict[str, Any]:
        self._note("fetch_subscription", subscription_id)
        if subscription_id not in self.subscriptions:
            raise ProviderError("no such subscription", permanent=True)
        copied: dict[str, Any] = json.loads(json.dumps(self.subscriptions[subscription_id]))
        return copied

    def change_plan_now(
        self, subscription_id: str, price_id: str, *, end_trial: bool, proration_date: dt.datetime
    ) -> dict[str, Any]:
        """Answer with the stored subscription moved to ``price_id`` (or declined)."""
        self._note("change_plan_now", (subscription_id, price_id, end_trial))
        answer: dict[str, Any] = json.loads(json.dumps(self.subscriptions[subscription_id]))
        if self.decline:
            answer["pending_update"] = {"subscription_items": [{"price": price_id}]}
        else:
            answer["items"]["data"][0]["price"]["id"] = price_id
            if end_trial:
                answer["status"] = "active"
        return answer

    def preview_change(
        self, subscription_id: str, price_id: str, *, end_trial: bool, proration_date: dt.datetime
    ) -> int | None:
        self._note("preview_change", (subscription_id, price_id, end_trial))
        return self.preview_amount

    def schedule_change(self, subscription_id: str, price_id: str, interval: str) -> str:
        self._note("schedule_change", (subscription_id, price_id, interval))
        return "sub_sched_1"

    def release_schedule(self, schedule_id: str) -> None:
        self._note("release_schedule", schedule_id)


class RecordingStripeHTTP(stripe.HTTPClient):
    """Stripe's HTTP client interface, answering each request from ``answers`` by path."""

    name = "recording"

    def __init__(self, answers: Mapping[str, tuple[int, dict[str, Any]]]) -> None:
        super().__init__()
        self.answers = dict(answers)
        self.requests: list[dict[str, Any]] = []

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[str, int, Mapping[str, str]]:
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
        body = post_data.decode() if isinstance(post_data, bytes) else (post_data or "")
        self.requests.append(
            {"method": method, "path": "/" + path, "form": parse_qs(body), "headers": headers}
        )
        status, answer = self.answers.get("/" + path, (404, {"error": {"message": "nope"}}))
        return json.dumps(answer), status, {"request-id": "req_test"}

    def close(self) -> None:
        return None
