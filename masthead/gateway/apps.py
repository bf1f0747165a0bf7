"""The gateway app's configuration."""

from django.apps import AppConfig


class GatewayConfig(AppConfig):
    """Origin articles, the editors' level rules, the sync and the proxy."""

    name = "masthead.gateway"
    label = "gateway"
    verbose_name = "Gateway (origin site)"
    default_auto_field = "django.db.models.BigAutoField"
