"""The ad impression beacon in the OpenAPI document at ``/api/schema/`` (found by ``access``)."""

from __future__ import annotations

from typing import Any

# Ids the beacon accepts: positive, and exact in a browser's numbers.
_ID = {"type": "integer", "minimum": 1, "maximum": 2**53 - 1}

def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


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
            "description": (
                "Only this site's pages may send it (Origin or Sec-Fetch-Site: same-origin). "
                "Only running ads on a live article (or none) are counted; anything else is "
                "accepted and counts nothing."
            ),
            "responses": {
                "204": {"description": "Counted (what could be)."},
                "400": _error("Malformed beacon (at most 2 KB of JSON, 1 to 20 ids)."),
                "403": _error("Not sent by this site's own page."),
                "405": _error("Only POST is allowed."),
                "429": _error("Too many beacons from this address in a minute; see Retry-After."),
            },
        }
    },
}
