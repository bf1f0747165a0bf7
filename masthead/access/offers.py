"""The walls: the HTML that replaces the gate when the check denies, with the reason.

The wall is part of the check's private answer, so it may speak to the reader: a
logged-in reader is not asked to log in, and a reader whose plan leaves this article's
section out is told so instead of being asked to subscribe as if they had nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from django.template.loader import render_to_string

from masthead.access.policy import (
    ANONYMOUS,
    ArticleFacts,
    Offer,
    Policy,
    ReaderFacts,
    Reason,
    Window,
    plan_excludes_section,
)
from masthead.access.sources import section_name

REGISTER_URL = "/accounts/register/"
LOGIN_URL = "/accounts/login/"
SUBSCRIBE_URL = "/subscribe/"
# How long a rendered wall is reused. It depends only on what its key holds, except the
# section's display name (newsroom data): an edited name shows within this time.
MEMO_SECONDS = 60.0
MEMO_LIMIT = 4096


class _Memo:
    """Rendered walls by everything they depend on, dropped as a whole every minute.

    Lock-free reads: the dict is replaced, never cleared in place, so a reader holding the
    old one finishes with it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Hashable, str] = {}
        self._until = 0.0

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        entries = self._entries
        if time.monotonic() < self._until:
            found = entries.get(key)
            if found is not None:
                return found
        html = render()
        with self._lock:
            clock = time.monotonic()
            if clock >= self._until or len(self._entries) >= MEMO_LIMIT:
                self._entries, self._until = {}, clock + MEMO_SECONDS
            self._entries[key] = html
        return html

    def clear(self) -> None:
        with self._lock:
            self._entries, self._until = {}, 0.0


_memo = _Memo()


def forget_rendered_walls() -> None:
    """Drop every memoised wall (tests, and a process that saw content change)."""
    _memo.clear()


def reason_text(reason: str, policy: Policy, allowance: int | None = None) -> str:
    """Return the reason for a denial in plain words (a generic sentence when unknown).

    ``plan_excludes_section`` needs the section's name, so ``plan_text`` words it.
    """
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
        Reason.PLAN_EXCLUDES_SECTION: "Your plan does not include this section.",
        Reason.METER_UNAVAILABLE: "We could not count your free articles just now.",
        Reason.CONFIRMATION_REQUIRED: (
            f"You have read the free {noun} for visitors {period}. Confirm your e-mail "
            f"address with the link we sent you to read up to {policy.registered_allowance} "
            f"free articles {period}."
        ),
        Reason.CRAWLER_PREVIEW: "Subscribers can read the whole article.",
        Reason.GIFT_INVALID: (
            "This gift link has expired, was revoked or belongs to another article."
        ),
    }
    return words.get(reason, "We could not confirm your access just now. Please try again.")


def plan_text(article: ArticleFacts) -> str:
    """Return "Your plan does not include <Section>." for ``article``'s section."""
    if not article.section:
        return "Your plan does not include this article."
    return f"Your plan does not include {section_name(article.section)}."


def offer_html(
    offer: str,
    reason: str,
    policy: Policy,
    allowance: int | None = None,
    *,
    reader: ReaderFacts = ANONYMOUS,
    article: ArticleFacts | None = None,
) -> str:
    """Return the wall for ``offer`` (registration or subscription), naming the reason.

    Links carry ``data-masthead-next``: the page script adds ``?next=<this article>``.
    An unknown offer gets the subscription wall. A logged-in ``reader`` gets no "Log in"
    line; a reader whose plan leaves ``article``'s section out is told which section
    (whatever the reason: a spent meter on a metered article too). Without ``article``
    the wall does not mention a plan.
    """
    has_plan = article is not None and plan_excludes_section(article, reader, policy)
    section = article.section if article is not None and has_plan else None
    # Everything the wall depends on; the policy is a frozen (hashable) dataclass, so an
    # arm's policy or a changed row is a different key.
    key = (offer, reason, policy, allowance, reader.is_authenticated, has_plan, section)
    return _memo.get(
        key,
        lambda: _render(
            offer, reason, policy, allowance, reader.is_authenticated, article if has_plan else None
        ),
    )


def _render(
    offer: str,
    reason: str,
    policy: Policy,
    allowance: int | None,
    is_logged_in: bool,
    article: ArticleFacts | None,
) -> str:
    """Render the wall; ``article`` is given only when the reader's plan leaves its section out."""
    template = (
        "access/wall_registration.html"
        if offer == Offer.REGISTRATION
        else "access/wall_subscription.html"
    )
    words = reason_text(reason, policy, allowance)
    plan_note = ""
    has_plan = article is not None
    if article is not None:
        if reason == Reason.PLAN_EXCLUDES_SECTION:
            words = plan_text(article)
        else:
            plan_note = plan_text(article)
    context = {
        "reason": reason,
        "reason_text": words,
        "plan_note": plan_note,
        "has_plan": has_plan,
        "is_logged_in": is_logged_in,
        "register_url": REGISTER_URL,
        "login_url": LOGIN_URL,
        "subscribe_url": SUBSCRIBE_URL,
    }
    return render_to_string(template, context).strip()
