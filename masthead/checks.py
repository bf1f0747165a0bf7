"""Site-wide system checks; ``manage.py check --deploy`` runs the deploy-tagged ones."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_demo_settings_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Refuse demo-only settings in a production deployment."""
    errors: list[CheckMessage] = []
    if settings.DEMO:
        errors.append(Error("MASTHEAD_DEMO is on in a deployment.", id="masthead.E001"))
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        errors.append(Error("The public demo secret key is in use.", id="masthead.E002"))
    return errors
