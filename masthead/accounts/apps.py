from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Site-wide system checks (deploy safety) live in masthead/checks.py.
        from masthead import checks  # noqa: F401
