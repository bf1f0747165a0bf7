"""The three demo logins that ``make demo`` prints (docs/design.md, "Stable interfaces").

Every run puts the password back to ``masthead-demo`` so those logins always work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from masthead.billing.models import AccessGrant

DEMO_PASSWORD = "masthead-demo"  # noqa: S105 -- the published demo password, not a secret
EDITORS_GROUP = "Editors"
SUBSCRIBER_GRANT_NOTE = "Demo: All Access"
LOGINS = {
    "reader": ("reader@example.com", "Demo Reader"),
    "subscriber": ("subscriber@example.com", "Demo Subscriber"),
    "editor": ("editor@example.com", "Demo Editor"),
}


def ensure_logins(now: dt.datetime) -> dict[str, Any]:
    """Create or repair the three demo accounts and return them keyed by role."""
    users = {role: _user(email, name, role == "editor") for role, (email, name) in LOGINS.items()}
    editor = users["editor"]
    # The group and its permissions belong to the newsroom's own code; get_or_create only
    # keeps the demo from failing on a database where that code has not run yet.
    editor.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    # The demo editor also runs the demo's experiment (read it, stop it, ship an arm).
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=("experiments", "access"),
            codename__in=("run_experiment", "change_paywallpolicy"),
        )
    )
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
    """Give the subscriber a hand grant until ``plans.load`` replaces it with a plan."""
    grants = AccessGrant.objects.filter(user=user, note=SUBSCRIBER_GRANT_NOTE)
    if not grants.active(now).exists():
        AccessGrant.objects.create(user=user, note=SUBSCRIBER_GRANT_NOTE, starts_at=now)
