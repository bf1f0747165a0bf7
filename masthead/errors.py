"""Error pages: friendly HTML for people, JSON for API callers, never a trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """Return an error page or JSON ``{"error": message}`` with ``status``.

    The template is rendered without the request context so that an error page never
    reads the session or shows anything reader-specific.
    """
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"error": message}, status=status)
    else:
        try:
            body: str = loader.render_to_string(
                "error.html", {"status": status, "message": message}
            )
        except Exception:  # noqa: BLE001 - the error page itself must never fail
            body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{message}</p>"
        response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Return the 404 page."""
    return error_response(request, 404, "We could not find that page.")


def server_error(request: HttpRequest) -> HttpResponse:
    """Return the 500 page."""
    return error_response(request, 500, "Something went wrong on our side. Please try again.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Return the 400 page."""
    return error_response(request, 400, "That request could not be understood.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Return the 403 page."""
    return error_response(request, 403, "You do not have access to that page.")
