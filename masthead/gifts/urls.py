from django.urls import URLPattern, URLResolver

app_name = "gifts"

urlpatterns: list[URLPattern | URLResolver] = []
