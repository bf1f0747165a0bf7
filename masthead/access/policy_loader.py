"""Build the pure ``Policy`` from the admin's row and the ``PAYWALL_*`` overrides.

The row is read at most every ``_TTL_SECONDS`` per process (and again at once after the
row is saved in this process); overrides are read from settings on every call, so tests
using ``override_settings`` see them immediately.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.db.models.signals import post_save
from django.dispatch import receiver

from masthead.access.models import PaywallPolicy, parse_slugs
from masthead.access.policy import WINDOWS, FailMode, Policy
from masthead.access.ports import content_source
from masthead.core.timezones import is_time_zone

logger = logging.getLogger(__name__)

_TTL_SECONDS = 10.0
_lock = threading.Lock()
_cached: tuple[float, Policy] | None = None
# The last policy read from the database, kept past its TTL for when the database fails.
_last_good: Policy | None = None


# The stored policy and the same with the overrides applied, made again when either
# changes: applying them read a dozen settings and built a new policy on every check.
_applied: tuple[Policy, Policy] | None = None


def load_policy() -> Policy:
    """Return the policy in force: the stored one with any environment overrides applied."""
    global _applied
    stored = _stored_policy()
    applied = _applied
    if applied is not None and applied[0] is stored:
        return applied[1]
    policy = _with_overrides(stored)
    _applied = (stored, policy)
    return policy


@receiver(setting_changed)
def _overrides_changed(setting: str = "", **kwargs: Any) -> None:
    global _applied
    if setting.startswith("PAYWALL_") or setting == "TIME_ZONE":
        _applied = None


def forget_policy() -> None:
    """Drop the cached row (and the last good one) so ``load_policy`` reads the database."""
    global _cached, _last_good
    with _lock:
        _cached = None
        _last_good = None


@receiver(post_save, sender=PaywallPolicy)
def _policy_saved(**kwargs: Any) -> None:
    forget_policy()


def _stored_policy() -> Policy:
    global _cached, _last_good
    now = time.monotonic()
    with _lock:
        if _cached is not None and _cached[0] > now:
            return _cached[1]
    try:
        policy = _policy_from_row(PaywallPolicy.current())
    except DatabaseError:
        # Fail closed: the permissive defaults could open what the publisher walled.
        logger.warning("paywall_policy_unreadable")
        return _last_good or closed_policy()
    with _lock:
        _cached = (now + _TTL_SECONDS, policy)
        _last_good = policy
    return policy


def closed_policy() -> Policy:
    """Return the policy used when no policy can be read: nothing opens on the meter.

    The meter's allowances are zero and its fail mode closed, and crawlers get the
    preview; free articles and readers' own entitlements and gifts still open.
    """
    return Policy(
        anonymous_allowance=0,
        registered_allowance=0,
        fail_mode=FailMode.CLOSED,
        crawler_full_text=False,
        network_daily_allowance=0,
        registered_network_daily_allowance=0,
    )


def _policy_from_row(row: PaywallPolicy) -> Policy:
    return Policy(
        anonymous_allowance=row.anonymous_allowance,
        registered_allowance=row.registered_allowance,
        free_hours=row.free_hours,
        exempt_sections=parse_slugs(row.exempt_sections),
        walled_sections=parse_slugs(row.walled_sections),
        fail_mode=row.fail_mode,
        crawler_full_text=row.crawler_policy == PaywallPolicy.CrawlerPolicy.FULL_TEXT,
        window=row.window,
        time_zone=row.time_zone or _publication_time_zone(),
        network_daily_allowance=row.network_daily_allowance,
        registered_network_daily_allowance=row.registered_network_daily_allowance,
        require_email_confirmation=row.require_email_confirmation,
    )


def _publication_time_zone() -> str:
    """Return the content source's ``publication_time_zone()``, else ``TIME_ZONE``."""
    try:
        source: Any = content_source()  # the hook is optional, so not in the Protocol
        name = str(source.publication_time_zone())
    except Exception:  # noqa: BLE001 - optional hook; any failure means the site's zone
        return str(settings.TIME_ZONE)
    return name if is_time_zone(name) else str(settings.TIME_ZONE)


def _with_overrides(policy: Policy) -> Policy:
    """Return ``policy`` with every ``PAYWALL_*`` override that is set applied."""
    changes: dict[str, Any] = {}
    for field, setting in _INT_OVERRIDES.items():
        value = getattr(settings, setting, None)
        if value is not None:
            changes[field] = int(value)
    changes.update(_text_overrides())
    for field, setting in _BOOL_OVERRIDES.items():
        value = getattr(settings, setting, None)
        if value is not None:
            changes[field] = bool(value)
    return dataclasses.replace(policy, **changes) if changes else policy


_INT_OVERRIDES = {
    "anonymous_allowance": "PAYWALL_ANONYMOUS_ALLOWANCE",
    "registered_allowance": "PAYWALL_REGISTERED_ALLOWANCE",
    "network_daily_allowance": "PAYWALL_NETWORK_DAILY_ALLOWANCE",
    "registered_network_daily_allowance": "PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE",
    "free_hours": "PAYWALL_FREE_HOURS",
}

_BOOL_OVERRIDES = {
    "crawler_full_text": "PAYWALL_CRAWLER_FULL_TEXT",
    "require_email_confirmation": "PAYWALL_REQUIRE_EMAIL_CONFIRMATION",
}


def _text_overrides() -> dict[str, Any]:
    changes: dict[str, Any] = {}
    window = str(getattr(settings, "PAYWALL_WINDOW", "") or "")
    if window in WINDOWS:
        changes["window"] = window
    fail_mode = str(getattr(settings, "PAYWALL_FAIL_MODE", "") or "")
    if fail_mode in (FailMode.OPEN, FailMode.CLOSED):
        changes["fail_mode"] = fail_mode
    zone = str(getattr(settings, "PAYWALL_TIME_ZONE", "") or "")
    if zone:
        changes["time_zone"] = zone
    for field in ("exempt_sections", "walled_sections"):
        raw = getattr(settings, f"PAYWALL_{field.upper()}", "") or ""
        if raw:
            changes[field] = parse_slugs(str(raw))
    return changes


_TEXT_OVERRIDES = {
    "window": "PAYWALL_WINDOW",
    "fail_mode": "PAYWALL_FAIL_MODE",
    "time_zone": "PAYWALL_TIME_ZONE",
    "exempt_sections": "PAYWALL_EXEMPT_SECTIONS",
    "walled_sections": "PAYWALL_WALLED_SECTIONS",
}


def overridden_settings(fields: Iterable[str]) -> list[str]:
    """Return the ``PAYWALL_*`` settings that are set and override one of ``fields``."""
    every = {**_INT_OVERRIDES, **_BOOL_OVERRIDES, **_TEXT_OVERRIDES}
    found = []
    for field in sorted(set(fields)):
        setting = every.get(field)
        if setting is None:
            continue
        value = getattr(settings, setting, None)
        if value is not None and value != "":
            found.append(setting)
    return found


# The row's fields that hold a Policy field under another shape.
_ROW_FIELDS = frozenset(
    {
        "anonymous_allowance",
        "registered_allowance",
        "free_hours",
        "exempt_sections",
        "walled_sections",
        "fail_mode",
        "window",
        "network_daily_allowance",
        "registered_network_daily_allowance",
        "require_email_confirmation",
    }
)


def save_policy(changes: Mapping[str, object]) -> list[str]:
    """Apply ``changes`` (Policy field -> value) to the saved row; return overriding settings.

    Raise ``ValueError`` for a field the row cannot hold or a row that does not validate.
    """
    row = PaywallPolicy.current()
    for field, value in changes.items():
        if field == "crawler_full_text":
            row.crawler_policy = (
                PaywallPolicy.CrawlerPolicy.FULL_TEXT
                if value
                else PaywallPolicy.CrawlerPolicy.PREVIEW
            )
        elif field in _ROW_FIELDS:
            if isinstance(value, frozenset | set | list | tuple):
                value = ",".join(sorted(str(part) for part in value))
            setattr(row, field, value)
        else:
            raise ValueError(f"the saved policy has no setting {field!r}")
    try:
        row.full_clean()
    except ValidationError as exc:
        raise ValueError("; ".join(exc.messages)) from exc
    row.save()  # post_save drops the cached policy
    return overridden_settings(changes)
