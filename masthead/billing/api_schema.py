"""The Stripe webhook in the OpenAPI document at ``/api/schema/`` (found by ``access``)."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}


def _answer(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


PATHS: dict[str, Any] = {
    "/billing/stripe/webhook/": {
        "post": {
            "operationId": "stripeWebhook",
            "summary": "Stripe events, signed with the endpoint's secret (Stripe-Signature).",
            "parameters": [
                {
                    "name": "Stripe-Signature",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "responses": {
                "200": _answer(
                    {
                        "type": "object",
                        "properties": {
                            "received": {"type": "boolean"},
                            "outcome": {
                                "type": "string",
                                "enum": ["processed", "duplicate", "ignored", "failed"],
                            },
                        },
                    },
                    "Stored and processed (or known, unhandled, or failed for good).",
                ),
                "400": _answer(
                    _ERROR,
                    "The signature did not verify, or the body is over 1 MB; nothing was stored.",
                ),
                "405": _answer(_ERROR, "Only POST is allowed."),
                "503": _answer(_ERROR, "A transient failure; Stripe delivers the event again."),
            },
        }
    },
}
