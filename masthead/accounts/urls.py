from django.urls import URLPattern, URLResolver, path

from . import account_views, confirmation, password_views, registration, views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", registration.register, name="register"),
    path("confirm/", confirmation.resend_confirmation, name="confirm_resend"),
    path("confirm/<str:token>/", confirmation.confirm_email, name="confirm_email"),
    # The reader's own account (issue 4).
    path("", account_views.account, name="account"),
    path("email/", account_views.email_change, name="email_change"),
    path("email/confirm/<str:token>/", account_views.email_confirm, name="email_confirm"),
    path("delete/", account_views.delete_account, name="delete"),
    path("data/", account_views.download_data, name="data"),
    path("password/", password_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        password_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("reset/", password_views.PasswordResetView.as_view(), name="password_reset"),
    path("reset/sent/", password_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
