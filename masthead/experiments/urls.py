from django.urls import URLPattern, URLResolver, path

from masthead.experiments import views

app_name = "experiments"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/stop/", views.stop, name="stop"),
    path("<int:pk>/ship/", views.ship, name="ship"),
]
