"""Billing's side of reader passes: every change to what a reader may read bumps them.

A reader pass (``masthead.access``, docs/design.md "The reader pass") lets the access
check decide from a signed cookie instead of the database. It stays honest because any
change to a reader's subscriptions or grants makes their passes stale at once through
``bump_reader_generation``. The hooks are model signals, so every path is covered the
same way: webhooks (a refund or cancellation arrives as a subscription update), test
payments, the reader's own cancel, plan changes, and the admin. A plan edited in the
admin changes access for everyone on it, so all its subscribers are bumped; so does a
section's new slug, for every plan and grant that names the section.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from masthead.access import bump_reader_generation

from .models import LIVE_STATUSES, AccessGrant, Plan, Subscription


def _bump_owner(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A subscription or grant was saved or deleted: its reader's passes are stale."""
    bump_reader_generation(instance.user_id)


def _bump_plan_holders(plan_ids: set[int]) -> None:
    holders = (
        Subscription.objects.filter(status__in=LIVE_STATUSES)
        .filter(Q(plan_id__in=plan_ids) | Q(pending_plan_id__in=plan_ids))
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in holders:
        bump_reader_generation(user_id)


def _plan_saved(sender: Any, instance: Plan, created: bool = False, **kwargs: Any) -> None:
    if not created:
        _bump_plan_holders({instance.pk})


def _sections_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    """A grant's or plan's sections changed (from either side of the relation)."""
    if not action.startswith("post_"):
        return
    pk_set: set[int] = set(kwargs.get("pk_set") or ())
    reverse = bool(kwargs.get("reverse"))
    if isinstance(instance, AccessGrant):
        bump_reader_generation(instance.user_id)
    elif isinstance(instance, Plan):
        _bump_plan_holders({instance.pk})
    elif reverse and sender is AccessGrant.sections.through:
        for user_id in AccessGrant.objects.filter(pk__in=pk_set).values_list("user_id", flat=True):
            bump_reader_generation(user_id)
    elif reverse and sender is Plan.sections.through:
        _bump_plan_holders(pk_set)


def _section_renamed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A section's slug is about to change: passes name sections by slug, so end them.

    Otherwise a pass could open a section that took over the old slug. Everyone whose
    plan or grant names the section is bumped (before the save; the bump repeats when
    the transaction commits).
    """
    if instance.pk is None or kwargs.get("raw"):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old is None or old == instance.slug:
        return
    _bump_plan_holders(set(Plan.objects.filter(sections=instance).values_list("pk", flat=True)))
    for user_id in AccessGrant.objects.filter(sections=instance).values_list("user_id", flat=True):
        bump_reader_generation(user_id)


def connect() -> None:
    """Connect the hooks (``BillingConfig.ready``)."""
    for model in (Subscription, AccessGrant):
        post_save.connect(_bump_owner, sender=model, dispatch_uid=f"billing.pass.{model.__name__}")
        post_delete.connect(
            _bump_owner, sender=model, dispatch_uid=f"billing.pass.{model.__name__}.delete"
        )
    post_save.connect(_plan_saved, sender=Plan, dispatch_uid="billing.pass.Plan")
    pre_save.connect(_section_renamed, sender="newsroom.Section", dispatch_uid="billing.pass.slug")
    for through in (AccessGrant.sections.through, Plan.sections.through):
        m2m_changed.connect(
            _sections_changed, sender=through, dispatch_uid=f"billing.pass.{through.__name__}"
        )
