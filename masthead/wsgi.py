"""WSGI entry point for gunicorn and granian.

The access check's anonymous requests are answered ahead of the middleware they do not
need (``masthead.access.lean_check_app``, docs/design.md "The access check"); everything
else is Django's ordinary handler.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
django_application = get_wsgi_application()

from masthead.access import lean_check_app  # noqa: E402 - needs the apps loaded above

application = lean_check_app(django_application)
