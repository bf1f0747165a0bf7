"""The "Editors" group: staff who write and publish, and see hand grants.

Created (or completed) after every ``migrate``, so a fresh install and an upgrade both
end with the group in place. It only adds permissions, never removes ones a publisher
granted by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
# Every permission on these apps' models.
CONTENT_APPS = ("newsroom", "ads")
# Single permissions elsewhere: (app label, codename).
EXTRA = (("billing", "view_accessgrant"),)


def editor_permissions() -> list[Permission]:
    """Return the permissions the Editors group should hold (those that exist yet)."""
    wanted = Q(content_type__app_label__in=CONTENT_APPS)
    for app_label, codename in EXTRA:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(wanted))


def ensure_editors_group(**kwargs: Any) -> None:
    """Create the Editors group and give it the content permissions; safe to repeat."""
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(*editor_permissions())
