"""The OpenAPI 3 document served at ``/api/schema/``, written by hand.

Each app describes its own JSON endpoints in an optional module ``<app>/api_schema.py``
holding ``PATHS`` (OpenAPI path items keyed by path) and optionally ``SCHEMAS``
(components). They are discovered through the app registry, like ``admin.py``, so
``access`` imports no other app by name and describes only its own endpoints.
"""

from __future__ import annotations

import copy
import importlib
import logging
from typing import Any

from django.apps import apps

logger = logging.getLogger(__name__)

JSON = "application/json"


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def error_response(description: str) -> dict[str, Any]:
    """Return an OpenAPI response object for a JSON ``{"error": str}`` body."""
    return _json({"$ref": "#/components/schemas/Error"}, description)


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}},
    },
    "AccessCheckRequest": {
        "type": "object",
        "required": ["article"],
        "properties": {
            "article": {
                "description": "The article id (a positive integer, also as digits in a string).",
                "anyOf": [
                    {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                    {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"},
                ],
            },
            "gift": {"type": ["string", "null"], "maxLength": 512, "description": "Gift token."},
        },
    },
    "Offer": {
        "type": "object",
        "required": ["kind", "html"],
        "properties": {
            "kind": {"type": "string", "enum": ["registration", "subscription"]},
            "html": {"type": "string", "description": "The wall, with the reason in words."},
        },
    },
    "Meter": {
        "type": "object",
        "required": ["used", "allowance", "remaining"],
        "properties": {
            "used": {"type": "integer"},
            "allowance": {"type": "integer"},
            "remaining": {"type": "integer"},
        },
    },
    "AccessCheckResponse": {
        "type": "object",
        "required": ["granted", "reason", "html", "offer", "meter", "ad_free", "arm"],
        "properties": {
            "granted": {"type": "boolean"},
            "reason": {"type": "string", "description": "free, metered, meter_exhausted, ..."},
            "html": {"type": ["string", "null"], "description": "The gated part when granted."},
            "offer": {"oneOf": [{"$ref": "#/components/schemas/Offer"}, {"type": "null"}]},
            "meter": {"oneOf": [{"$ref": "#/components/schemas/Meter"}, {"type": "null"}]},
            "ad_free": {"type": "boolean"},
            "arm": {
                "type": ["string", "null"],
                "description": "The experiment arm the reader is on; null when no "
                "experiment is running (or it could not be loaded).",
            },
        },
    },
    "Me": {
        "type": "object",
        "required": [
            "authenticated",
            "subscriber",
            "email",
            "account_url",
            "logout_url",
            "csrf_token",
        ],
        "properties": {
            "authenticated": {"type": "boolean"},
            "subscriber": {
                "type": "boolean",
                "description": "Holds a plan or a grant (the header drops Subscribe).",
            },
            "email": {"type": ["string", "null"]},
            "account_url": {"type": "string"},
            "logout_url": {"type": "string"},
            "csrf_token": {"type": "string"},
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/access/": {
        "post": {
            "operationId": "checkAccess",
            "summary": "Decide whether this reader may read an article; count a metered read.",
            "description": "Same-origin only (Origin / Sec-Fetch-Site). Sets the signed "
            "visitor cookie for anonymous readers. Cache-Control: private, no-store.",
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": {"$ref": "#/components/schemas/AccessCheckRequest"}}},
            },
            "responses": {
                "200": _json({"$ref": "#/components/schemas/AccessCheckResponse"}, "The decision."),
                "400": error_response("The body is not a valid check request (max 4 KB)."),
                "403": error_response(
                    "The request came from another site, or named no origin (Origin or"
                    " Sec-Fetch-Site: same-origin is required)."
                ),
                "404": error_response("No such live article."),
                "405": error_response("Only POST is allowed."),
                "429": error_response("Too many checks from this address."),
                "503": error_response(
                    "The database is unavailable, or the meter stayed locked past its budget;"
                    " try again (Retry-After)."
                ),
            },
        }
    },
    "/api/me/": {
        "get": {
            "operationId": "me",
            "summary": "Who is logged in, for the page header. Cache-Control: private, no-store.",
            "responses": {
                "200": _json({"$ref": "#/components/schemas/Me"}, "The current reader."),
                "405": error_response("Only GET (and HEAD) are allowed."),
            },
        }
    },
    "/api/schema/": {
        "get": {
            "operationId": "schema",
            "summary": "This document.",
            "responses": {
                "200": {
                    "description": "The OpenAPI 3 document.",
                    "content": {JSON: {"schema": {"type": "object"}}},
                },
                "405": error_response("Only GET (and HEAD) are allowed."),
            },
        }
    },
}


def _discovered_parts() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    parts = []
    for config in apps.get_app_configs():
        if config.name == "masthead.access" or not config.name.startswith("masthead."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api_schema")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api_schema":
                logger.warning("api_schema_import_failed app=%s", config.label)
            continue
        parts.append((dict(getattr(module, "PATHS", {})), dict(getattr(module, "SCHEMAS", {}))))
    return parts


def api_schema() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for every JSON endpoint of the site."""
    paths = copy.deepcopy(PATHS)
    schemas = copy.deepcopy(SCHEMAS)
    for part_paths, part_schemas in _discovered_parts():
        paths.update(copy.deepcopy(part_paths))
        schemas.update(copy.deepcopy(part_schemas))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Masthead",
            "version": "1",
            "description": "The JSON endpoints of a Masthead site. Errors are "
            '{"error": "..."} with a 4xx/5xx status, never a trace.',
        },
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas},
    }
