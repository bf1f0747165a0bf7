"""Settings the mypy Django plugin loads: the real ones, in demo mode.

Type-checking imports the settings without a deployment's environment; demo mode keeps
the start-up refusal of demo-only settings (``masthead/checks.py``) out of its way.
"""

import os

os.environ.setdefault("MASTHEAD_DEMO", "True")

from masthead.settings import *  # noqa: F403
