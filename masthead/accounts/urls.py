from django.urls import URLPattern, URLResolver, path

from . import registration, views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", registration.register, name="register"),
]
