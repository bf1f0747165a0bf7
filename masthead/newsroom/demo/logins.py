"""The demo logins (docs/design.md, "Stable interfaces") and the other apps' demo hooks.

Every run puts the password back to ``masthead-demo`` so the logins ``make demo`` prints
always work.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from masthead.billing.models import AccessGrant

DEMO_PASSWORD = "masthead-demo"  # noqa: S105 -- the published demo password, not a secret
EDITORS_GROUP = "Editors"
SUBSCRIBER_GRANT_NOTE = "Demo: All Access"
LOGINS = {
    "reader": ("reader@example.com", "Demo Reader"),
    "subscriber": ("subscriber@example.com", "Demo Subscriber"),
    "editor": ("editor@example.com", "Demo Editor"),
}
HOOK_APPS = ("billing", "gifts", "ads", "analytics")

Hook = Callable[[dict[str, Any], Any], None]


def ensure_logins(now: dt.datetime) -> dict[str, Any]:
    """Create or repair the three demo accounts and return them keyed by role."""
    users = {role: _user(email, name, role == "editor") for role, (email, name) in LOGINS.items()}
    editor = users["editor"]
    # The group and its permissions belong to the newsroom's own code; get_or_create only
    # keeps the demo from failing on a database where that code has not run yet.
    editor.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    _grant_all_access(users["subscriber"], now)
    return users


def _user(email: str, display_name: str, is_staff: bool) -> Any:
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_model(email=email, display_name=display_name)
    user.is_active = True
    user.is_staff = is_staff
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _grant_all_access(user: Any, now: dt.datetime) -> None:
    """Give the subscriber a hand grant until billing's hook replaces it with a plan."""
    grants = AccessGrant.objects.filter(user=user, note=SUBSCRIBER_GRANT_NOTE)
    if not grants.active(now).exists():
        AccessGrant.objects.create(user=user, note=SUBSCRIBER_GRANT_NOTE, starts_at=now)


def run_hooks(users: dict[str, Any], stdout: Any) -> list[str]:
    """Call ``load(users, stdout)`` in each app's ``demo`` module; return the apps called.

    An app without a ``masthead.<app>.demo`` module, or whose module has no ``load``, is
    skipped. Any other error, including an ImportError raised inside the module, propagates.
    """
    called = []
    for app in HOOK_APPS:
        hook = find_hook(f"masthead.{app}.demo")
        if hook is not None:
            hook(users, stdout)
            called.append(app)
    return called


def find_hook(module_name: str) -> Hook | None:
    """Return the ``load`` function of the module, or None when there is no such module.

    Also None when the module has no callable ``load``. A module that exists but fails to
    import (even with an ImportError of its own) raises: a broken hook must be seen.
    """
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    load = getattr(module, "load", None)
    return load if callable(load) else None
