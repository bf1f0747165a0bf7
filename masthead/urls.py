"""The site's URL map: one include per app, in the order requests are matched."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve

from masthead.health import health

# Every admin page, the Dashboard included, takes its <title> and header from these
# (templates/admin/base_site.html), so Django's "Django site admin" never shows.
admin.site.site_title = "Newsroom"
admin.site.site_header = "Newsroom"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", health, name="health"),
    path("admin/dashboard/", include("masthead.analytics.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("api/", include("masthead.access.urls")),
    path("", include("masthead.billing.urls")),
    path("", include("masthead.gifts.urls")),
    path("ads/", include("masthead.ads.urls")),
    path("", include("masthead.newsroom.urls")),
]

if settings.DEBUG or settings.DEMO:
    # The demo serves uploads itself; production serves MEDIA_ROOT from nginx or S3.
    urlpatterns.insert(
        0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler404 = "masthead.errors.not_found"
handler500 = "masthead.errors.server_error"
handler400 = "masthead.errors.bad_request"
handler403 = "masthead.errors.forbidden"
