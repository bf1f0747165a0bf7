"""Crediting what readers do to their arm: checks, walls and late conversions.

The app subscribes to ``masthead.core.events`` (``AppConfig.ready``). Access checks and
walls name their experiment and arm in ``extra`` (access puts them there) and go to the
exposure's counters. Registrations, checkouts and subscriptions come from other apps,
sometimes days later and from a payment provider's webhook: ``enrich`` looks the account
up among the exposures, names the experiment and arm on the event (so the analytics row
carries them too), and ``credit`` stores an ``Outcome`` for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from masthead.core.events import Event, EventKind
from masthead.experiments import assignment
from masthead.experiments.models import Exposure, Outcome

logger = logging.getLogger(__name__)

OUTCOME_KINDS = frozenset(
    {EventKind.REGISTRATION, EventKind.CHECKOUT_STARTED, EventKind.SUBSCRIPTION_STARTED}
)
#: How long after an experiment ends its readers' conversions are still credited to it.
ATTRIBUTION_AFTER_END = dt.timedelta(days=30)


def _exposures_of(user_id: int, at: dt.datetime) -> list[Exposure]:
    return list(
        Exposure.objects.filter(
            user_id=user_id,
            experiment__starts_at__lte=at,
            experiment__ends_at__gt=at - ATTRIBUTION_AFTER_END,
        )
        .select_related("arm", "experiment")
        .order_by("-experiment__starts_at")
    )


def enrich(event: Event) -> Mapping[str, Any] | None:
    """Return ``{"experiment": id, "arm": name}`` for an event by a reader in an experiment."""
    if "arm" in event.extra or event.kind == EventKind.ACCESS_CHECK:
        return None
    at = event.at or timezone.now()
    if event.user_id is not None and event.kind in OUTCOME_KINDS:
        found = _exposures_of(event.user_id, at)
        if found:
            return {"experiment": found[0].experiment_id, "arm": found[0].arm.name}
        return None
    if event.kind == EventKind.WALL_SHOWN:
        return None  # access names the arm itself when there is one
    met = assignment.exposure_for(event.user_id, event.visitor, at)
    if met is None:
        return None
    running, _, arm_id = met
    return {"experiment": running.experiment_id, "arm": running.arm_named(arm_id).name}


def credit(event: Event) -> None:
    """Count checks and walls on the exposure; store conversions as outcomes."""
    at = event.at or timezone.now()
    if event.kind in (EventKind.ACCESS_CHECK, EventKind.WALL_SHOWN):
        if "experiment" not in event.extra:
            return
        met = assignment.exposure_for(event.user_id, event.visitor, at)
        if met is None or met[0].experiment_id != event.extra["experiment"]:
            return
        is_check = event.kind == EventKind.ACCESS_CHECK
        assignment.count(
            met,
            event.user_id,
            checks=int(is_check),
            reads=int(is_check and bool(event.granted)),
            walls=int(not is_check),
            section=event.section if is_check else "",
            at=at,
        )
        return
    if event.kind not in OUTCOME_KINDS or event.user_id is None:
        return
    plan = str(event.extra.get("plan") or "")
    revenue, currency = _price(plan) if event.kind == EventKind.SUBSCRIPTION_STARTED else (None, "")
    for exposure in _exposures_of(event.user_id, at):
        Outcome.objects.create(
            exposure=exposure,
            kind=event.kind.value,
            at=at,
            plan=plan[:100],
            revenue_minor=revenue,
            currency=currency,
        )


def _price(plan_slug: str) -> tuple[int | None, str]:
    """Return the plan's first payment (minor units) and currency, when the plan is known."""
    from masthead.billing.models import Plan

    plan = Plan.objects.filter(slug=plan_slug).first() if plan_slug else None
    if plan is None:
        return None, ""
    return int(plan.price_minor), str(plan.currency)[:3]


def link_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Give the account that just logged in (or registered) its visitor's arm."""
    from masthead.access import visitor_of

    try:
        if request is not None:
            assignment.link_account(user.pk, visitor_of(request), timezone.now())
    except Exception:
        logger.warning("experiment_link_failed user=%s", user.pk, exc_info=True)
