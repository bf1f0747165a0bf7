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

from masthead.access import SUBSCRIBER
from masthead.billing.entitlements import entitlements_for
from masthead.core import ratelimit
from masthead.core.errors import PRIVATE, error_response, json_endpoint, json_error
from masthead.newsroom.models import Article

from . import emails, links


def _private(payload: dict[str, object]) -> JsonResponse:
    response = JsonResponse(payload)
    response["Cache-Control"] = PRIVATE
    return response


BAD_ARTICLE = "Give the article as ?article=<id>, a whole number."
BAD_EMAIL = "Enter a valid e-mail address, like name@example.com."


def _article_id(raw: str | None) -> int | None:
    """Return ``raw`` as an article id, or None when missing or not a plausible number."""
    # isascii: "²".isdigit() is True, but int("²") raises.
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    return int(raw)


def _article(article_id: int) -> Article | None:
    return (
        Article.objects.live(timezone.now()).select_related("section").filter(pk=article_id).first()
    )


def _may_gift(request: HttpRequest, article: Article) -> bool:
    if not request.user.is_authenticated:
        return False
    section = article.section.slug if article.section else ""
    return entitlements_for(request.user, timezone.now()).opens(SUBSCRIBER, section)


@json_endpoint("GET")
def status(request: HttpRequest) -> JsonResponse:
    """Answer whether the reader may gift ``?article=<id>``, and how many gifts are left.

    400 when ``article`` is missing or not a number, 404 when no live article has that id.
    """
    article_id = _article_id(request.GET.get("article"))
    if article_id is None:
        return json_error(400, BAD_ARTICLE)
    article = _article(article_id)
    if article is None:
        return json_error(404, "Unknown article.")
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


@json_endpoint("POST")
def create(request: HttpRequest) -> JsonResponse:
    """Make (or return this month's) gift link of ``article``: JSON ``{url, remaining}``.

    With ``email`` the link is also mailed to that address (``emailed`` says whether,
    ``email_error`` why not).

    400 for a missing or malformed article id or e-mail address (no gift is made), 403 for
    readers who may not gift the article, 404 for an unknown article, 429 when the
    month's allowance is spent.
    """
    article_id = _article_id(request.POST.get("article"))
    if article_id is None:
        return json_error(400, BAD_ARTICLE)
    recipient = request.POST.get("email", "").strip()
    if recipient and not _is_address(recipient):
        return json_error(400, BAD_EMAIL, extra={"field": "email"})
    article = _article(article_id)
    if article is None:
        return json_error(404, "Unknown article.")
    if not _may_gift(request, article):
        return json_error(403, "Only subscribers can gift this article.")
    now = timezone.now()
    try:
        gift = links.give(request.user, article, now)
    except links.GiftLimitReached:
        message = f"You have gifted {links.monthly_limit()} articles this month."
        return json_error(429, message, extra={"remaining": 0})
    url = request.build_absolute_uri(links.gift_url(article, gift.token))
    answer: dict[str, object] = {
        "url": url,
        "remaining": links.remaining(request.user, now),
        "is_new": gift.is_new,
    }
    if recipient:
        refusal = _mail_gift(request, recipient, article, url, now)
        answer["emailed"] = refusal is None
        if refusal:
            answer["email_error"] = refusal
    return _private(answer)


def _is_address(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _mail_gift(
    request: HttpRequest, recipient: str, article: Article, url: str, now: dt.datetime
) -> str | None:
    """Mail the link to ``recipient`` for the sender; return why not, or None when sent.

    Mails per sender are limited (``GIFTS_MAILS_PER_DAY``) so re-gifting, which is free,
    cannot be used to send mail in bulk.
    """
    limit = ratelimit.Limit("gifts.mail", int(settings.GIFTS_MAILS_PER_DAY), 86400)
    sender = str(request.user.pk)
    if ratelimit.is_blocked(limit, sender, now):
        return "You have sent as many gift e-mails as allowed today. Copy the link instead."
    ratelimit.count(limit, sender, now)
    if not emails.send_gift_received(recipient, request.user, article.headline, url):
        return "The e-mail could not be sent. Copy the link instead."
    return None


def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the reader's gift links (POST) and return to the account page.

    Any other method gets a 405 that says so (JSON when asked for JSON), with ``Allow``.
    """
    if request.method != "POST":
        message = "Revoke a gift link with the Revoke button on your account page (POST)."
        return error_response(request, 405, message, headers={"Allow": "POST"})
    return _revoke(request, pk)


@login_required
def _revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if links.revoke(request.user, pk, timezone.now()):
        messages.success(request, "The gift link was revoked; it no longer opens the article.")
    else:
        messages.error(request, "That gift link was not found.")
    return redirect("accounts:account")
