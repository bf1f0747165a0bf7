from django.urls import URLPattern, URLResolver, path

from . import views, webhook_views
from .providers.testpayments import views as test_payments

app_name = "billing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("subscribe/", views.plans, name="plans"),
    path("subscribe/<slug:slug>/", views.checkout, name="checkout"),
    path("billing/portal/", views.portal, name="portal"),
    path("billing/subscriptions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("billing/subscriptions/<int:pk>/resume/", views.resume, name="resume"),
    path("billing/stripe/webhook/", webhook_views.stripe_webhook, name="stripe_webhook"),
    path("billing/test-checkout/<str:token>/", test_payments.checkout, name="test_checkout"),
]
