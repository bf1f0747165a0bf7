"""Settings that name code by a dotted path, imported at start-up so a typo stops the process.

A dotted path in settings is read only when the code behind it is first needed: a typo
in ``PAYWALL_GIFT_VERIFIER`` would otherwise surface as gift links that quietly never
open, and a typo in ``EMAIL_BACKEND`` at the first mail. Each owner of such settings lists
them as :class:`DottedSetting` values and calls :func:`refuse_bad_dotted_paths` from its
``AppConfig.ready`` (app servers run no system checks, but every process loads the apps),
and registers :func:`dotted_path_errors` as a system check for ``manage.py check``.

Imports through these strings are also what import-linter cannot see, which is one more
reason to try every one of them once.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DottedSetting:
    """One dotted path found in settings.

    ``name`` says where it is, as a reader would look it up (``EMAIL_BACKEND``,
    ``STORAGES["default"]["BACKEND"]``). ``is_module`` is True when the path names a
    module (a content source) rather than a class or function inside one.
    """

    name: str
    value: object
    is_module: bool = False


def import_problem(setting: DottedSetting) -> str | None:
    """Return why ``setting`` cannot be imported (naming it and its value), or None."""
    value = setting.value
    if not isinstance(value, str) or not value.strip():
        return f"{setting.name} must be a dotted path, not {value!r}."
    try:
        found: Any = importlib.import_module(value) if setting.is_module else import_string(value)
    except Exception as exc:  # noqa: BLE001 - any failure to import is the same mistake
        return f"{setting.name} = {value!r} cannot be imported: {exc}"
    if not setting.is_module and not callable(found):
        return f"{setting.name} = {value!r} names something that cannot be called."
    return None


def dotted_path_problems(found: Iterable[DottedSetting]) -> list[str]:
    """Return one sentence per setting in ``found`` that cannot be imported."""
    return [problem for setting in found if (problem := import_problem(setting)) is not None]


def refuse_bad_dotted_paths(found: Iterable[DottedSetting]) -> None:
    """Raise ``ImproperlyConfigured`` naming every setting in ``found`` that does not import."""
    problems = dotted_path_problems(found)
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise ImproperlyConfigured(
            f"Masthead refuses to start: a setting names code that does not exist:\n{lines}"
        )


def dotted_path_errors(found: Iterable[DottedSetting], check_id: str) -> list[CheckMessage]:
    """Return the problems with ``found`` as system-check errors with ``check_id``."""
    return [Error(problem, id=check_id) for problem in dotted_path_problems(found)]


def django_dotted_settings() -> list[DottedSetting]:
    """Return the dotted paths in Django's own settings that Django imports only on use.

    ``MIDDLEWARE``, ``LOGGING`` and ``INSTALLED_APPS`` are left out: Django imports them
    while starting anyway. ``ROOT_URLCONF`` is left out too: importing it imports every
    view, which ``manage.py check`` already does through its URL checks.
    """
    found: list[DottedSetting] = []
    found.extend(_backends("STORAGES", getattr(settings, "STORAGES", {})))
    found.extend(_backends("CACHES", getattr(settings, "CACHES", {})))
    found.append(DottedSetting("EMAIL_BACKEND", settings.EMAIL_BACKEND))
    found.extend(_each("AUTHENTICATION_BACKENDS", settings.AUTHENTICATION_BACKENDS))
    found.extend(_each("PASSWORD_HASHERS", settings.PASSWORD_HASHERS))
    found.extend(_each("DATABASE_ROUTERS", settings.DATABASE_ROUTERS))
    for index, validator in enumerate(settings.AUTH_PASSWORD_VALIDATORS):
        name = f'AUTH_PASSWORD_VALIDATORS[{index}]["NAME"]'
        found.append(DottedSetting(name, validator.get("NAME")))
    engines: Sequence[Mapping[str, Any]] = settings.TEMPLATES
    for index, engine in enumerate(engines):
        found.append(DottedSetting(f'TEMPLATES[{index}]["BACKEND"]', engine.get("BACKEND")))
        options: Mapping[str, Any] = engine.get("OPTIONS") or {}
        processors = options.get("context_processors") or []
        where = f'TEMPLATES[{index}]["OPTIONS"]["context_processors"]'
        found.extend(_each(where, processors))
    return found


def masthead_dotted_settings() -> list[DottedSetting]:
    """Return the dotted paths in Masthead's own settings that belong to no app's port.

    ``CACHE_PURGER`` is used only when an editor saves: a typo would otherwise surface as
    pages that quietly stay in the shared cache.
    """
    from masthead.core.purge import DEFAULT_PURGER

    return [DottedSetting("CACHE_PURGER", getattr(settings, "CACHE_PURGER", DEFAULT_PURGER))]


def _backends(setting: str, entries: Mapping[str, Mapping[str, Any]]) -> list[DottedSetting]:
    return [
        DottedSetting(f'{setting}["{alias}"]["BACKEND"]', entry.get("BACKEND"))
        for alias, entry in entries.items()
    ]


def _each(setting: str, paths: Sequence[object]) -> list[DottedSetting]:
    return [DottedSetting(f"{setting}[{index}]", path) for index, path in enumerate(paths)]
