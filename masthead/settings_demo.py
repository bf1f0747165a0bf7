"""The real settings in demo mode, for tools that load them without a deployment's environment.

pytest (pytest-django imports the settings before the root ``conftest.py`` runs) and the mypy
Django plugin both load settings with no secret configured; demo mode keeps the start-up
refusal of demo-only settings (``masthead/checks.py``) out of their way. Never deploy this.
"""

import os

os.environ.setdefault("MASTHEAD_DEMO", "True")
os.environ.setdefault(
    "MASTHEAD_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test")
)
# Tests write events on the caller's thread, inside the test's transaction, not through the
# background flusher (which would write outside it and leak rows between tests).
os.environ.setdefault("ANALYTICS_SYNC", "True")

from masthead.settings import *  # noqa: F403
