"""``/billing/stripe/webhook/``: the only door Stripe's events come in by."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from masthead.access.network import client_address

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
        refusal = JsonResponse(
            {"error": "This is Stripe's webhook endpoint: it accepts only POST."}, status=405
        )
        refusal["Allow"] = "POST"
        return refusal
    signature = request.headers.get("Stripe-Signature", "")
    try:
        outcome = receive(request.body, signature)
    except SignatureError as exc:
        logger.warning("stripe webhook refused from %s: %s", client_address(request), exc)
        return JsonResponse({"error": "Signature verification failed."}, status=400)
    except Exception:
        logger.exception("stripe webhook: transient failure, Stripe will retry")
        return JsonResponse({"error": "Temporarily unable to process the event."}, status=503)
    return JsonResponse({"received": True, "outcome": outcome.value})
