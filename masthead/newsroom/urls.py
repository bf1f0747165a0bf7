from django.urls import URLPattern, URLResolver

app_name = "newsroom"

urlpatterns: list[URLPattern | URLResolver] = []
