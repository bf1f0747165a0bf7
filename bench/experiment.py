"""Start the bench's A/A experiment (for ``access_checks_experiment``).

The figure measures what *assigning* an arm costs, so both arms decide alike: one is the
policy as it is, the other overrides a field with the value it already has (so the arm's
policy is still built with ``dataclasses.replace``). An arm that opened more articles
would make the figure measure its extra gated pages instead. The demo's experiment is
stopped first: experiments may not overlap.
"""

from __future__ import annotations

import datetime as dt
import sys


def main() -> int:
    """Stop whatever runs, start the A/A experiment; print its name; 0 on success."""
    import django

    django.setup()
    from django.utils import timezone

    from masthead.access import current_policy
    from masthead.experiments.models import Arm, Experiment

    now = timezone.now()
    Experiment.objects.filter(stopped_at__isnull=True).update(stopped_at=now)
    made = Experiment.objects.create(
        name=f"bench A/A {now:%Y-%m-%d %H:%M:%S}",
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(days=1),
    )
    same = {"anonymous_allowance": current_policy().anonymous_allowance}
    Arm.objects.create(experiment=made, name="a", share=50, overrides={}, position=0)
    Arm.objects.create(experiment=made, name="b", share=50, overrides=same, position=1)
    print(f"experiment: {made.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
