"""Forms for the reader's own account: log in and reset with limits, e-mail, deletion."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
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

# Limits on guessing live in the cache and fail open (see ``masthead.core.ratelimit``).
Limits = tuple[ratelimit.Limit, ratelimit.Limit]


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass(frozen=True)
class LoginLimits:
    """How failed log-ins are limited; nothing here ever locks an account everywhere.

    - ``pair``: failures for one typed e-mail from one client network. Only that network
      is refused for that account, so the owner on their own network can still log in
      while someone elsewhere guesses.
    - ``network``: failures from one network, whatever the e-mail (one place trying
      many accounts).
    - ``account``: failures for one e-mail from every network. It refuses nothing by
      itself: every ``attack_step`` failures halve the attempts each network gets on
      that account (never below one a window), so an account tried from many networks
      slows down instead of locking.
    """

    pair: ratelimit.Limit
    network: ratelimit.Limit
    account: ratelimit.Limit
    attack_step: int

    def pair_attempts(self, account_failures: int) -> int:
        """Return the failures one network may make on an account that failed this often."""
        halvings = account_failures // max(self.attack_step, 1)
        return max(self.pair.attempts >> min(halvings, 30), 1)


def login_limits() -> LoginLimits:
    """Return the failed-log-in limits (``ACCOUNTS_LOGIN_*`` settings)."""
    window = _setting("ACCOUNTS_LOGIN_WINDOW_SECONDS", 900)
    per_pair = _setting("ACCOUNTS_LOGIN_FAILURES_PER_ACCOUNT", 5)
    return LoginLimits(
        pair=ratelimit.Limit("login.account_network", per_pair, window),
        network=ratelimit.Limit(
            "login.network", _setting("ACCOUNTS_LOGIN_FAILURES_PER_NETWORK", 30), window
        ),
        # Counted only; its attempts never refuse anyone (see ``pair_attempts``).
        account=ratelimit.Limit("login.account", 2**31, window),
        attack_step=_setting("ACCOUNTS_LOGIN_ATTACK_STEP", 10),
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

    Failures count per typed e-mail and network, per network, and per e-mail from every
    network (``LoginLimits``). Known and unknown addresses get the same answers, so the
    form never tells whether an account exists.
    """

    error_messages = {**EmailAuthenticationForm.error_messages, "rate_limited": LOGIN_BLOCKED}

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "")
        request = self.request
        if request is None:
            return super().clean()
        now = timezone.now()
        limits = login_limits()
        account, network = _subjects(request, email)
        failures = ratelimit.used(limits.account, account, now)
        pair = dataclasses.replace(limits.pair, attempts=limits.pair_attempts(failures))
        pair_subject = f"{account}|{network}"
        checked = [(pair, pair_subject), (limits.network, network)]
        blocked = ratelimit.first_blocking(checked, now)
        if blocked is not None:
            message = self.error_messages["rate_limited"].format(minutes=blocked.window_minutes)
            raise ValidationError(message, code="rate_limited")
        try:
            cleaned = super().clean()
        except ValidationError:
            ratelimit.count_all([*checked, (limits.account, account)], now)
            raise
        # Success clears this network's failures on the account; the account's own count
        # keeps running, since whoever tries it elsewhere has not stopped.
        ratelimit.forget(pair, pair_subject, now)
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
