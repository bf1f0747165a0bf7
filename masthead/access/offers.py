"""The walls: the HTML that replaces the gate when the check denies, with the reason."""

from __future__ import annotations

from django.template.loader import render_to_string

from masthead.access.policy import Offer, Policy, Reason, Window

REGISTER_URL = "/accounts/register/"
LOGIN_URL = "/accounts/login/"
SUBSCRIBE_URL = "/subscribe/"


def reason_text(reason: str, policy: Policy, allowance: int | None = None) -> str:
    """Return the reason for a denial in plain words."""
    period = "this month" if policy.window != Window.ROLLING_30_DAYS else "in the last 30 days"
    count = allowance if allowance is not None else policy.anonymous_allowance
    noun = "article" if count == 1 else "articles"
    words = {
        Reason.METER_EXHAUSTED: f"You have read your {count} free {noun} {period}.",
        Reason.NETWORK_EXHAUSTED: (
            "Readers on your network have used today's free articles. "
            "Log in or create a free account to keep reading."
        ),
        Reason.REGISTRATION_REQUIRED: "This article is free for readers with an account.",
        Reason.SUBSCRIPTION_REQUIRED: "This article is for subscribers.",
        Reason.METER_UNAVAILABLE: "We could not count your free articles just now.",
        Reason.CRAWLER_PREVIEW: "Subscribers can read the whole article.",
        Reason.GIFT_INVALID: (
            "This gift link has expired, was revoked or belongs to another article."
        ),
    }
    return words.get(reason, "We could not confirm your access just now. Please try again.")


def offer_html(offer: str, reason: str, policy: Policy, allowance: int | None = None) -> str:
    """Return the wall for ``offer`` (registration or subscription), naming the reason.

    Links carry ``data-masthead-next``: the page script adds ``?next=<this article>``.
    An unknown offer gets the subscription wall.
    """
    template = (
        "access/wall_registration.html"
        if offer == Offer.REGISTRATION
        else "access/wall_subscription.html"
    )
    context = {
        "reason": reason,
        "reason_text": reason_text(reason, policy, allowance),
        "register_url": REGISTER_URL,
        "login_url": LOGIN_URL,
        "subscribe_url": SUBSCRIBE_URL,
    }
    return render_to_string(template, context).strip()
