"""Gift endpoints: make a link (POST), ask whether the reader may gift (GET), revoke.

All answers are private to the reader (``private, no-store``). Only subscribers whose
entitlements open the article may gift it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from masthead.access import SUBSCRIBER
from masthead.accounts import emails, ratelimit
from masthead.billing.entitlements import entitlements_for
from masthead.newsroom.models import Article

from . import links


def _private(payload: dict[str, object], status: int = 200) -> JsonResponse:
    response = JsonResponse(payload, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _article(raw: str | None) -> Article | None:
    if raw is None or not raw.isdigit() or len(raw) > 12:
        return None
    return Article.objects.live(timezone.now()).select_related("section").filter(pk=raw).first()


def _may_gift(request: HttpRequest, article: Article) -> bool:
    if not request.user.is_authenticated:
        return False
    section = article.section.slug if article.section else ""
    return entitlements_for(request.user, timezone.now()).opens(SUBSCRIBER, section)


@require_GET
def status(request: HttpRequest) -> JsonResponse:
    """Answer whether the reader may gift ``?article=<id>``, and how many gifts are left."""
    article = _article(request.GET.get("article"))
    if article is None:
        return _private({"error": "Unknown article."}, status=404)
    if not _may_gift(request, article):
        return _private({"can_gift": False})
    now = timezone.now()
    return _private(
        {
            "can_gift": True,
            "remaining": links.remaining(request.user, now),
            "limit": links.monthly_limit(),
            "csrf_token": get_token(request),
        }
    )


@require_POST
def create(request: HttpRequest) -> JsonResponse:
    """Make (or return this month's) gift link of ``article``: JSON ``{url, remaining}``.

    With ``email`` the link is also mailed to that address (``emailed`` says whether).

    403 for readers who may not gift the article, 404 for an unknown article, 429 when
    the month's allowance is spent.
    """
    article = _article(request.POST.get("article"))
    if article is None:
        return _private({"error": "Unknown article."}, status=404)
    if not _may_gift(request, article):
        return _private({"error": "Only subscribers can gift this article."}, status=403)
    now = timezone.now()
    try:
        gift = links.give(request.user, article, now)
    except links.GiftLimitReached:
        message = f"You have gifted {links.monthly_limit()} articles this month."
        return _private({"error": message, "remaining": 0}, status=429)
    url = request.build_absolute_uri(links.gift_url(article, gift.token))
    answer: dict[str, object] = {
        "url": url,
        "remaining": links.remaining(request.user, now),
        "is_new": gift.is_new,
    }
    recipient = request.POST.get("email", "").strip()
    if recipient:
        answer["emailed"] = _mail_gift(request, recipient, article, url, now)
    return _private(answer)


def _mail_gift(
    request: HttpRequest, recipient: str, article: Article, url: str, now: dt.datetime
) -> bool:
    """Mail the link to ``recipient`` for the sender; False when refused or not sent.

    Mails per sender are limited (``GIFTS_MAILS_PER_DAY``) so re-gifting, which is free,
    cannot be used to send mail in bulk.
    """
    try:
        validate_email(recipient)
    except ValidationError:
        return False
    limit = ratelimit.Limit("gifts.mail", int(settings.GIFTS_MAILS_PER_DAY), 86400)
    sender = str(request.user.pk)
    if ratelimit.is_blocked(limit, sender, now):
        return False
    ratelimit.count(limit, sender, now)
    return emails.send_gift_received(recipient, request.user, article.headline, url)


@require_POST
@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the reader's gift links and return to the account page."""
    if links.revoke(request.user, pk, timezone.now()):
        messages.success(request, "The gift link was revoked; it no longer opens the article.")
    else:
        messages.error(request, "That gift link was not found.")
    return redirect("accounts:account")
