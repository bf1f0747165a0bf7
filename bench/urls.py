"""The app's URL map with the baseline views mounted under ``/bench/``."""

from django.urls import URLPattern, URLResolver, include, path

from bench import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/baseline/", views.baseline, name="bench_baseline"),
    path("bench/page/", views.page, name="bench_page"),
    path("bench/cookie/", views.cookie, name="bench_cookie"),
    path("bench/address/", views.address, name="bench_address"),
    path("", include("masthead.urls")),
]

handler404 = "masthead.errors.not_found"
handler500 = "masthead.errors.server_error"
