"""Per-request publication memo, and the admin speaking the publication's time."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Publication, _request_memo


class PublicationPerRequestMiddleware:
    """Let ``Publication.current`` read the row once per request, not once per call."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


class PublicationTimeZoneMiddleware:
    """Activate the publication's time zone for requests under the admin.

    An editor who types 9:00 means 9:00 where the newsroom is, the time the site shows
    readers. Only the admin's URL space is touched: deciding by the user would read the
    session on public pages, which must stay the same for everyone and cookie-free.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_staff_path(request.path_info):
            return self.get_response(request)
        timezone.activate(Publication.current().zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _is_staff_path(path: str) -> bool:
    """Return True for paths under the admin (the dashboard included); False otherwise."""
    try:
        prefix = reverse("admin:index")
    except NoReverseMatch:
        return False
    return path.startswith(prefix)
