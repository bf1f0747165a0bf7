"""A stored experiment's exposures and outcomes as a logged randomised experiment (what-if).

Arms are read as overrides of one neutral base policy (``Policy()``): what-if only asks
which arm ran the asked-for change and which ran none, and an arm's overrides say that
whatever the saved policy was at the time.
"""

from __future__ import annotations

import numpy as np

from masthead.access import Policy
from masthead.experiments.models import Experiment, Exposure, Outcome
from masthead.experiments.overrides import arm_policy
from masthead.experiments.whatif import LoggedExperiment

OUTCOMES: tuple[str, ...] = ("registered", "subscribed", "reads", "walls", "revenue")


def logged_experiment(experiment: Experiment) -> LoggedExperiment:
    """Return the experiment's readers, arms, first sections and outcomes; bad arms raise."""
    arms = list(experiment.arms.all())
    base = Policy()
    index = {arm.pk: position for position, arm in enumerate(arms)}
    total = float(sum(arm.share for arm in arms)) or 1.0
    rows = list(
        Exposure.objects.filter(experiment=experiment)
        .order_by("pk")
        .values_list("pk", "arm_id", "first_section", "reads", "walls")
    )
    position = {pk: i for i, (pk, *_rest) in enumerate(rows)}
    sections = sorted({row[2] for row in rows})
    section_index = {name: i for i, name in enumerate(sections)}
    registered = np.zeros(len(rows))
    subscribed = np.zeros(len(rows))
    revenue = np.zeros(len(rows))
    outcomes = Outcome.objects.filter(exposure__experiment=experiment).values_list(
        "exposure_id", "kind", "revenue_minor"
    )
    for exposure_id, kind, minor in outcomes:
        i = position[exposure_id]
        if kind == Outcome.Kind.REGISTRATION:
            registered[i] = 1.0
        elif kind == Outcome.Kind.SUBSCRIPTION:
            subscribed[i] = 1.0
            revenue[i] += (minor or 0) / 100
    return LoggedExperiment(
        base_policy=base,
        arm_policies=tuple(arm_policy(base, arm.overrides) for arm in arms),
        shares=tuple(float(arm.share) / total for arm in arms),
        arm=np.array([index[row[1]] for row in rows], np.int64),
        covariate=np.array([section_index[row[2]] for row in rows], np.int64),
        outcomes={
            "registered": registered,
            "subscribed": subscribed,
            "reads": np.array([row[3] for row in rows], np.float64),
            "walls": np.array([row[4] for row in rows], np.float64),
            "revenue": revenue,
        },
    )
