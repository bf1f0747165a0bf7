"""The site's error handlers (``handler404`` and friends in ``urls.py``).

Friendly HTML for people, JSON for API callers, never a trace: the answers themselves are
built by ``masthead.core.errors.error_response``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from masthead.core.errors import (
    endpoint_methods,
    endpoint_refusal,
    error_response,
    method_not_allowed,
)


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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Return the CSRF refusal (``CSRF_FAILURE_VIEW``): JSON for JSON endpoints.

    Django checks the token before the view runs, so a method a JSON endpoint does not
    answer at all (``QUERY``, ``DELETE``) would be refused as a CSRF failure; it gets the
    endpoint's own 405 with ``Allow`` instead. ``reason`` is Django's diagnosis and is
    not shown: it says which cookie or header was missing, which helps no reader.
    """
    methods = endpoint_methods(request)
    if methods is not None and request.method not in methods:
        return method_not_allowed(methods, endpoint_refusal(request))
    return error_response(
        request, 403, "This form has expired or did not come from this site. Reload the page."
    )
