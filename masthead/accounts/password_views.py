"""Forgotten and changed passwords, on Django's views and one-time tokens.

Django's reset token hashes the password and last log-in, so a link stops working once
used or once the password changes by any other route (``PASSWORD_RESET_TIMEOUT`` bounds
its age). The reset request answers the same whether or not the address has an account.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from masthead.core.mail import sender_address
from masthead.newsroom.models import publication_name

from .account_forms import RateLimitedPasswordResetForm


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail; rate-limited per address and per network."""

    form_class = RateLimitedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def form_valid(self, form: Any) -> Any:
        publication = publication_name()
        self.extra_email_context = {"publication": publication}
        self.from_email = sender_address(publication)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """Say a link is on its way (if the address has an account)."""

    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from a reset link; a used or stale link is refused."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """Confirm the new password is set and offer to log in."""

    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password while logged in; other sessions are logged out."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    """Confirm the password was changed."""

    template_name = "accounts/password_change_done.html"
