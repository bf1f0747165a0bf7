"""Time-zone names are checked in one place."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from masthead.core.timezones import is_time_zone, time_zone, time_zone_or, validate_time_zone

NOT_ZONES = ["Mars/Olympus_Mons", "", "../etc/passwd", "/abs", "America/", "UTC\x00"]


def test_it_knows_real_zones() -> None:
    assert time_zone("America/New_York") == zoneinfo.ZoneInfo("America/New_York")
    assert is_time_zone("UTC")


@pytest.mark.parametrize("name", NOT_ZONES)
def test_it_refuses_names_that_are_not_zones(name: str) -> None:
    assert time_zone(name) is None
    assert not is_time_zone(name)
    assert time_zone_or(name, dt.UTC) is dt.UTC
    with pytest.raises(ValidationError, match="is not a time zone name"):
        validate_time_zone(name)


def test_blank_passes_only_when_allowed() -> None:
    validate_time_zone("", allow_blank=True)
    validate_time_zone("Europe/Zurich")
    with pytest.raises(ValidationError):
        validate_time_zone("Nowhere", allow_blank=True)


def test_the_fallback_is_used_only_for_bad_names() -> None:
    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    assert time_zone_or("Europe/Zurich", dt.UTC) == zurich
    assert time_zone_or("Nowhere", zurich) is zurich
