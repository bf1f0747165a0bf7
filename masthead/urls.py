"""The site's URL map: one include per app, in the order requests are matched."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from masthead.access import serve_media
from masthead.health import health

# Every admin page, the Dashboard included, takes its <title> and header from these
# (templates/admin/base_site.html), so Django's "Django site admin" never shows.
admin.site.site_title = "Newsroom"
admin.site.site_header = "Newsroom"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", health, name="health"),
    path("admin/dashboard/experiments/", include("masthead.experiments.urls")),
    path("admin/dashboard/", include("masthead.analytics.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("api/", include("masthead.access.urls")),
    path("", include("masthead.billing.urls")),
    path("", include("masthead.gifts.urls")),
    path("ads/", include("masthead.ads.urls")),
    # Uploads: public files to anyone, protected ones by signed URL only (the paywall's
    # protected media, docs/paywall.md). In production nginx asks here for every /media/
    # request and serves the bytes from its internal location.
    path("media/<path:name>", serve_media, name="media"),
    path("", include("masthead.newsroom.urls")),
]

handler404 = "masthead.errors.not_found"
handler500 = "masthead.errors.server_error"
handler400 = "masthead.errors.bad_request"
handler403 = "masthead.errors.forbidden"
