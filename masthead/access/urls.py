from django.urls import URLPattern, URLResolver, path

from masthead.access import views

app_name = "access"

urlpatterns: list[URLPattern | URLResolver] = [
    path("access/", views.access_check, name="check"),
    path("me/", views.me, name="me"),
    path("schema/", views.schema, name="schema"),
]
