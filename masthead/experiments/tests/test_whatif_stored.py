"""meter_whatif on a stored experiment's exposures and outcomes."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from masthead.experiments.models import Exposure, Outcome

from .factories import experiment

pytestmark = pytest.mark.django_db


def _stored() -> int:
    made = experiment()
    now = timezone.now()
    rates = {"control": 10, "generous": 30}  # registrations per 100 readers
    for arm in made.arms.all():
        for i in range(100):
            exposure = Exposure.objects.create(
                experiment=made,
                arm=arm,
                visitor_key=f"{arm.name}{i}",
                first_section=("metro", "politics")[i % 2],
                first_seen_at=now,
                last_seen_at=now,
                reads=3,
            )
            if i < rates[arm.name]:
                Outcome.objects.create(exposure=exposure, kind="registration", at=now)
    return made.pk


def test_it_estimates_from_the_stored_logs() -> None:
    pk = _stored()
    out = io.StringIO()
    call_command("meter_whatif", policy=["anonymous_allowance=5"], replicates=100, stdout=out)
    text = out.getvalue()
    assert f"(id {pk}), stored" in text
    snips = next(line for line in text.splitlines() if line.startswith("snips"))
    # Half the readers ran each policy: 0.10 now, 0.30 changed, +0.20.
    assert snips.split()[1:4] == ["0.1000", "0.3000", "+0.2000"]


def test_it_refuses_a_change_no_stored_experiment_explored() -> None:
    _stored()
    with pytest.raises(CommandError) as refused:
        call_command("meter_whatif", policy=["anonymous_allowance=7"], replicates=50)
    assert refused.value.returncode == 2
    assert "No stored experiment explored this change" in str(refused.value)


def test_it_refuses_when_nothing_is_stored() -> None:
    with pytest.raises(CommandError) as refused:
        call_command("meter_whatif", policy=["anonymous_allowance=5"], replicates=50)
    assert refused.value.returncode == 2
