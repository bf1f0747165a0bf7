"""A URL configuration with one route the leak suite was never taught to fill."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _thing(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(str(pk))


urlpatterns: list[URLPattern] = [
    path("robots.txt", lambda request: HttpResponse("")),
    path("things/<int:pk>/", _thing, name="thing"),
]
