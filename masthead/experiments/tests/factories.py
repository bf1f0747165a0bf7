"""Builders for experiments stored on the site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from masthead.experiments.models import Arm, Experiment


def experiment(
    arms: Sequence[tuple[str, float, dict[str, Any]]] = (
        ("control", 50, {}),
        ("generous", 50, {"anonymous_allowance": 5}),
    ),
    *,
    name: str = "allowance",
    running: bool = True,
    **fields: Any,
) -> Experiment:
    """Return an experiment (running now unless told) with ``(name, share %, overrides)`` arms."""
    now = timezone.now()
    if running:
        fields.setdefault("starts_at", now - dt.timedelta(days=1))
        fields.setdefault("ends_at", now + dt.timedelta(days=30))
    else:
        fields.setdefault("starts_at", now + dt.timedelta(days=10))
        fields.setdefault("ends_at", now + dt.timedelta(days=20))
    made = Experiment.objects.create(name=name, **fields)
    for position, (arm_name, share, overrides) in enumerate(arms):
        Arm.objects.create(
            experiment=made, name=arm_name, share=share, overrides=overrides, position=position
        )
    return made
