"""``/billing/stripe/webhook/``: the only door Stripe's events come in by."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from masthead.core.errors import json_error
from masthead.core.network import client_address

from .providers.stripe.webhooks import SignatureError, receive

logger = logging.getLogger(__name__)


@csrf_exempt  # Stripe cannot send our CSRF token; the signature stands in for it.
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Verify, store and process one Stripe event.

    405 (JSON, ``Allow: POST``) for any method but POST; 400 when the signature does not
    verify (nothing stored); 200 once the event is processed, a known duplicate, of an
    unhandled type, or failed for good; 503 when a transient failure means Stripe should
    deliver it again.
    """
    if request.method != "POST":
        return json_error(
            405,
            "This is Stripe's webhook endpoint: it accepts only POST.",
            headers={"Allow": "POST"},
        )
    signature = request.headers.get("Stripe-Signature", "")
    try:
        outcome = receive(request.body, signature)
    except SignatureError as exc:
        logger.warning("stripe webhook refused from %s: %s", client_address(request), exc)
        return json_error(400, "Signature verification failed.")
    except Exception:
        logger.exception("stripe webhook: transient failure, Stripe will retry")
        return json_error(503, "Temporarily unable to process the event.")
    return JsonResponse({"received": True, "outcome": outcome.value})
