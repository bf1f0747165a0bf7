"""An arm's partial policy as stored (JSON) and as the decision needs it (``Policy`` values).

Arms may change the meter's own rules only: allowances, the window, the free hours, the
exempt and walled sections and the network allowances. The fail mode, the crawler rule,
e-mail confirmation and the time zone are the site's, not something to split readers on.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from masthead.access import WINDOWS, Policy

ARM_FIELDS: tuple[str, ...] = (
    "anonymous_allowance",
    "registered_allowance",
    "window",
    "free_hours",
    "exempt_sections",
    "walled_sections",
    "network_daily_allowance",
    "registered_network_daily_allowance",
)
_INTS = frozenset(
    {
        "anonymous_allowance",
        "registered_allowance",
        "free_hours",
        "network_daily_allowance",
        "registered_network_daily_allowance",
    }
)
_SECTIONS = frozenset({"exempt_sections", "walled_sections"})
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_MAX_INT = 32767  # the saved policy's small-integer fields


def clean_overrides(raw: object) -> dict[str, object]:
    """Return ``raw`` (the stored JSON) as Policy values; ``ValueError`` says what is wrong."""
    if not isinstance(raw, Mapping):
        raise ValueError('Write the overrides as a JSON object, e.g. {"anonymous_allowance": 5}.')
    unknown = sorted(str(key) for key in raw if key not in ARM_FIELDS)
    if unknown:
        raise ValueError(
            f"Unknown setting(s): {', '.join(unknown)}. An arm may change only "
            f"{', '.join(ARM_FIELDS)}."
        )
    return {str(key): _value(str(key), value) for key, value in raw.items()}


def _value(field: str, value: object) -> object:
    if field in _INTS:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_INT:
            raise ValueError(f"{field} takes a whole number from 0 to {_MAX_INT}, not {value!r}.")
        return value
    if field in _SECTIONS:
        parts = value.split(",") if isinstance(value, str) else value
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            raise ValueError(f"{field} takes section slugs (a list or a comma-separated text).")
        slugs = frozenset(p.strip() for p in parts if p.strip())
        bad = sorted(s for s in slugs if not _SLUG.match(s))
        if bad:
            raise ValueError(f"{field}: not section slugs: {', '.join(bad)}.")
        return slugs
    if value not in WINDOWS:
        raise ValueError(f"window takes one of {', '.join(WINDOWS)}, not {value!r}.")
    return value


def arm_policy(base: Policy, raw: object) -> Policy:
    """Return ``base`` with the arm's overrides applied; ``ValueError`` when they are bad."""
    changes: dict[str, Any] = clean_overrides(raw)
    return dataclasses.replace(base, **changes) if changes else base


def describe(raw: object) -> str:
    """Return the overrides in words for pages ("anonymous_allowance=5"), or "as is"."""
    try:
        cleaned = clean_overrides(raw)
    except ValueError:
        return "(cannot be read)"
    if not cleaned:
        return "the policy as it is"
    parts = []
    for key, value in sorted(cleaned.items()):
        shown = ",".join(sorted(value)) if isinstance(value, frozenset) else value
        parts.append(f"{key}={shown}")
    return ", ".join(parts)
