"""Forms for the reader's own account: log in and reset with limits, e-mail, deletion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from masthead.core import ratelimit
from masthead.core.network import client_address, network_of

from .forms import EmailAuthenticationForm

LOGIN_BLOCKED = (
    "Too many attempts to log in. Please wait {minutes} minutes and try again, "
    "or reset your password."
)
RESET_BLOCKED = "Too many reset requests. Please wait {minutes} minutes and try again."

# Limits on guessing live in the cache and fail open (see ``masthead.core.ratelimit``);
# each counts per typed e-mail and per client network.
Limits = tuple[ratelimit.Limit, ratelimit.Limit]


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def login_limits() -> Limits:
    """Return the failed-log-in limits per account and per client network."""
    window = _setting("ACCOUNTS_LOGIN_WINDOW_SECONDS", 900)
    return (
        ratelimit.Limit(
            "login.account", _setting("ACCOUNTS_LOGIN_FAILURES_PER_ACCOUNT", 5), window
        ),
        ratelimit.Limit(
            "login.network", _setting("ACCOUNTS_LOGIN_FAILURES_PER_NETWORK", 30), window
        ),
    )


def reset_limits() -> Limits:
    """Return the password-reset request limits per account and per client network."""
    window = _setting("ACCOUNTS_RESET_WINDOW_SECONDS", 3600)
    return (
        ratelimit.Limit("reset.account", _setting("ACCOUNTS_RESETS_PER_ACCOUNT", 3), window),
        ratelimit.Limit("reset.network", _setting("ACCOUNTS_RESETS_PER_NETWORK", 10), window),
    )


def _subjects(request: HttpRequest, email: str) -> tuple[str, str]:
    """Return what limits count: the typed e-mail and the client network."""
    return email.strip().lower(), network_of(client_address(request))


def _pairs(limits: Limits, request: HttpRequest, email: str) -> list[tuple[ratelimit.Limit, str]]:
    return list(zip(limits, _subjects(request, email), strict=True))


class RateLimitedAuthenticationForm(EmailAuthenticationForm):
    """The e-mail log-in form, refusing to check passwords once a limit is reached.

    Failures count per typed e-mail and per client network. Known and unknown addresses
    get the same answers, so the form never tells whether an account exists.
    """

    error_messages = {**EmailAuthenticationForm.error_messages, "rate_limited": LOGIN_BLOCKED}

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "")
        request = self.request
        if request is None:
            return super().clean()
        now = timezone.now()
        pairs = _pairs(login_limits(), request, email)
        blocked = ratelimit.first_blocking(pairs, now)
        if blocked is not None:
            message = self.error_messages["rate_limited"].format(minutes=blocked.window_minutes)
            raise ValidationError(message, code="rate_limited")
        try:
            cleaned = super().clean()
        except ValidationError:
            ratelimit.count_all(pairs, now)
            raise
        # Success clears the account's failures; the network's keep counting.
        account_limit, account = pairs[0]
        ratelimit.forget(account_limit, account, now)
        return cleaned


class RateLimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form, counting every request per e-mail and per network."""

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = str(cleaned.get("email") or "")
        if self.request is None or not email:
            return cleaned
        now = timezone.now()
        pairs = _pairs(reset_limits(), self.request, email)
        blocked = ratelimit.first_blocking(pairs, now)
        if blocked is not None:
            raise ValidationError(RESET_BLOCKED.format(minutes=blocked.window_minutes))
        ratelimit.count_all(pairs, now)
        return cleaned


class _PasswordConfirmedForm(forms.Form):
    """A form that asks for the current password before doing something serious."""

    password = forms.CharField(
        label="Current password", strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise ValidationError("That is not your current password.")
        return password


class EmailChangeForm(_PasswordConfirmedForm):
    """A new address for the account, confirmed later by a mail sent to it."""

    field_order = ("new_email", "password")

    new_email = forms.EmailField(label="New email", max_length=254)

    def clean_new_email(self) -> str:
        email = str(self.cleaned_data["new_email"]).strip().lower()
        if email == self.user.email.lower():
            raise ValidationError("That is already your e-mail address.")
        return email


class DeleteAccountForm(_PasswordConfirmedForm):
    """Deleting the account, confirmed with the password."""


def email_in_use(email: str, except_pk: int | None = None) -> bool:
    """Return True when another account already logs in with ``email``."""
    others = get_user_model().objects.filter(email__iexact=email)
    return others.exclude(pk=except_pk).exists() if except_pk else others.exists()
