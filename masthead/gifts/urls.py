from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "gifts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("gifts/", views.create, name="create"),
    path("gifts/status/", views.status, name="status"),
    path("gifts/<int:pk>/revoke/", views.revoke, name="revoke"),
]
