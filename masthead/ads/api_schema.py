"""The ad impression beacon in the OpenAPI document at ``/api/schema/`` (found by ``access``)."""

from __future__ import annotations

from typing import Any

# Ids the beacon accepts: positive, and exact in a browser's numbers.
_ID = {"type": "integer", "minimum": 1, "maximum": 2**53 - 1}

PATHS: dict[str, Any] = {
    "/ads/impressions/": {
        "post": {
            "operationId": "adImpressions",
            "summary": "Beacon: count impressions of house ads on a page.",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["ads"],
                            "properties": {
                                "ads": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": 20,
                                    "items": _ID,
                                },
                                "article": {"anyOf": [_ID, {"type": "null"}]},
                            },
                        }
                    }
                },
            },
            "responses": {
                "204": {"description": "Counted."},
                "400": {
                    "description": "Malformed beacon (at most 2 KB of JSON, 1 to 20 ids).",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
                "405": {
                    "description": "Only POST is allowed.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
    },
}
