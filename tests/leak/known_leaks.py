"""Leaks the suite found and nobody has fixed yet, as strict expected failures.

Each entry maps a route key (see ``routes.Route.key``) or a test's own key to the reason,
which starts with "LEAK:". ``strict=True`` means the entry must go the moment the leak is
fixed: an unexpected pass fails the suite, so the list never goes stale.
"""

from __future__ import annotations

import pytest

KNOWN_LEAKS: dict[str, str] = {}


def marks_for(key: str) -> list[pytest.MarkDecorator]:
    """Return the xfail mark for ``key`` when it is a known leak, else no marks."""
    reason = KNOWN_LEAKS.get(key)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
