from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_django_dotted_paths(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report Django settings naming code that cannot be imported (``core.E001``)."""
    from masthead.core.dotted_paths import django_dotted_settings, dotted_path_errors

    return dotted_path_errors(django_dotted_settings(), "core.E001")


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Refuse to start when a Django setting names code that does not import.

        Here and not only in the system check: app servers run no checks, but every
        process loads the apps, so a typo stops it before it serves a request.
        """
        from masthead.core.dotted_paths import django_dotted_settings, refuse_bad_dotted_paths

        refuse_bad_dotted_paths(django_dotted_settings())
        checks.register(check_django_dotted_paths, checks.Tags.compatibility)
        # The deploy checks (demo-only settings in a deployment) register on import.
        from masthead.core import deploy_checks  # noqa: F401
