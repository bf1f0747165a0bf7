from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "masthead.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        """Connect the policy cache to saves and register the settings checks."""
        from masthead.access import checks, policy_loader  # noqa: F401
