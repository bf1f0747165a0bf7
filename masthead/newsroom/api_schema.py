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
                {"name": "url", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json"]}},
                {"name": "maxwidth", "in": "query", "schema": {"type": "integer"}},
            ],
            "responses": {
                "200": _answer({"type": "object"}, "An oEmbed 1.0 rich/link response."),
                "400": _answer(_ERROR, "Bad parameters."),
                "404": _answer(_ERROR, "Not an article of this site."),
            },
        }
    },
}
