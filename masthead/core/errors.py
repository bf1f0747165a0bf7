"""Error answers: ``{"error": message}`` for API callers, a plain page for people.

Every error answer, JSON or HTML, is ``private, no-store``: an error says nothing worth
keeping and may say something about the one reader who got it, so no cache holds it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.html import escape

PRIVATE = "private, no-store"


def json_error(
    status: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> JsonResponse:
    """Return ``{"error": message}`` with ``status``, never cached.

    ``headers`` are set on the answer (``Allow``, ``Retry-After``); ``extra`` adds fields
    next to ``error`` for callers that document them (a form field's name, a count).
    """
    response = JsonResponse({"error": message, **(extra or {})}, status=status)
    response["Cache-Control"] = PRIVATE
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def wants_json(request: HttpRequest) -> bool:
    """Return True when the caller is an API client: an ``/api/`` path or JSON accepted."""
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def error_response(
    request: HttpRequest,
    status: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Return JSON ``{"error": message}`` to API callers, else the site's error page.

    The ``error.html`` template is rendered without the request context so that an error
    page never reads the session or shows anything reader-specific.
    """
    if wants_json(request):
        return json_error(status, message, headers=headers)
    body: str
    try:
        body = loader.render_to_string("error.html", {"status": status, "message": message})
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        text = escape(message)
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{text}</p>"
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = PRIVATE
    for name, value in (headers or {}).items():
        response[name] = value
    return response
