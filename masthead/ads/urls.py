from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "ads"

urlpatterns: list[URLPattern | URLResolver] = [
    path("impressions/", views.impressions, name="impressions"),
]
