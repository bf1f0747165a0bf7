from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "masthead.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        """Refuse ports that do not import; connect the policy cache; register checks.

        The ports are tried here, not only in ``manage.py check``: app servers run no
        system checks, and a typo in ``PAYWALL_GIFT_VERIFIER`` would otherwise turn gift
        links off without a word. All models are loaded by now, so the apps behind the
        ports can be imported.
        """
        from masthead.access import checks, policy_loader  # noqa: F401
        from masthead.access.ports import port_settings
        from masthead.core.dotted_paths import refuse_bad_dotted_paths

        refuse_bad_dotted_paths(port_settings())
