"""The gift endpoints in the OpenAPI document at ``/api/schema/`` (found by ``access``)."""

from __future__ import annotations

from typing import Any

_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_ERROR = {"$ref": "#/components/schemas/Error"}


def _answer(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


PATHS: dict[str, Any] = {
    "/gifts/status/": {
        "get": {
            "operationId": "giftStatus",
            "summary": "Whether the reader may gift an article, and how many gifts are left.",
            "parameters": [
                {"name": "article", "in": "query", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": _answer(
                    {
                        "type": "object",
                        "required": ["can_gift"],
                        "properties": {
                            "can_gift": {"type": "boolean"},
                            "remaining": {"type": "integer"},
                            "limit": {"type": "integer"},
                            "csrf_token": {"type": "string"},
                        },
                    },
                    "Private, no-store. Only can_gift for readers who may not gift.",
                ),
                "400": _answer(_ERROR, "article missing or not a number."),
                "404": _answer(_ERROR, "Unknown article."),
            },
        }
    },
    "/gifts/": {
        "post": {
            "operationId": "createGift",
            "summary": "Make (or return this month's) gift link; optionally mail it.",
            "requestBody": {
                "required": True,
                "content": {
                    _FORM: {
                        "schema": {
                            "type": "object",
                            "required": ["article"],
                            "properties": {
                                "article": {"type": "integer"},
                                "email": {"type": "string", "format": "email"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": _answer(
                    {
                        "type": "object",
                        "required": ["url", "remaining", "is_new"],
                        "properties": {
                            "url": {"type": "string"},
                            "remaining": {"type": "integer"},
                            "is_new": {"type": "boolean"},
                            "emailed": {"type": "boolean"},
                            "email_error": {"type": "string"},
                        },
                    },
                    "The gift link (private, no-store).",
                ),
                "400": _answer(_ERROR, "article malformed, or email not an address."),
                "403": _answer(_ERROR, "Not logged in, or no subscription opening the article."),
                "404": _answer(_ERROR, "Unknown article."),
                "429": _answer(_ERROR, "This month's gifts are used up."),
            },
        }
    },
}
