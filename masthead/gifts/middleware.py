"""Headers for pages opened through a gift link (``?gift=`` in the URL).

The token in the address must not travel on (``Referrer-Policy: no-referrer``), be
indexed (``X-Robots-Tag: noindex``) or be kept by a shared cache (``private, no-store``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class GiftLinkHeadersMiddleware:
    """Mark every response to a ``?gift=`` request as private and unindexable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "gift" in request.GET:
            response["X-Robots-Tag"] = "noindex"
            response["Referrer-Policy"] = "no-referrer"
            response["Cache-Control"] = "private, no-store"
        return response
