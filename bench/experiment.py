"""Make sure an experiment is running in the bench database (for ``access_checks_experiment``).

The demo loads one already (``masthead/demo/experiment.py``); this starts one of the same
shape when none runs, so the figure never measures checks without an experiment by mistake.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Ensure a running experiment; print its name; 0 on success."""
    import django

    django.setup()
    from masthead.demo.experiment import running_experiment

    print(f"experiment: {running_experiment().name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
