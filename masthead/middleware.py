"""Site-wide middleware: what happens when the database goes away."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from masthead.core.errors import error_response

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 (HTML or JSON) when the database cannot be reached.

    Only the database's transient errors are caught here; other database errors are bugs
    and take the ordinary 500 path. A shared cache in front keeps serving previews.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Return a 503 for a lost or busy database, else let Django handle the error.

        ``OperationalError`` and ``InterfaceError`` are the database's transient failures
        (a lost connection, a lock that did not clear, a cancelled query): the reader can
        try again, so the answer is 503, never a 500.
        """
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("database unavailable: %s", type(exception).__name__)
            return error_response(
                request,
                503,
                "The newsroom is briefly unavailable. Please try again shortly.",
                headers={"Retry-After": "5"},
            )
        return None

