from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


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


def check_ipv6_prefix(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report an ``IPV6_NETWORK_PREFIX`` outside 32-64 (``core.E002``)."""
    from masthead.core.network import ipv6_prefix_problem

    value = getattr(settings, "IPV6_NETWORK_PREFIX", None)
    problem = None if value is None else ipv6_prefix_problem(value)
    if problem is None:
        return []
    return [checks.Error(f"IPV6_NETWORK_PREFIX={value!r}: {problem}.", id="core.E002")]


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Refuse to start when a Django setting names code that does not import.

        Here and not only in the system check: app servers run no checks, but every
        process loads the apps, so a typo stops it before it serves a request.
        """

        from masthead.core.dotted_paths import (
            django_dotted_settings,
            masthead_dotted_settings,
            refuse_bad_dotted_paths,
        )
        from masthead.core.purge import setting_problems

        refuse_bad_dotted_paths([*django_dotted_settings(), *masthead_dotted_settings()])
        # A network size that is not a prefix would make every per-network limit count
        # the wrong crowd; stop here rather than at the first request.
        bad = check_ipv6_prefix()
        if bad:
            raise ImproperlyConfigured(bad[0].msg)
        # A purge endpoint that cannot work would leave walled articles in the cache with
        # nothing but a log line per save to say so.
        problems = setting_problems()
        if problems:
            lines = "\n".join(f"  - {problem}" for problem in problems)
            raise ImproperlyConfigured(f"Masthead refuses to start: the cache purge:\n{lines}")
        checks.register(check_django_dotted_paths, checks.Tags.compatibility)
        checks.register(check_ipv6_prefix, checks.Tags.security)
        checks.register(check_cache_purge, checks.Tags.compatibility)
        # The deploy checks (demo-only settings in a deployment) register on import.
        from masthead.core import deploy_checks  # noqa: F401
