"""Cache headers for pages that are the same for every reader.

Public pages never read the session, the user or the CSRF token, so Django adds no
``Vary: Cookie`` and sets no cookie; a shared cache (nginx, a CDN) may keep them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

PUBLIC = "public, max-age=60, stale-while-revalidate=300"
PRIVATE = "private, no-store"

View = Callable[..., HttpResponse]


def public_cache(view: View) -> View:
    """Mark successful responses of ``view`` publicly cacheable for a minute.

    A response that already carries ``Cache-Control`` (a gift link, an error) keeps it.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            response["Cache-Control"] = PUBLIC
        return response

    return wrapper


def mark_private(response: HttpResponse) -> HttpResponse:
    """Return ``response`` marked for one reader only: no shared or browser cache."""
    response["Cache-Control"] = PRIVATE
    return response
