"""Error answers: ``{"error": message}`` for API callers, a plain page for people.

Every error answer, JSON or HTML, is ``private, no-store``: an error says nothing worth
keeping and may say something about the one reader who got it, so no cache holds it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.html import escape

PRIVATE = "private, no-store"
# The attribute ``json_endpoint`` sets on a view: the methods it answers.
JSON_METHODS_ATTRIBUTE = "json_endpoint_methods"
JSON_REFUSAL_ATTRIBUTE = "json_endpoint_refusal"

View = TypeVar("View", bound=Callable[..., HttpResponse])


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


def json_endpoint(*methods: str, refusal: str = "") -> Callable[[View], View]:
    """Mark a view as a JSON endpoint that answers only ``methods``.

    Any other method gets a JSON 405 with ``Allow`` (Django's ``require_POST`` and friends
    answer an empty, cacheable 405 instead). The mark also makes the site's error answers
    for this view JSON (``wants_json``), so a CSRF refusal or a 404 raised inside it speaks
    the same language as the endpoint. ``HEAD`` is answered wherever ``GET`` is.
    ``refusal`` replaces the 405's message ("Use POST.").
    """
    allowed = tuple(dict.fromkeys(method.upper() for method in methods))
    if "GET" in allowed and "HEAD" not in allowed:
        allowed = (*allowed, "HEAD")

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return method_not_allowed(allowed, refusal)
            return view(request, *args, **kwargs)

        setattr(wrapper, JSON_METHODS_ATTRIBUTE, allowed)
        setattr(wrapper, JSON_REFUSAL_ATTRIBUTE, refusal)
        return cast(View, wrapper)

    return decorate


def method_not_allowed(allowed: tuple[str, ...], message: str = "") -> JsonResponse:
    """Return the JSON 405 naming ``allowed`` in ``Allow`` and (by default) in words."""
    listed = ", ".join(allowed)
    words = message or f"Use {' or '.join(allowed)}."
    return json_error(405, words, headers={"Allow": listed})


def endpoint_refusal(request: HttpRequest) -> str:
    """Return the 405 message the routed JSON endpoint chose ("" for the default)."""
    match = getattr(request, "resolver_match", None)
    return str(getattr(match.func, JSON_REFUSAL_ATTRIBUTE, "")) if match is not None else ""


def endpoint_methods(request: HttpRequest) -> tuple[str, ...] | None:
    """Return the methods of the JSON endpoint the request was routed to, else None."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    methods = getattr(match.func, JSON_METHODS_ATTRIBUTE, None)
    return tuple(methods) if methods is not None else None


def wants_json(request: HttpRequest) -> bool:
    """Return True when the caller is an API client.

    That is an ``/api/`` path, a view marked with ``json_endpoint``, or JSON accepted.
    """
    return (
        request.path.startswith("/api/")
        or endpoint_methods(request) is not None
        or "application/json" in request.headers.get("Accept", "")
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
