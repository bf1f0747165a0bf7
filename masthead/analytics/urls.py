from django.urls import URLPattern, URLResolver, path

from masthead.analytics import views

app_name = "analytics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:name>.csv", views.download_csv, name="csv"),
]
