from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "masthead.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            reader_passes,
        )
        from .section_guard import close_what_the_section_limited

        pre_delete.connect(
            close_what_the_section_limited,
            sender="newsroom.Section",
            dispatch_uid="billing.section_guard",
        )
        # Any change to a reader's subscriptions or grants makes their reader passes stale.
        reader_passes.connect()
