"""The gift endpoints in the OpenAPI document at ``/api/schema/`` (found by ``access``)."""

from __future__ import annotations

from typing import Any

_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_ERROR = {"$ref": "#/components/schemas/Error"}
# Article ids as the gift endpoints read them: at most 12 digits, so no negative id.
_ARTICLE_ID = {"type": "integer", "minimum": 1, "maximum": 10**12 - 1}


def _answer(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


PATHS: dict[str, Any] = {
    "/gifts/status/": {
        "get": {
            "operationId": "giftStatus",
            "summary": "Whether the reader may gift an article, and how many gifts are left.",
            "parameters": [
                {"name": "article", "in": "query", "required": True, "schema": _ARTICLE_ID}
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
                "405": _answer(_ERROR, "Only GET (and HEAD) are allowed."),
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
                                "article": _ARTICLE_ID,
                                "email": {
                                    "description": "Mail the link here too; empty (or left"
                                    " out) sends no mail.",
                                    "anyOf": [
                                        {"type": "string", "format": "email", "maxLength": 254},
                                        {"type": "string", "maxLength": 0},
                                    ],
                                },
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
                "403": _answer(
                    _ERROR,
                    "Not logged in, no subscription opening the article, or the CSRF token"
                    " (cookie plus X-CSRFToken header) missing or wrong.",
                ),
                "404": _answer(_ERROR, "Unknown article."),
                "405": _answer(_ERROR, "Only POST is allowed."),
                "429": _answer(_ERROR, "This month's gifts are used up."),
            },
        }
    },
}
