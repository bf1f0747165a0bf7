"""Confirming a reader's e-mail address with a signed link, when the policy asks for it.

Registration logs the reader in at once; the paywall policy's "require e-mail
confirmation" (off by default) meters them as a visitor until they follow the link this
module mails. The link carries the account id and the address, signed with its own salt
and a timestamp: it expires after a week and stops working once the address changes.
Opening it shows a button; only the POST confirms, so mail scanners that follow links
confirm nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from masthead.access import current_policy
from masthead.core import ratelimit

from . import emails

SALT = "accounts.confirm_email"
MAX_AGE_SECONDS = 7 * 24 * 3600


def confirmation_token(user: Any) -> str:
    """Return the signed token that confirms ``user``'s current address."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT)


def account_for_token(
    token: str, *, salt: str, max_age: int, email_field: str
) -> tuple[Any, dict[str, Any]] | None:
    """Return the active account a signed mail link names, and the link's data, or None.

    The link carries the account's id (``u``) and the address it was sent for
    (``email_field``); it stops working when the address changes, so a link in an old
    mailbox cannot act on the account once it has moved on.
    """
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email != data.get(email_field):
        return None
    return user, data


def user_for_token(token: str) -> Any | None:
    """Return the active account whose current address ``token`` confirms, or None."""
    found = account_for_token(token, salt=SALT, max_age=MAX_AGE_SECONDS, email_field="e")
    return None if found is None else found[0]


def confirmation_required() -> bool:
    """Return True when the paywall policy meters unconfirmed readers as visitors."""
    return current_policy().require_email_confirmation


def send_confirmation(request: HttpRequest, user: Any) -> bool:
    """Mail ``user`` the link that confirms their address; False when it was not sent."""
    url = request.build_absolute_uri(
        reverse("accounts:confirm_email", args=[confirmation_token(user)])
    )
    return emails.send_confirmation(user, url)


def mark_confirmed(user: Any) -> None:
    """Record that ``user`` reads mail at their current address (once)."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])


def resend_limit() -> ratelimit.Limit:
    """Return how many confirmation mails one account may ask for per hour."""
    return ratelimit.Limit(
        "confirm.account", int(getattr(settings, "ACCOUNTS_CONFIRMATIONS_PER_HOUR", 3)), 3600
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """Show the address to confirm (GET); confirm it (POST). 404 for a stale or forged link."""
    user = user_for_token(token)
    if user is None:
        raise Http404("This confirmation link has expired or no longer matches the account.")
    if request.method == "POST":
        mark_confirmed(user)
        messages.success(request, f"Thank you: {user.email} is confirmed.")
        return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")
    context = {"email": user.email, "confirmed": user.has_confirmed_email}
    return _private(render(request, "accounts/confirm_email.html", context))


@require_POST
@login_required
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    """Mail the confirmation link again, a few times an hour at most."""
    user: Any = request.user
    if user.has_confirmed_email:
        messages.info(request, "Your address is already confirmed.")
    elif ratelimit.hit(resend_limit(), str(user.pk)):
        messages.error(request, "We sent several links in the last hour. Please check your mail.")
    elif send_confirmation(request, user):
        messages.success(request, f"We sent a confirmation link to {user.email}.")
    else:
        messages.error(request, "We could not send the mail just now. Please try again later.")
    return redirect("accounts:account")
