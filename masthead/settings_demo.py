"""The real settings in demo mode, for tools that load them without a deployment's environment.

pytest (pytest-django imports the settings before the root ``conftest.py`` runs) and the mypy
Django plugin both load settings with no secret configured; demo mode keeps the start-up
refusal of demo-only settings (``masthead/core/deploy_checks.py``) out of their way.
Never deploy this.
"""

import os
from typing import Any, cast

os.environ.setdefault("MASTHEAD_DEMO", "True")
os.environ.setdefault(
    "MASTHEAD_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test")
)
# Tests write events on the caller's thread, inside the test's transaction, not through the
# background flusher (which would write outside it and leak rows between tests).
os.environ.setdefault("ANALYTICS_SYNC", "True")

from masthead.settings import *  # noqa: F403

# Several people (and CI steps) run the suite at once in one working tree: give each test
# process a SQLite test database of its own, or one run deletes another's mid-test.
_default = cast(dict[str, Any], DATABASES["default"])  # noqa: F405
if str(_default["ENGINE"]).endswith("sqlite3"):
    _test = _default.setdefault("TEST", {})
    _name = str(_test.get("NAME") or VAR_DIR / "masthead.test.sqlite3")  # noqa: F405
    _test["NAME"] = _name.removesuffix(".sqlite3") + f".{os.getpid()}.sqlite3"
