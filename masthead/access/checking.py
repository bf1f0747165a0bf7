"""The access check as a process, between the HTTP edge (``views``) and the decision.

1. Load the article's facts (missing or not live: ``ArticleNotFound``).
2. Load the reader's entitlements, the gift grant and the crawler verdict. A reader known
   from a valid reader pass (``KnownReader``, see ``reader_pass``) brings their facts:
   ``request.user`` is never evaluated, so neither the session nor the user is read.
   Otherwise the database is read, and a logged-in reader gets a new pass
   (``CheckOutcome.new_pass``) when passes are on.
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
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from django.utils.functional import LazyObject, empty

from masthead.access import generations, meters
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
from masthead.access.reader_pass import ReaderPass, lifetime
from masthead.access.sources import (
    crawler_verdict,
    entitlement_terms_for,
    entitlements_for,
    has_confirmed_email,
    verify_gift,
)
from masthead.core.network import client_address, network_of

logger = logging.getLogger(__name__)


class ArticleNotFound(Exception):
    """The article does not exist or is not live."""


@dataclass(frozen=True)
class KnownReader:
    """A logged-in reader known from a valid, current reader pass."""

    user_id: int
    facts: ReaderFacts


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
    user_id: int | None = None
    new_pass: ReaderPass | None = None

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
    request: HttpRequest,
    article_id: int,
    gift: str | None,
    visitor: str,
    now: dt.datetime,
    known: KnownReader | None = None,
) -> CheckOutcome:
    """Return the outcome of the access check for ``article_id``.

    With ``known`` (from a valid pass) the reader's facts come from it and the request's
    user is left alone. Raise ``ArticleNotFound`` when the article is missing or not
    live. Database connection errors propagate (the site answers 503); every other
    failure denies.
    """
    user: Any = None
    user_id: int | None = None
    generation = None
    if known is not None:
        is_authenticated, user_id = True, known.user_id
    else:
        generation = _generation_before_load(request)
        user = getattr(request, "user", None)
        is_authenticated = bool(user is not None and user.is_authenticated)
        user_id = getattr(user, "pk", None) if is_authenticated else None
    facts = ArticleFacts(article_id, level="")  # stands in until the source answers
    reader = ReaderFacts(is_authenticated)
    try:
        found = content_source().article_facts(article_id, now)
        if found is None:
            raise ArticleNotFound(article_id)
        facts = found
        new_pass = None
        if known is not None:
            reader = known.facts
        else:
            reader, new_pass = _loaded_reader(request, user, is_authenticated, generation, now)
        outcome = _decided(request, facts, reader, user_id, gift, visitor, now)
        return replace(outcome, new_pass=new_pass)
    except (ArticleNotFound, OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("access_check_failed article=%s", article_id)
        denied = Decision(False, Reason.ERROR, wall_for(is_authenticated))
        return CheckOutcome(facts, reader, denied, Policy(), user_id=user_id)


def _session_user_id(request: HttpRequest) -> int | None:
    """Return the account id the session names (reads the session, not the user)."""
    session: Any = getattr(request, "session", None)
    raw = session.get(SESSION_KEY) if session is not None else None
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _generation_before_load(request: HttpRequest) -> str | None:
    """Return the generation for a new pass, read before the user is; None: issue none.

    Only the session is read so far (it names the account). The user, the entitlements
    and the confirmed address are loaded after this, so a change committed meanwhile has
    bumped the generation and the pass issued with it is stale from birth.
    """
    if not generations.passes_enabled():
        return None
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return None
    lazy_user = getattr(request, "user", None)
    # Only a user that is still unloaded (AuthenticationMiddleware's lazy object) will be
    # read after the generation; one loaded before it could be older than the generation.
    if not isinstance(lazy_user, LazyObject) or vars(lazy_user).get("_wrapped") is not empty:
        return None
    account = _session_user_id(request)
    return generations.generation_for_issue(account) if account is not None else None


def _loaded_reader(
    request: HttpRequest,
    user: Any,
    is_authenticated: bool,
    generation: str | None,
    now: dt.datetime,
) -> tuple[ReaderFacts, ReaderPass | None]:
    """Return the reader's facts from the database, and a new pass when one may be issued.

    A pass needs the generation read before the load (``_generation_before_load``), the
    same account as the session's, and the session still stored after that read (a
    logout that raced this check deleted it).
    """
    if not is_authenticated:
        return ReaderFacts(False), None
    session: Any = getattr(request, "session", None)
    if generation is not None and (
        user.pk != _session_user_id(request) or not session.exists(session.session_key)
    ):
        generation = None
    terms = entitlement_terms_for(user, now) if generation is not None else None
    confirmed = has_confirmed_email(user)
    if generation is None or terms is None or not terms.covers(now):
        return ReaderFacts(True, entitlements_for(user, now), confirmed), None
    expires_at = min(now + lifetime(), session.get_expiry_date())
    reader_pass = ReaderPass(user.pk, generation, expires_at, terms, confirmed)
    return ReaderFacts(True, terms.at(now), confirmed), reader_pass


def _decided(
    request: HttpRequest,
    facts: ArticleFacts,
    reader: ReaderFacts,
    user_id: int | None,
    gift_token: str | None,
    visitor: str,
    now: dt.datetime,
) -> CheckOutcome:
    gift = verify_gift(gift_token, facts.article_id, now)
    crawler = crawler_verdict(request)
    policy = load_policy()
    arm = arm_for(user_id, reader, visitor, policy, now)
    if arm is not None:
        policy = arm.policy
    meter = None
    if meter_applies(facts, reader, gift, crawler, policy, now):
        meter = _count(request, facts, reader, user_id, visitor, policy, now)
    decision = refuse_gift(
        decide(facts, reader, meter, gift, crawler, policy, now), bool(gift_token), gift
    )
    html = None
    if decision.granted:
        html = content_source().gated_html(facts.article_id, ad_free=is_ad_free(reader))
        html = sign_placeholders(html, now)
    return CheckOutcome(facts, reader, decision, policy, meter, html, arm, user_id)


def arm_for(
    user_id: int | None, reader: ReaderFacts, visitor: str, policy: Policy, now: dt.datetime
) -> ArmChoice | None:
    """Return the reader's experiment arm, or None (no experiment, or it failed to load)."""
    try:
        source = arm_source()
        if source is None:
            return None
        return source(user_id if reader.is_authenticated else None, visitor, reader, policy, now)
    except Exception:
        logger.warning("experiment_arm_failed", exc_info=True)
        return None


def _count(
    request: HttpRequest,
    facts: ArticleFacts,
    reader: ReaderFacts,
    user_id: int | None,
    visitor: str,
    policy: Policy,
    now: dt.datetime,
) -> MeterState:
    count = meter_request(request, facts, reader, user_id, visitor, policy, now)
    return meters.count_read(meters.configured_store(), count)


def meter_request(
    request: HttpRequest,
    facts: ArticleFacts,
    reader: ReaderFacts,
    user_id: int | None,
    visitor: str,
    policy: Policy,
    now: dt.datetime,
) -> meters.MeterRequest:
    """Return what the meter is asked to count for this check (also the hot path's)."""
    as_account = policy.meters_as_registered(reader)
    network = None
    network_allowance = policy.network_allowance_for(reader)
    if network_allowance > 0:
        network = meters.network_key(network_of(client_address(request)), registered=as_account)
    return meters.MeterRequest(
        reader=meters.reader_key(user_id if as_account else None, visitor),
        article_id=facts.article_id,
        allowance=policy.allowance_for(reader),
        since=meters.meter_window_start(now, policy),
        now=now,
        network=network,
        network_allowance=network_allowance,
    )
