"""The access check as a process, between the HTTP edge (``views``) and the decision.

1. Load the article's facts (missing or not live: ``ArticleNotFound``).
2. Load the reader's entitlements, the gift grant and the crawler verdict.
3. Load the policy; when an experiment runs, the reader's arm replaces it with the arm's
   policy (a failure there leaves the plain policy: never an error, never a wider
   grant than the publisher's own policy). Ask the meter only when the decision needs it.
4. Decide; for a grant, render the gated part and sign its media placeholders (``media``)
   now, so the URLs' lifetime starts with this answer.
Anything that goes wrong in 2-4 denies with ``Reason.ERROR`` (fail closed): the reader
keeps the preview and sees the offer, never the full text.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest

from masthead.access import meters
from masthead.access.media import sign_placeholders
from masthead.access.policy import (
    ArticleFacts,
    Decision,
    MeterState,
    Policy,
    ReaderFacts,
    Reason,
    decide,
    is_ad_free,
    meter_applies,
    refuse_gift,
    wall_for,
)
from masthead.access.policy_loader import load_policy
from masthead.access.ports import ArmChoice, arm_source, content_source
from masthead.access.sources import (
    crawler_verdict,
    entitlements_for,
    has_confirmed_email,
    verify_gift,
)
from masthead.core.network import client_address, network_of

logger = logging.getLogger(__name__)


class ArticleNotFound(Exception):
    """The article does not exist or is not live."""


@dataclass(frozen=True)
class CheckOutcome:
    """What the check found, ready to be turned into JSON."""

    article: ArticleFacts
    reader: ReaderFacts
    decision: Decision
    policy: Policy
    meter: MeterState | None = None
    html: str | None = None
    arm: ArmChoice | None = None

    @property
    def is_ad_free(self) -> bool:
        """Return True when the reader's entitlements switch ads off."""
        return is_ad_free(self.reader)

    @property
    def meters_as_visitor(self) -> bool:
        """Return True when the reader's reads count under the visitor cookie."""
        return not self.policy.meters_as_registered(self.reader)

    @property
    def reader_kind(self) -> str:
        """Return ``anonymous``, ``registered`` or ``subscriber`` (for the event record)."""
        if not self.reader.is_authenticated:
            return "anonymous"
        return "registered" if self.reader.entitlements.is_empty else "subscriber"


def check_access(
    request: HttpRequest, article_id: int, gift: str | None, visitor: str, now: dt.datetime
) -> CheckOutcome:
    """Return the outcome of the access check for ``article_id``.

    Raise ``ArticleNotFound`` when the article is missing or not live. Database
    connection errors propagate (the site answers 503); every other failure denies.
    """
    user: Any = getattr(request, "user", None)
    is_authenticated = bool(user is not None and user.is_authenticated)
    facts = ArticleFacts(article_id, level="")  # stands in until the source answers
    reader = ReaderFacts(is_authenticated)
    try:
        found = content_source().article_facts(article_id, now)
        if found is None:
            raise ArticleNotFound(article_id)
        facts = found
        reader = ReaderFacts(
            is_authenticated, entitlements_for(user, now), has_confirmed_email(user)
        )
        return _decided(request, facts, reader, gift, visitor, now)
    except (ArticleNotFound, OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("access_check_failed article=%s", article_id)
        denied = Decision(False, Reason.ERROR, wall_for(is_authenticated))
        return CheckOutcome(facts, reader, denied, Policy())


def _decided(
    request: HttpRequest,
    facts: ArticleFacts,
    reader: ReaderFacts,
    gift_token: str | None,
    visitor: str,
    now: dt.datetime,
) -> CheckOutcome:
    gift = verify_gift(gift_token, facts.article_id, now)
    crawler = crawler_verdict(request)
    policy = load_policy()
    arm = _arm(request, reader, visitor, policy, now)
    if arm is not None:
        policy = arm.policy
    meter = None
    if meter_applies(facts, reader, gift, crawler, policy, now):
        meter = _count(request, facts, reader, visitor, policy, now)
    decision = refuse_gift(
        decide(facts, reader, meter, gift, crawler, policy, now), bool(gift_token), gift
    )
    html = None
    if decision.granted:
        html = content_source().gated_html(facts.article_id, ad_free=is_ad_free(reader))
        html = sign_placeholders(html, now)
    return CheckOutcome(facts, reader, decision, policy, meter, html, arm)


def _arm(
    request: HttpRequest, reader: ReaderFacts, visitor: str, policy: Policy, now: dt.datetime
) -> ArmChoice | None:
    """Return the reader's experiment arm, or None (no experiment, or it failed to load)."""
    try:
        source = arm_source()
        if source is None:
            return None
        user_id = getattr(request.user, "pk", None) if reader.is_authenticated else None
        return source(user_id, visitor, reader, policy, now)
    except Exception:
        logger.warning("experiment_arm_failed", exc_info=True)
        return None


def _count(
    request: HttpRequest,
    facts: ArticleFacts,
    reader: ReaderFacts,
    visitor: str,
    policy: Policy,
    now: dt.datetime,
) -> MeterState:
    as_account = policy.meters_as_registered(reader)
    user_id = getattr(request.user, "pk", None) if as_account else None
    network = None
    network_allowance = policy.network_allowance_for(reader)
    if network_allowance > 0:
        network = meters.network_key(network_of(client_address(request)), registered=as_account)
    count = meters.MeterRequest(
        reader=meters.reader_key(user_id, visitor),
        article_id=facts.article_id,
        allowance=policy.allowance_for(reader),
        since=meters.meter_window_start(now, policy),
        now=now,
        network=network,
        network_allowance=network_allowance,
    )
    return meters.count_read(meters.configured_store(), count)
