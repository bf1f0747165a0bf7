"""The gateway's ASGI entry point, served by granian with ``--interface asgi``."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
# Django first: it sets up the apps the proxy's modules (models, settings) need.
django_application = get_asgi_application()

from masthead.gateway.proxy import Gateway  # noqa: E402

application = Gateway(django_application)
