"""``python -m masthead.audit``: see ``cli.py``."""

import sys

from masthead.audit.cli import main

sys.exit(main())
