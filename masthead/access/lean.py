"""The lean dispatch: ``POST /api/access/`` answered ahead of the middleware it does not need.

``LeanCheckApp`` wraps the site's WSGI application (``masthead/wsgi.py``). A request for
the access check with no query string, and either no session cookie or a reader pass
beside it, goes to ``hotpath.answer`` with a plain ``WSGIRequest``: no session,
authentication, CSRF, messages or publication middleware runs, because neither an
anonymous check nor one decided from a pass uses them.
The middlewares that only set headers (``HEADER_MIDDLEWARE``: security headers, the
Content-Security-Policy, ``Content-Length``, ``X-Frame-Options``) run exactly as in the
full stack, in the same order, so the answer's headers are the full stack's (a test
compares them). Everything else, and every check the hot path hands back (None), any
exception included, goes to the wrapped application with the body as it came.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.http import HttpRequest, HttpResponse
from django.urls import set_script_prefix
from django.utils.module_loading import import_string

from masthead.access import hotpath
from masthead.access.reader_pass import PASS_COOKIE

logger = logging.getLogger(__name__)

CHECK_PATH = "/api/access/"
# The check's body limit (views.MAX_BODY_BYTES); a longer one goes the ordinary way (400).
MAX_BODY_BYTES = 4096
# Middlewares that only add headers to a JSON answer; applied when present in MIDDLEWARE.
HEADER_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)

# Of those, the ones whose headers on this path depend only on settings and the status
# (no nonce is asked for, no view decorator changes them): run once per status and
# settings, their headers then reused. Building the Content-Security-Policy was a fifth of
# a hot check's CPU. The parity test compares the headers with the full stack's.
MEMOISED_MIDDLEWARE = frozenset({"csp.middleware.CSPMiddleware"})

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _unused(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise RuntimeError("the lean path calls only process_request/process_response")


class MemoisedHeaders:
    """A header-only middleware, run for real once per (status, settings); its headers reused."""

    def __init__(self, middleware: Any) -> None:
        self.middleware = middleware
        self._added: dict[tuple[int, ...], tuple[tuple[str, str], ...]] = {}

    def _key(self, status: int) -> tuple[int, ...]:
        # override_settings (tests) replaces these objects, so a changed policy is a new key.
        return (
            status,
            id(getattr(settings, "CONTENT_SECURITY_POLICY", None)),
            id(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
            int(bool(settings.DEBUG)),
        )

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Add the headers the middleware adds to such an answer."""
        key = self._key(response.status_code)
        added = self._added.get(key)
        if added is None:
            before = {name.lower() for name in response.headers}
            response = self.middleware.process_response(request, response)
            added = tuple(
                (name, value) for name, value in response.items() if name.lower() not in before
            )
            self._added[key] = added
            return response
        for name, value in added:
            if name not in response:
                response[name] = value
        return response


class LeanCheckApp:
    """A WSGI application: the hot path for anonymous checks, ``app`` for the rest."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self._middleware: list[Any] | None = None

    def middleware(self) -> list[Any]:
        """Return the header middlewares, instantiated once, in ``MIDDLEWARE`` order."""
        if self._middleware is None:
            chain: list[Any] = []
            for path in settings.MIDDLEWARE:
                if path in HEADER_MIDDLEWARE:
                    middleware = import_string(path)(_unused)
                    chain.append(
                        MemoisedHeaders(middleware) if path in MEMOISED_MIDDLEWARE else middleware
                    )
            self._middleware = chain
        return self._middleware

    def is_lean(self, environ: dict[str, Any]) -> bool:
        """Return True when ``environ`` is a check the hot path may answer."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != CHECK_PATH:
            return False
        if environ.get("QUERY_STRING"):
            return False
        # A session cookie without a reader pass: the ordinary path reads the session (and
        # issues a pass). With a pass, the hot path checks it (``hotpath.answer``).
        cookies = environ.get("HTTP_COOKIE", "")
        if f"{settings.SESSION_COOKIE_NAME}=" in cookies and f"{PASS_COOKIE}=" not in cookies:
            return False
        return hotpath.hot_store() is not None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one WSGI request."""
        if not self.is_lean(environ):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.app(environ, start_response)
        if not 0 <= length <= MAX_BODY_BYTES:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        response = None
        try:
            response = self._answer(environ)
        except Exception:
            logger.warning("lean_check_failed", exc_info=True)
        if response is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [
            *response.items(),
            *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()),
        ]
        start_response(status, headers)
        return response

    def _answer(self, environ: dict[str, Any]) -> HttpResponse | None:
        # What Django's WSGIHandler does around a request: the script prefix, and the
        # request_started/request_finished signals (old database connections closed).
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        request = WSGIRequest(environ)
        response: HttpResponse | None = None
        try:
            response = self._through_middleware(request)
        finally:
            if response is None:
                signals.request_finished.send(sender=self.__class__)
        if response is None:
            return None
        # Closing the answer (the server does) closes the request and sends request_finished.
        # As WSGIHandler.__call__ does; django-stubs do not declare these two attributes.
        response._resource_closers.append(request.close)  # type: ignore[attr-defined]
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        return response

    def _through_middleware(self, request: HttpRequest) -> HttpResponse | None:
        chain = self.middleware()
        for middleware in chain:
            process = getattr(middleware, "process_request", None)
            if process is not None and process(request) is not None:
                return None  # a redirect or a refusal: the full stack answers it
        response = hotpath.answer(request)
        if response is None:
            return None
        for middleware in reversed(chain):
            process = getattr(middleware, "process_response", None)
            if process is not None:
                response = process(request, response)
        return response
