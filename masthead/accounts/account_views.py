"""The reader's account: the overview page, e-mail change, deletion, data download.

The e-mail change is confirmed from the new address: the link carries a token signed
with its own salt, a timestamp and the current address, so it expires after a day and
stops working once the address has changed. Opening the link shows a button; only the
POST changes anything, so mail scanners that follow links change nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masthead.billing import account as billing_account
from masthead.billing.exceptions import ProviderError
from masthead.billing.subscriptions import end_all_now
from masthead.gifts import links as gift_links
from masthead.gifts.tokens import recover_token

from . import emails
from .account_forms import DeleteAccountForm, EmailChangeForm, email_in_use
from .confirmation import account_for_token, confirmation_required
from .data_export import export_for
from .meter import meter_for

EMAIL_CHANGE_SALT = "accounts.email_change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _gift_rows(request: HttpRequest, now: Any) -> list[dict[str, Any]]:
    rows = []
    for link in gift_links.sent_by(request.user):
        token = recover_token(link) if link.is_open(now) else None
        url = gift_links.gift_url(link.article, token) if token else ""
        rows.append({"link": link, "is_open": link.is_open(now), "url": url})
    return rows


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Show plan, renewal or end date, meter, gift links and the account's settings."""
    now = timezone.now()
    context = {
        "now": now,
        "held": billing_account.held_by(request.user, now),
        "grants": billing_account.grants_of(request.user, now),
        "has_portal": billing_account.has_portal(request.user),
        "meter": meter_for(request, now),
        "can_gift": gift_links.may_gift_anything(request.user, now),
        "gifts_remaining": gift_links.remaining(request.user, now),
        "gifts_limit": gift_links.monthly_limit(),
        "gifts": _gift_rows(request, now),
        "awaits_confirmation": confirmation_required()
        and not getattr(request.user, "has_confirmed_email", True),
    }
    return _private(render(request, "accounts/account.html", context))


@require_http_methods(["GET", "POST"])
@login_required
def email_change(request: HttpRequest) -> HttpResponse:
    """Ask for a new address and mail it a confirmation link."""
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        reader: Any = request.user
        # Whether another account holds the address is not said here (it would tell
        # who has an account); such a request simply mails nothing.
        if not email_in_use(new_email):
            token = signing.dumps(
                {"u": reader.pk, "old": reader.email, "new": new_email},
                salt=EMAIL_CHANGE_SALT,
            )
            url = request.build_absolute_uri(reverse("accounts:email_confirm", args=[token]))
            emails.send_email_change(reader, new_email, url)
        return _private(render(request, "accounts/email_change_sent.html", {"email": new_email}))
    return _private(render(request, "accounts/email_change.html", {"form": form}))


def _pending_change(token: str) -> tuple[Any, str] | None:
    """Return the account and new address a token confirms, or None when it does not."""
    found = account_for_token(
        token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE, email_field="old"
    )
    if found is None:
        return None
    user, data = found
    return user, str(data.get("new", ""))


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show the pending change (GET); apply it (POST). 404 for a stale or forged link."""
    pending = _pending_change(token)
    if pending is None:
        raise Http404("This confirmation link has expired or was already used.")
    user, new_email = pending
    if request.method == "POST":
        if email_in_use(new_email, except_pk=user.pk):
            messages.error(request, "That address is already in use by another account.")
            return redirect("newsroom:home")
        old_email = user.email
        user.email = new_email
        # The link reached the new address, which proves it as the confirmation mail would.
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email", "email_confirmed_at"])
        emails.send_email_changed_notice(old_email, new_email)
        messages.success(request, f"Your account now logs in with {new_email}.")
        return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")
    context = {"new_email": new_email}
    return _private(render(request, "accounts/email_confirm.html", context))


@require_http_methods(["GET", "POST"])
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account after the password is confirmed, ending paid plans first."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            with transaction.atomic():
                end_all_now(user, timezone.now())
                logout(request)
                user.delete()
        except ProviderError:
            messages.error(request, "We could not cancel your subscription. Please try again.")
            return redirect("accounts:account")
        messages.success(request, "Your account and its data were deleted.")
        return redirect("newsroom:home")
    return _private(render(request, "accounts/delete_account.html", {"form": form}))


@require_GET
@login_required
def download_data(request: HttpRequest) -> HttpResponse:
    """Return everything kept about the reader as a JSON attachment."""
    now = timezone.now()
    data = export_for(request.user, now, meter_for(request, now))
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="masthead-my-data.json"'
    return _private(response)
