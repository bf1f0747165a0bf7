"""oEmbed in the OpenAPI document at ``/api/schema/`` (found by ``access``)."""

from __future__ import annotations

from typing import Any


def _answer(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR = {"$ref": "#/components/schemas/Error"}

PATHS: dict[str, Any] = {
    "/oembed/": {
        "get": {
            "operationId": "oembed",
            "summary": "oEmbed card for an article URL (preview only, never gated text).",
            "parameters": [
                {
                    "name": "url",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 2000},
                    "description": "An article URL of this site; anything else is a 404.",
                },
                {
                    "name": "format",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["json"]},
                    "description": "Only json. xml, oEmbed's other format, is a 501; any "
                    "other value a 400.",
                },
                {
                    "name": "maxwidth",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "Clamped to 200..550 pixels.",
                },
            ],
            "responses": {
                "200": _answer({"type": "object"}, "An oEmbed 1.0 rich/link response."),
                "400": _answer(
                    _ERROR,
                    "url missing or too long, maxwidth not a whole number, or a format"
                    " oEmbed does not define.",
                ),
                "404": _answer(_ERROR, "Not an article of this site."),
                "405": _answer(_ERROR, "Only GET (and HEAD) are allowed."),
                "501": _answer(_ERROR, "format=xml: only JSON is offered (oEmbed's answer)."),
            },
        }
    },
}
