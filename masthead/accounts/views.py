"""Logging in and out. The ``next`` page is honoured only when it is on this site."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch

from .account_forms import RateLimitedAuthenticationForm


class LoginView(auth_views.LoginView):
    """Log a reader in by e-mail and send them back where they came from.

    Django's ``LoginView`` already checks ``next`` with ``url_has_allowed_host_and_scheme``
    (``success_url_allowed_hosts`` is left empty): an off-site or scheme-changing URL
    falls back to ``LOGIN_REDIRECT_URL``.
    """

    # Failed log-ins are limited per account and per client network (account_forms.py).
    form_class = RateLimitedAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        """Return ``LOGIN_REDIRECT_URL``, or the front page while that page does not exist."""
        try:
            return resolve_url(settings.LOGIN_REDIRECT_URL)
        except NoReverseMatch:
            # The account page arrives with the readers' flows; until then go home.
            return "/"


class LogoutView(auth_views.LogoutView):
    """Log out on POST (Django 5 refuses GET) and return to a safe ``next`` page."""
