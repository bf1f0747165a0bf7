"""Changes to a reader's subscriptions, whichever provider reported or asked for them.

Every change goes through ``save_state`` so that analytics hear about starts, cancellations
and lapses in one place, and so that a reader left with only a duplicate subscription has
it promoted to their plan.

Plan changes (``quote_change``, ``change_plan``, ``keep_plan``): a dearer plan on the same
interval, or a longer interval, applies at once and charges the unused share of the period
times the price difference; anything else waits for the end of the period. See
docs/billing.md for the rules and their reasons.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from masthead.core.events import EventKind, record

from . import emails
from .exceptions import BillingError, ProviderError
from .models import Plan, Subscription
from .money import format_money
from .providers import get_provider

logger = logging.getLogger(__name__)

_ENTITLING = (Subscription.Status.TRIALING, Subscription.Status.ACTIVE)


def grace_end(since: dt.datetime) -> dt.datetime:
    """Return when a payment overdue since ``since`` stops opening articles."""
    return since + dt.timedelta(days=settings.BILLING_GRACE_DAYS)


def _transition_kind(
    subscription: Subscription, status: str, was_canceling: bool
) -> EventKind | None:
    """Return the event for going from ``status``/``was_canceling`` to now, or None."""
    now_status = subscription.status
    if now_status in _ENTITLING and status not in (*_ENTITLING, Subscription.Status.PAST_DUE):
        return EventKind.SUBSCRIPTION_STARTED
    if now_status in _ENTITLING and subscription.cancel_at_period_end and not was_canceling:
        return EventKind.SUBSCRIPTION_CANCELED
    if now_status == Subscription.Status.CANCELED and status != now_status and not was_canceling:
        return EventKind.SUBSCRIPTION_CANCELED
    if now_status == Subscription.Status.EXPIRED and status != now_status:
        return EventKind.SUBSCRIPTION_LAPSED
    return None


def _record_transition(subscription: Subscription, status: str, was_canceling: bool) -> None:
    kind = _transition_kind(subscription, status, was_canceling)
    if kind is not None:
        record(kind, user_id=subscription.user_id, extra={"plan": subscription.plan.slug})


def save_state(subscription: Subscription, *, previous: tuple[str, bool] = ("", False)) -> None:
    """Save ``subscription`` and record the transition from ``previous`` (status, canceling).

    ``previous`` is ``("", False)`` for a subscription that did not exist before. When
    the subscription stops being live and the reader still holds a live duplicate, the
    oldest duplicate becomes the reader's subscription.
    """
    subscription.save()
    if not subscription.is_live and not subscription.is_duplicate:
        promote_duplicate(subscription.user_id)
    status, was_canceling = previous
    transaction.on_commit(lambda: _record_transition(subscription, status, was_canceling))


def promote_duplicate(user_id: int) -> None:
    """Unflag the reader's oldest live duplicate when no other live subscription is theirs."""
    live = Subscription.objects.live().filter(user_id=user_id)
    if live.filter(is_duplicate=False).exists():
        return
    oldest = live.filter(is_duplicate=True).order_by("created_at", "pk").first()
    if oldest is not None:
        Subscription.objects.filter(pk=oldest.pk).update(is_duplicate=False)


def trial_allowed(user: Any, customer_id: str = "") -> bool:
    """Return True when neither ``user`` nor the payment customer ever had a trial.

    One trial per account and per payment customer: a reader who had a trial, then a new
    account paying with the same Stripe customer, gets none.
    """
    had = Q(user=user)
    if customer_id:
        had |= Q(provider_customer_id=customer_id)
    given = Q(trial_ends_at__isnull=False) | Q(status=Subscription.Status.TRIALING)
    return not Subscription.objects.filter(had).filter(given).exists()


def current_subscription(user: Any, now: dt.datetime) -> Subscription | None:
    """Return the reader's subscription that opens something now: theirs before duplicates."""
    if not getattr(user, "is_authenticated", False):
        return None
    live = (
        Subscription.objects.live()
        .filter(user=user)
        .select_related("plan", "pending_plan")
        .order_by("is_duplicate", "-created_at")
    )
    return next((item for item in live if item.is_entitling(now)), None)


def end_lapsed(user: Any, now: dt.datetime) -> None:
    """Close the reader's test-payment subscriptions that stopped opening anything.

    Test payments have no webhook to say a canceled subscription ended, so it stays
    "active" with its end date past; closing it lets the reader subscribe again. Stripe's
    own subscriptions are left for Stripe's events.
    """
    live = Subscription.objects.live().filter(user=user).exclude(provider="stripe")
    with transaction.atomic():
        for subscription in live.select_for_update():
            if subscription.is_entitling(now):
                continue
            previous = (subscription.status, subscription.cancel_at_period_end)
            lapsed = subscription.status == Subscription.Status.PAST_DUE
            subscription.status = (
                Subscription.Status.EXPIRED if lapsed else Subscription.Status.CANCELED
            )
            subscription.ended_at = subscription.current_period_end or now
            save_state(subscription, previous=previous)


def start_test_subscription(
    user: Any,
    plan: Plan,
    now: dt.datetime,
    reference: str | None = None,
    *,
    trial_days: int | None = None,
) -> Subscription:
    """Return a new subscription paid with test payments and mail its receipt.

    ``trial_days`` (default: the plan's, when the reader never had a trial) starts it as
    trialing. ``reference`` (the checkout's id) is unique: completing one checkout twice
    raises ``IntegrityError``, and so does a second live subscription of the same reader
    (the database allows one).
    """
    end_lapsed(user, now)
    if trial_days is None:
        trial_days = plan.trial_days if trial_allowed(user) else 0
    trial = trial_days > 0
    end = now + dt.timedelta(days=trial_days) if trial else plan.period(now)
    subscription = Subscription(
        user=user,
        plan=plan,
        provider=Subscription.Provider.TEST,
        provider_subscription_id=reference,
        status=Subscription.Status.TRIALING if trial else Subscription.Status.ACTIVE,
        current_period_start=now,
        current_period_end=end,
        trial_ends_at=end if trial else None,
        provider_state_at=now,
    )
    save_state(subscription)
    # Stripe mails a receipt for every invoice, the trial's $0.00 one included; so do we.
    charged = 0 if trial else plan.price_minor
    _test_receipt(subscription, plan, charged, now)
    return subscription


def _test_receipt(subscription: Subscription, plan: Plan, amount: int, now: dt.datetime) -> None:
    user = subscription.user
    number = f"TEST-{subscription.pk}-{int(now.timestamp())}"
    transaction.on_commit(
        lambda: emails.send_test_receipt(
            user,
            number=number,
            amount_minor=amount,
            currency=plan.currency,
            plan_name=plan.name,
            at=now,
        )
    )


def _provider_of(subscription: Subscription) -> Any:
    if subscription.provider_subscription_id and subscription.provider != "manual":
        return get_provider(subscription.provider)
    return None


def set_cancel_at_period_end(subscription: Subscription, cancel: bool) -> None:
    """Cancel at period end (``cancel``) or resume, at the provider and here.

    Canceling calls off a scheduled plan change first (at Stripe, a subscription on a
    schedule cannot be set to cancel). Raises ``ProviderError`` when the provider
    refuses; nothing changes here then.
    """
    if cancel and subscription.pending_plan_id is not None:
        _drop_pending(subscription)
    provider = _provider_of(subscription)
    if provider is not None:
        provider.set_cancel_at_period_end(subscription.provider_subscription_id, cancel)
    previous = (subscription.status, subscription.cancel_at_period_end)
    subscription.cancel_at_period_end = cancel
    save_state(subscription, previous=previous)


def end_all_now(user: Any, now: dt.datetime) -> None:
    """End every open subscription of ``user`` at once, at the provider too.

    Raises ``ProviderError`` when a provider refuses; subscriptions ended before that
    stay ended.
    """
    open_ones = Subscription.objects.filter(user=user).exclude(
        status__in=(Subscription.Status.CANCELED, Subscription.Status.EXPIRED)
    )
    for subscription in open_ones:
        if subscription.provider_subscription_id and subscription.provider != "manual":
            get_provider(subscription.provider).cancel_now(subscription.provider_subscription_id)
        previous = (subscription.status, subscription.cancel_at_period_end)
        subscription.status = Subscription.Status.CANCELED
        subscription.ended_at = now
        save_state(subscription, previous=previous)


class Timing(StrEnum):
    """When a plan change takes effect."""

    NOW = "now"
    PERIOD_END = "period_end"


class PlanChangeRefused(BillingError):
    """The reader cannot make this plan change; the message says why, in their words."""


@dataclass(frozen=True)
class PlanChange:
    """A plan change worked out before it is made: what, when, and what it costs today.

    ``amount_minor`` is what is charged now (None: the provider could not say);
    ``new_period`` is True when a new billing period starts today (a trial ends or the
    interval changes).
    """

    subscription: Subscription
    old_plan: Plan
    plan: Plan
    timing: Timing
    effective_at: dt.datetime | None
    amount_minor: int | None
    new_period: bool
    ends_trial: bool

    @property
    def amount_display(self) -> str:
        """Return today's charge as people read it, "" when unknown."""
        if self.amount_minor is None:
            return ""
        return format_money(self.amount_minor, self.plan.currency)

    @property
    def is_now(self) -> bool:
        """Return True when the change applies at once."""
        return self.timing == Timing.NOW


def timing_of(current: Plan, new: Plan) -> Timing:
    """Return when moving from ``current`` to ``new`` applies.

    Same interval: a dearer plan at once (the reader pays the difference for the days
    left), a cheaper or equal one at the end of the period (they paid for it). Another
    interval: a longer one at once (a new period starts, the unused days are credited),
    a shorter one at the end of the period.
    """
    if new.interval != current.interval:
        return Timing.NOW if new.period_days > current.period_days else Timing.PERIOD_END
    return Timing.NOW if new.price_minor > current.price_minor else Timing.PERIOD_END


def _round_half_up(value: Fraction) -> int:
    if value < 0:
        return -_round_half_up(-value)
    return int((value * 2 + 1) // 2)


def unused_share(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> Fraction:
    """Return the share of the period ``start``..``end`` still ahead at ``now`` (0 to 1)."""
    whole = (end - start) // dt.timedelta(microseconds=1)
    if whole <= 0:
        return Fraction(0)
    left = (end - now) // dt.timedelta(microseconds=1)
    return Fraction(min(max(left, 0), whole), whole)


def prorated_amount(
    old_price: int, new_price: int, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> int:
    """Return the unused share of the period times the price difference, in minor units.

    Rounded half up to the minor unit, as the offline provider charges it. For example
    $6.00 to $15.00 with 20 of 30 days left: 20/30 times 900 = 600, "$6.00".
    """
    return _round_half_up(unused_share(start, end, now) * (new_price - old_price))


def _period_of(subscription: Subscription, plan: Plan) -> tuple[dt.datetime, dt.datetime]:
    """Return the subscription's current period; a missing start is one interval back."""
    end = subscription.current_period_end
    if end is None:
        raise PlanChangeRefused("This subscription has no billing period to change.")
    start = subscription.current_period_start or end - dt.timedelta(days=plan.period_days)
    return start, end


def settle(subscription: Subscription, now: dt.datetime) -> None:
    """Make a test-payment subscription's record catch up with ``now``.

    Test payments have no provider to renew them: a period that has ended rolls on, and
    a pending plan whose day has come becomes the plan. Stripe's records catch up
    through Stripe's events.
    """
    if subscription.provider == Subscription.Provider.STRIPE:
        return
    changed = False
    if subscription.pending_plan is not None and subscription.pending_plan_from is not None:
        if now >= subscription.pending_plan_from:
            subscription.plan = subscription.pending_plan
            subscription.current_period_start = subscription.pending_plan_from
            subscription.current_period_end = subscription.plan.period(
                subscription.pending_plan_from
            )
            _clear_pending(subscription)
            changed = True
    end = subscription.current_period_end
    renews = subscription.status == Subscription.Status.ACTIVE
    while renews and not subscription.cancel_at_period_end and end is not None and end <= now:
        subscription.current_period_start = end
        end = subscription.plan.period(end)
        subscription.current_period_end = end
        changed = True
    if subscription.status == Subscription.Status.TRIALING and end is not None and end <= now:
        subscription.status = Subscription.Status.ACTIVE
        subscription.current_period_start = end
        subscription.current_period_end = subscription.plan.period(end)
        changed = True
    if changed:
        subscription.save()


def _clear_pending(subscription: Subscription) -> None:
    subscription.pending_plan = None
    subscription.pending_plan_from = None
    subscription.pending_schedule_id = ""


def _drop_pending(subscription: Subscription) -> None:
    """Call off the scheduled change at the provider and here (a schedule already gone is fine)."""
    provider = _provider_of(subscription)
    if provider is not None and subscription.pending_schedule_id:
        try:
            provider.release_schedule(subscription.pending_schedule_id)
        except ProviderError as exc:
            if not exc.permanent:
                raise
            logger.warning("schedule %s was already gone", subscription.pending_schedule_id)
    _clear_pending(subscription)
    subscription.save()


def refusal(subscription: Subscription, plan: Plan, now: dt.datetime) -> str:
    """Return why ``subscription`` cannot move to ``plan`` now, or "" when it can."""
    if not subscription.is_entitling(now):
        return "That subscription has already ended."
    if subscription.provider == Subscription.Provider.MANUAL:
        return "This subscription was set up by hand; write to us to change it."
    if subscription.status == Subscription.Status.PAST_DUE:
        return "Your last payment did not go through. Update your card before changing plans."
    if subscription.cancel_at_period_end:
        return "Your subscription is set to end. Resume it first to change plans."
    if not plan.is_active:
        return "That plan is not on sale."
    if plan.currency.upper() != subscription.plan.currency.upper():
        return "That plan is sold in another currency; write to us to switch."
    if plan.pk == subscription.plan_id:
        return f"{plan.name} is already your plan."
    if subscription.provider == Subscription.Provider.STRIPE and not plan.stripe_price_id:
        return "That plan cannot be bought online yet."
    return ""


def quote_change(
    subscription: Subscription, plan: Plan, now: dt.datetime, *, ask_provider: bool = True
) -> PlanChange:
    """Return what moving ``subscription`` to ``plan`` at ``now`` would do and cost.

    Test payments compute the prorated amount here; Stripe is asked for its preview
    (``ask_provider``), and None stands for "Stripe will say on the invoice".
    Raises ``PlanChangeRefused`` when the change is not possible.
    """
    why = refusal(subscription, plan, now)
    if why:
        raise PlanChangeRefused(why, permanent=True)
    current = subscription.plan
    start, end = _period_of(subscription, current)
    timing = timing_of(current, plan)
    ends_trial = subscription.status == Subscription.Status.TRIALING and timing == Timing.NOW
    new_period = timing == Timing.NOW and (ends_trial or plan.interval != current.interval)
    amount: int | None = None
    if timing == Timing.PERIOD_END:
        amount = 0
    elif subscription.provider == Subscription.Provider.STRIPE:
        if ask_provider and subscription.provider_subscription_id:
            amount = get_provider("stripe").preview_change(
                subscription.provider_subscription_id,
                plan.stripe_price_id,
                end_trial=ends_trial,
                proration_date=now,
            )
    elif ends_trial:
        amount = plan.price_minor  # nothing was paid for the trial, so nothing is credited
    elif new_period:
        credit = _round_half_up(unused_share(start, end, now) * current.price_minor)
        amount = max(plan.price_minor - credit, 0)
    else:
        amount = prorated_amount(current.price_minor, plan.price_minor, start, end, now)
    return PlanChange(
        subscription=subscription,
        old_plan=current,
        plan=plan,
        timing=timing,
        effective_at=None if timing == Timing.NOW else end,
        amount_minor=amount,
        new_period=new_period,
        ends_trial=ends_trial,
    )


def change_plan(subscription: Subscription, plan: Plan, now: dt.datetime) -> PlanChange:
    """Move ``subscription`` to ``plan``: at once (prorated) or at the period's end.

    A change already scheduled is replaced. Mails the reader ("plan changed", and a
    receipt for a test payment). Raises ``PlanChangeRefused`` when the change is not
    possible and ``ProviderError`` when the provider refuses or declines the payment.
    """
    with transaction.atomic():
        locked = (
            Subscription.objects.select_for_update()
            .select_related("plan", "user")
            .get(pk=subscription.pk)
        )
        settle(locked, now)
        change = quote_change(locked, plan, now, ask_provider=False)
        if locked.pending_plan_id is not None:
            _drop_pending(locked)
    # The release above is committed on its own: if the payment below is declined, the
    # reader keeps the current plan with no change pending, at Stripe as here.
    with transaction.atomic():
        locked = (
            Subscription.objects.select_for_update()
            .select_related("plan", "user")
            .get(pk=subscription.pk)
        )
        if change.is_now:
            _change_now(locked, change, now)
        else:
            _schedule(locked, change)
    return change


def _change_now(subscription: Subscription, change: PlanChange, now: dt.datetime) -> None:
    plan = change.plan
    if subscription.provider == Subscription.Provider.STRIPE:
        answer = get_provider("stripe").change_plan_now(
            str(subscription.provider_subscription_id),
            plan.stripe_price_id,
            end_trial=change.ends_trial,
            proration_date=now,
        )
        if answer.get("pending_update"):
            raise ProviderError("The payment for the new plan was declined.", permanent=True)
        # Applied at once so the wider access opens now; the webhook that follows finds
        # the same state and changes nothing (the plan-changed mail goes out from there,
        # once, whichever of the two arrives first).
        from .providers.stripe.snapshots import apply_subscription

        apply_subscription(answer, now)
        return
    previous = (subscription.status, subscription.cancel_at_period_end)
    subscription.plan = plan
    _clear_pending(subscription)
    if change.new_period:
        subscription.status = Subscription.Status.ACTIVE
        subscription.current_period_start = now
        subscription.current_period_end = plan.period(now)
    subscription.provider_state_at = now
    save_state(subscription, previous=previous)
    _test_receipt(subscription, plan, change.amount_minor or 0, now)
    _mail_change(subscription.user, change)


def _schedule(subscription: Subscription, change: PlanChange) -> None:
    schedule_id = ""
    provider = _provider_of(subscription)
    if provider is not None:
        schedule_id = provider.schedule_change(
            subscription.provider_subscription_id, change.plan.stripe_price_id, change.plan.interval
        )
    subscription.pending_plan = change.plan
    subscription.pending_plan_from = change.effective_at
    subscription.pending_schedule_id = schedule_id
    subscription.save()
    _mail_change(subscription.user, change)


def _mail_change(user: Any, change: PlanChange) -> None:
    old, new = change.old_plan, change.plan
    charged = change.amount_display if change.is_now and change.amount_minor else ""
    transaction.on_commit(
        lambda: emails.send_plan_changed(
            user,
            old_plan=old.name,
            new_plan=new.name,
            effective_at=change.effective_at,
            charged=charged,
            price=new.price_per_interval,
        )
    )


def keep_plan(subscription: Subscription) -> None:
    """Call off a scheduled plan change; the subscription renews on its current plan."""
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.pending_plan_id is not None:
            _drop_pending(locked)
