from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_migrate, post_save

EDITORS_GROUP = "Editors"


def grant_dashboard_to_editors(using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    """Give the "Editors" group the ``analytics.view_dashboard`` permission (idempotent).

    The group and the permission are created when missing: this handler may run before
    auth's own post_migrate handler creates permissions, or before the newsroom's creates
    the group.
    """
    from django.apps import apps as global_apps

    registry = apps or global_apps
    try:
        content_types = registry.get_model("contenttypes", "ContentType")
        permissions = registry.get_model("auth", "Permission")
        groups = registry.get_model("auth", "Group")
    except LookupError:
        return
    content_type, _ = content_types.objects.using(using).get_or_create(
        app_label="analytics", model="event"
    )
    permission, _ = permissions.objects.using(using).get_or_create(
        content_type=content_type,
        codename="view_dashboard",
        defaults={"name": "Can view the publisher's dashboard"},
    )
    group, _ = groups.objects.using(using).get_or_create(name=EDITORS_GROUP)
    group.permissions.add(permission)


def check_recording_mode(**kwargs: Any) -> list[checks.CheckMessage]:
    """Warn (analytics.W001) when events are written on the request's thread in production."""
    from django.conf import settings

    if settings.ANALYTICS_SYNC and not (settings.DEBUG or settings.DEMO):
        return [
            checks.Warning(
                "ANALYTICS_SYNC is on: every event is written to the database on the "
                "request's thread, which slows the access check.",
                hint="Unset ANALYTICS_SYNC; it is meant for tests.",
                id="analytics.W001",
            )
        ]
    return []


class AnalyticsConfig(AppConfig):
    name = "masthead.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        """Store events from ``masthead.core.events``; hold account data; register checks."""
        from masthead.analytics.privacy import export_events, forget_account, forget_erasure_note
        from masthead.analytics.recording import store_event
        from masthead.core import events, personal_data

        events.subscribe(store_event)
        # An account's events join its data export and lose its id when it is deleted.
        personal_data.register(
            personal_data.Holder("analytics_events", export=export_events, erase=forget_account)
        )
        post_save.connect(
            forget_erasure_note, sender=settings.AUTH_USER_MODEL, dispatch_uid="analytics.ids"
        )
        checks.register(check_recording_mode, checks.Tags.compatibility, deploy=True)
        post_migrate.connect(
            grant_dashboard_to_editors, sender=self, dispatch_uid="analytics.editors"
        )
