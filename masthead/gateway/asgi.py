"""The gateway's ASGI entry point, served by granian with ``--interface asgi``."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

# Django first: it sets up the apps the proxy's modules (models, settings) need. Its
# synchronous work runs on one thread per process, as under WSGI (handler.py says why).
from masthead.gateway.handler import get_application

django_application = get_application()

from masthead.gateway.proxy import Gateway  # noqa: E402

application = Gateway(django_application)
