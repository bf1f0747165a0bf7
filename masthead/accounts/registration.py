"""Creating a free account: e-mail and password, logged in at once, back to ``next``.

The registration wall links here with ``?next=<article>``; after registering the reader
lands on the article, whose page script then finds them entitled to more.

Every POST counts against a limit per client network (scope ``register.network``): it
bounds how fast one network can make accounts, and how fast anyone can learn whether an
address has one (the form must say so, since it logs the reader in at once; see
docs/security.md). When the paywall policy asks for confirmed addresses, the new reader
is also mailed a confirmation link (``confirmation.py``).
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import login, password_validation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from masthead.accounts.confirmation import confirmation_required, send_confirmation
from masthead.accounts.emails import send_welcome
from masthead.core import ratelimit
from masthead.core.events import EventKind, record
from masthead.core.network import client_address, network_of

from .models import User

logger = logging.getLogger(__name__)

BACKEND = "django.contrib.auth.backends.ModelBackend"
REGISTRATION_BLOCKED = (
    "Too many sign-ups from your network. Please wait {minutes} minutes and try again, "
    "or log in if you already have an account."
)


def registration_limit() -> ratelimit.Limit:
    """Return the limit on registration attempts per client network."""
    return ratelimit.Limit(
        "register.network",
        int(getattr(settings, "ACCOUNTS_REGISTRATIONS_PER_NETWORK", 10)),
        int(getattr(settings, "ACCOUNTS_REGISTRATION_WINDOW_SECONDS", 3600)),
    )


class RegistrationForm(forms.Form):
    """E-mail, password and the password again; the password passes the validators."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password.",
    )
    password_again = forms.CharField(
        label="Password again",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        """Return the address lower-cased; refuse one that already has an account."""
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in instead, or reset the "
                "password if you forgot it."
            )
        return email

    def clean(self) -> dict[str, Any]:
        """Check that both passwords match and that the password is strong enough."""
        data = super().clean() or {}
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords do not match.")
        elif password:
            try:
                password_validation.validate_password(password, User(email=data.get("email", "")))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Return ``candidate`` when it is a page on this site, else the front page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@never_cache
@csrf_protect
def register(request: HttpRequest) -> HttpResponse:
    """Show the form (GET) or create the account, log it in and go to ``next`` (POST)."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        limit = registration_limit()
        if ratelimit.hit(limit, network_of(client_address(request))):
            # The form is not validated at all: a refused attempt learns nothing about
            # the address it names.
            context = {
                "form": RegistrationForm(initial={"email": request.POST.get("email", "")}),
                "next": next_url,
                "refusal": REGISTRATION_BLOCKED.format(minutes=limit.window_minutes),
            }
            response = render(request, "accounts/register.html", context, status=429)
            response["Retry-After"] = str(limit.window_seconds)
            return response
    if request.method == "POST" and form.is_valid():
        user = User.objects.create_user(form.cleaned_data["email"], form.cleaned_data["password"])
        login(request, user, backend=BACKEND)
        send_welcome(user)  # never raises: a mail failure must not undo the account
        if confirmation_required():
            send_confirmation(request, user)  # never raises either
        record(
            EventKind.REGISTRATION,
            user_id=user.pk,
            reader_kind="registered",
            article_url=next_url,  # the story whose wall it was
        )
        logger.info("registration user=%s", user.pk)
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/register.html", {"form": form, "next": next_url})
