"""System checks for the paywall settings (``manage.py check`` runs them).

The ports' dotted paths (``access.E006``) are also tried when the app loads, in
``AccessConfig.ready``, so an app server that runs no checks refuses them too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ValidationError

from masthead.access.models import validate_slug_list
from masthead.access.policy import WINDOWS, FailMode
from masthead.access.ports import port_settings
from masthead.core.dotted_paths import dotted_path_errors
from masthead.core.timezones import is_time_zone

METER_STORES = ("sql", "redis")
# The app server's request timeout (deploy/gunicorn.conf.py, nginx's proxy_read_timeout).
REQUEST_TIMEOUT_SECONDS = 30.0


@register()
def check_paywall_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report ``PAYWALL_*`` overrides that cannot be understood."""
    errors: list[CheckMessage] = []
    window = settings.PAYWALL_WINDOW
    if window and window not in WINDOWS:
        errors.append(Error(f"PAYWALL_WINDOW must be one of {WINDOWS}.", id="access.E001"))
    if settings.PAYWALL_FAIL_MODE and settings.PAYWALL_FAIL_MODE not in (
        FailMode.OPEN,
        FailMode.CLOSED,
    ):
        errors.append(Error("PAYWALL_FAIL_MODE must be open or closed.", id="access.E002"))
    errors.extend(_check_time_zone())
    errors.extend(_check_store())
    errors.extend(_check_lock_waits())
    for name in ("PAYWALL_EXEMPT_SECTIONS", "PAYWALL_WALLED_SECTIONS"):
        try:
            validate_slug_list(str(getattr(settings, name, "") or ""))
        except ValidationError:
            errors.append(Error(f"{name} must be comma-separated slugs.", id="access.E005"))
    return errors


@register()
def check_ports(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report ports (``PAYWALL_CONTENT_SOURCE`` …) whose dotted path does not import."""
    return dotted_path_errors(port_settings(), "access.E006")


def _check_time_zone() -> list[CheckMessage]:
    zone = settings.PAYWALL_TIME_ZONE
    if not zone:
        return []
    if not is_time_zone(zone):
        return [Error(f"PAYWALL_TIME_ZONE {zone!r} is not a time zone.", id="access.E003")]
    return []


def _check_store() -> list[CheckMessage]:
    store = settings.PAYWALL_METER_STORE
    if store not in METER_STORES:
        return [Error(f"PAYWALL_METER_STORE must be one of {METER_STORES}.", id="access.E004")]
    configured = settings.PAYWALL_REDIS_URL or settings.REDIS_URL
    if store == "redis" and not (configured or getattr(settings, "REDIS_CLUSTER_NODES", None)):
        return [
            Error(
                "PAYWALL_METER_STORE=redis needs REDIS_URL or MASTHEAD_REDIS_CLUSTER_NODES.",
                id="access.E004",
            )
        ]
    return []


def _check_lock_waits() -> list[CheckMessage]:
    """Report meter lock waits that could outlast the request (``access.E007``).

    One attempt's wait must fit in the budget, and the budget plus one more attempt
    inside the request timeout, or "database is locked" would end as a killed worker.
    """
    wait = float(getattr(settings, "PAYWALL_METER_LOCK_WAIT_SECONDS", 2.0))
    budget = float(getattr(settings, "PAYWALL_METER_LOCK_BUDGET_SECONDS", 10.0))
    if 0 < wait < budget and budget + wait < REQUEST_TIMEOUT_SECONDS:
        return []
    return [
        Error(
            "PAYWALL_METER_LOCK_WAIT_SECONDS must be above 0 and below "
            "PAYWALL_METER_LOCK_BUDGET_SECONDS, and the two together below the "
            f"{REQUEST_TIMEOUT_SECONDS:.0f} s request timeout.",
            id="access.E007",
        )
    ]
