"""The ad impression beacon in the OpenAPI document at ``/api/schema/`` (found by ``access``)."""

from __future__ import annotations

from typing import Any

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
                                "ads": {"type": "array", "items": {"type": "integer"}},
                                "article": {"type": ["integer", "null"]},
                            },
                        }
                    }
                },
            },
            "responses": {
                "204": {"description": "Counted."},
                "400": {
                    "description": "Malformed beacon.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
    },
}
