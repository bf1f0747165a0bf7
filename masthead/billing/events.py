"""Provider events: stored once under a unique id, claimed once, processed once.

1. ``store`` inserts the event, or counts one more delivery when its id is known.
2. ``process`` claims it with a conditional UPDATE (``processed_at IS NULL``) inside a
   transaction and runs the handler in that same transaction. A second delivery racing
   the first waits on the row, then finds it claimed and does nothing.
3. A permanent failure rolls back the handler's writes (a savepoint), keeps the claim
   and records the error: the event is acknowledged. Any other failure rolls back the
   claim too, so the provider's next delivery tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .exceptions import BillingError
from .models import WebhookEvent

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], dt.datetime], None]


class Outcome(StrEnum):
    """What processing one delivery did."""

    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    FAILED = "failed"


def store(provider: str, event_id: str, kind: str, payload: dict[str, Any]) -> WebhookEvent:
    """Return the stored event, inserting it or counting another delivery of it."""
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                provider=provider, event_id=event_id, kind=kind, payload=payload
            )
    except IntegrityError:
        known = WebhookEvent.objects.filter(provider=provider, event_id=event_id)
        known.update(deliveries=F("deliveries") + 1)
        return known.get()


def process(event: WebhookEvent, handlers: Mapping[str, Handler], event_at: dt.datetime) -> Outcome:
    """Claim ``event`` and run its handler once; return what happened.

    Raises whatever a handler raised that is not a permanent ``BillingError`` (after
    noting it on the event), so the caller can answer 5xx and be delivered again.
    """
    try:
        with transaction.atomic():
            return _claim_and_run(event, handlers, event_at)
    except Exception as exc:
        WebhookEvent.objects.filter(pk=event.pk).update(error=f"{type(exc).__name__}: {exc}"[:500])
        raise


def _claim_and_run(
    event: WebhookEvent, handlers: Mapping[str, Handler], event_at: dt.datetime
) -> Outcome:
    claimed = WebhookEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )
    if not claimed:
        return Outcome.DUPLICATE
    handler = handlers.get(event.kind)
    if handler is None:
        return Outcome.IGNORED
    try:
        with transaction.atomic():
            handler(event.payload["data"]["object"], event_at)
    except BillingError as exc:
        if not exc.permanent:
            raise
        logger.warning("event %s (%s) failed for good: %s", event.event_id, event.kind, exc)
        WebhookEvent.objects.filter(pk=event.pk).update(is_failed=True, error=str(exc)[:500])
        return Outcome.FAILED
    return Outcome.PROCESSED
