"""The site's URLs plus one view that fails, to see the 500 answer's headers."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, on purpose")


urlpatterns: list[URLPattern | URLResolver] = [
    path("boom/", boom),
    path("", include("masthead.urls")),
]

handler404 = "masthead.errors.not_found"
handler500 = "masthead.errors.server_error"
