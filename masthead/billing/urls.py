from django.urls import URLPattern, URLResolver, path

from . import views, webhook_views
from .providers.testpayments import views as test_payments

app_name = "billing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("subscribe/", views.plans, name="plans"),
    path("subscribe/<slug:slug>/", views.checkout, name="checkout"),
    path("subscribe/<slug:slug>/change/", views.change_plan, name="change_plan"),
    path("billing/portal/", views.portal, name="portal"),
    path("billing/subscriptions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("billing/subscriptions/<int:pk>/resume/", views.resume, name="resume"),
    path(
        "billing/subscriptions/<int:pk>/cancel/confirm/",
        views.cancel_confirm,
        name="cancel_confirm",
    ),
    path("billing/subscriptions/<int:pk>/keep-plan/", views.keep_plan, name="keep_plan"),
    path("billing/stripe/webhook/", webhook_views.stripe_webhook, name="stripe_webhook"),
    path("billing/test-checkout/<str:token>/", test_payments.checkout, name="test_checkout"),
]
