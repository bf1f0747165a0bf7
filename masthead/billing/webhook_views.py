"""``/billing/stripe/webhook/``: the only door Stripe's events come in by."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from masthead.core.errors import json_endpoint, json_error
from masthead.core.jsonbody import BadJSON, read_body
from masthead.core.network import client_address

from .providers.stripe.webhooks import SignatureError, receive

logger = logging.getLogger(__name__)

# Stripe's events are a few kilobytes; a megabyte leaves room for the largest invoices.
MAX_EVENT_BYTES = 1024 * 1024


@csrf_exempt  # Stripe cannot send our CSRF token; the signature stands in for it.
@json_endpoint("POST", refusal="This is Stripe's webhook endpoint: it accepts only POST.")
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Verify, store and process one Stripe event.

    405 (JSON, ``Allow: POST``) for any method but POST; 400 when the signature does not
    verify (nothing stored); 200 once the event is processed, a known duplicate, of an
    unhandled type, or failed for good; 503 when a transient failure means Stripe should
    deliver it again.
    """
    signature = request.headers.get("Stripe-Signature", "")
    try:
        # Read through the shared reader, bounded; the bytes are parsed only after the
        # signature over them has verified (``receive``).
        payload = read_body(request, max_bytes=MAX_EVENT_BYTES)
    except BadJSON as exc:
        return json_error(400, str(exc))
    try:
        outcome = receive(payload, signature)
    except SignatureError as exc:
        logger.warning("stripe webhook refused from %s: %s", client_address(request), exc)
        return json_error(400, "Signature verification failed.")
    except Exception:
        logger.exception("stripe webhook: transient failure, Stripe will retry")
        return json_error(503, "Temporarily unable to process the event.")
    return JsonResponse({"received": True, "outcome": outcome.value})
