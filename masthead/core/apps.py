from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_django_dotted_paths(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report settings naming code that cannot be imported (``core.E001``)."""
    from masthead.core.dotted_paths import (
        django_dotted_settings,
        dotted_path_errors,
        masthead_dotted_settings,
    )

    found = [*django_dotted_settings(), *masthead_dotted_settings()]
    return dotted_path_errors(found, "core.E001")


def check_cache_purge(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report purge settings that cannot work (``core.E002``)."""
    from masthead.core.purge import setting_problems

    return [checks.Error(problem, id="core.E002") for problem in setting_problems()]


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Refuse to start when a Django setting names code that does not import.

        Here and not only in the system check: app servers run no checks, but every
        process loads the apps, so a typo stops it before it serves a request.
        """
        from django.core.exceptions import ImproperlyConfigured

        from masthead.core.dotted_paths import (
            django_dotted_settings,
            masthead_dotted_settings,
            refuse_bad_dotted_paths,
        )
        from masthead.core.purge import setting_problems

        refuse_bad_dotted_paths([*django_dotted_settings(), *masthead_dotted_settings()])
        # A purge endpoint that cannot work would leave walled articles in the cache with
        # nothing but a log line per save to say so.
        problems = setting_problems()
        if problems:
            lines = "\n".join(f"  - {problem}" for problem in problems)
            raise ImproperlyConfigured(f"Masthead refuses to start: the cache purge:\n{lines}")
        checks.register(check_django_dotted_paths, checks.Tags.compatibility)
        checks.register(check_cache_purge, checks.Tags.compatibility)
        # The deploy checks (demo-only settings in a deployment) register on import.
        from masthead.core import deploy_checks  # noqa: F401
