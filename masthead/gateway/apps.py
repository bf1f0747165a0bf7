"""The gateway app's configuration."""

from django.apps import AppConfig


class GatewayConfig(AppConfig):
    """Origin articles, the editors' level rules, the sync and the proxy."""

    name = "masthead.gateway"
    label = "gateway"
    verbose_name = "Gateway (origin site)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Refuse the gateway's dotted-path settings when they do not import.

        A typo in ``GATEWAY_FIREWALL`` would otherwise show only at the first response
        (every one then blocked); in ``GATEWAY_NATIVE_CONTENT_SOURCE``, at the first check.
        """
        from django.conf import settings

        from masthead.core.dotted_paths import DottedSetting, refuse_bad_dotted_paths

        found = [
            DottedSetting(
                "GATEWAY_NATIVE_CONTENT_SOURCE",
                settings.GATEWAY_NATIVE_CONTENT_SOURCE,
                is_module=True,
            )
        ]
        for name in ("GATEWAY_FIREWALL", "GATEWAY_FIREWALL_INDEX"):
            value = getattr(settings, name, "")
            if value:  # empty: that part is off
                found.append(DottedSetting(name, value))
        refuse_bad_dotted_paths(found)
