"""Calling the access check (``POST /api/access/``) the way the page script does."""

from __future__ import annotations

import json

from django.http import HttpResponse, HttpResponseBase
from django.test import Client

ACCESS_URL = "/api/access/"
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


def check_access(
    client: Client, article: object, gift: object = None, headers: dict[str, str] | None = None
) -> HttpResponse:
    """POST ``{"article": article, "gift": gift}`` as JSON from the site's own origin."""
    return client.post(  # type: ignore[return-value]
        ACCESS_URL,
        data=json.dumps({"article": article, "gift": gift}),
        content_type="application/json",
        headers={**SAME_ORIGIN, **(headers or {})},
    )


def answer_of(response: HttpResponseBase) -> dict[str, object]:
    """Return the JSON body of an access check answer ({} when it is not JSON)."""
    try:
        body = json.loads(response.content)  # type: ignore[attr-defined]
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
