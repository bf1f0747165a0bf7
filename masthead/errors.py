"""The site's error handlers (``handler404`` and friends in ``urls.py``).

Friendly HTML for people, JSON for API callers, never a trace: the answers themselves are
built by ``masthead.core.errors.error_response``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from masthead.core.errors import error_response


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
