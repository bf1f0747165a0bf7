"""Refusing demo-only settings in a deployment: at start-up and in ``check --deploy``.

The demo runs with conveniences no newsroom may ship: a secret key printed in the source
and an offline test-payments provider. Outside demo or debug mode the settings module calls
:func:`refuse_demo_only_settings`, so a misconfigured process stops before it serves a
request; the deploy checks repeat the same findings for ``manage.py check --deploy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

# Billing providers that only exist for the demo (they take no money).
DEMO_ONLY_BILLING_PROVIDERS = frozenset({"test", "test_payments", "testpayments"})


def demo_only_problems(config: Mapping[str, Any]) -> list[str]:
    """Return what in ``config`` (settings by name) may only run in demo or debug mode.

    Returns an empty list when ``DEBUG`` or ``DEMO`` is on, or when nothing demo-only is set.
    """
    if config.get("DEBUG") or config.get("DEMO"):
        return []
    problems: list[str] = []
    secret = str(config.get("SECRET_KEY") or "")
    if not secret:
        problems.append(
            "No secret key: set MASTHEAD_SECRET_KEY_FILE to a file holding a long random "
            "string (or MASTHEAD_DEMO=True to run the demo)."
        )
    elif secret == config.get("DEMO_SECRET_KEY"):
        problems.append(
            "The public demo secret key is in use: set MASTHEAD_SECRET_KEY_FILE to a file "
            "holding your own long random string."
        )
    provider = str(config.get("BILLING_PROVIDER") or "").lower()
    if provider in DEMO_ONLY_BILLING_PROVIDERS:
        problems.append(
            f"BILLING_PROVIDER={provider!r} is the demo's test-payments provider, which takes "
            "no money: choose a real provider (e.g. stripe)."
        )
    return problems


def refuse_demo_only_settings(config: Mapping[str, Any]) -> None:
    """Raise ``ImproperlyConfigured`` listing every demo-only setting; return if none."""
    problems = demo_only_problems(config)
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise ImproperlyConfigured(
            "Masthead refuses to start with demo-only settings outside demo mode "
            f"(MASTHEAD_DEBUG and MASTHEAD_DEMO are off):\n{lines}"
        )


def _settings_view() -> dict[str, Any]:
    names = ("DEBUG", "DEMO", "DEMO_SECRET_KEY", "BILLING_PROVIDER")
    view = {name: getattr(settings, name, None) for name in names}
    try:
        view["SECRET_KEY"] = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        view["SECRET_KEY"] = ""
    return view


@register(Tags.security, deploy=True)
def check_demo_settings_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report demo mode and every demo-only setting in a deployment."""
    errors: list[CheckMessage] = []
    if settings.DEMO:
        errors.append(
            Error(
                "MASTHEAD_DEMO is on in a deployment.",
                hint="Unset MASTHEAD_DEMO; the demo's secret and test payments are public.",
                id="masthead.E001",
            )
        )
    for problem in demo_only_problems({**_settings_view(), "DEMO": False, "DEBUG": False}):
        errors.append(Error(problem, id="masthead.E002"))
    return errors


@register(Tags.security, deploy=True)
def check_shared_media(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when uploads would land in the checkout, where other app machines cannot see them."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if not backend.endswith("FileSystemStorage"):
        return []
    media_root = str(settings.MEDIA_ROOT)
    if media_root.startswith(str(settings.BASE_DIR)):
        return [
            Warning(
                "Uploaded media are stored inside the code checkout.",
                hint=(
                    "Set MASTHEAD_MEDIA_ROOT to a folder every app process shares (or "
                    "MASTHEAD_MEDIA_STORAGE=s3); see docs/deploy.md."
                ),
                id="masthead.W003",
            )
        ]
    return []
