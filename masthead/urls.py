"""The site's URL map: one include per app, in the order requests are matched."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/dashboard/", include("masthead.analytics.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("api/", include("masthead.access.urls")),
    path("", include("masthead.billing.urls")),
    path("", include("masthead.gifts.urls")),
    path("ads/", include("masthead.ads.urls")),
    path("", include("masthead.newsroom.urls")),
]

handler404 = "masthead.errors.not_found"
handler500 = "masthead.errors.server_error"
handler400 = "masthead.errors.bad_request"
handler403 = "masthead.errors.forbidden"
