"""AP style dates and times in the publication's zone, across daylight-saving changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from masthead.newsroom import aptime

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (1, "Jan. 15, 2025"),
        (2, "Feb. 15, 2025"),
        (3, "March 15, 2025"),
        (4, "April 15, 2025"),
        (5, "May 15, 2025"),
        (6, "June 15, 2025"),
        (7, "July 15, 2025"),
        (8, "Aug. 15, 2025"),
        (9, "Sept. 15, 2025"),
        (10, "Oct. 15, 2025"),
        (11, "Nov. 15, 2025"),
        (12, "Dec. 15, 2025"),
    ],
)
def test_it_abbreviates_months_as_ap_does(month: int, expected: str) -> None:
    assert aptime.ap_date(at(2025, month, 15, 17), NEW_YORK) == expected


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (at(2025, 2, 18, 18, 47), "1:47 p.m. ET"),
        (at(2025, 2, 18, 18, 0), "1 p.m. ET"),
        (at(2025, 2, 18, 17, 0), "noon ET"),
        (at(2025, 2, 18, 5, 0), "midnight ET"),
        (at(2025, 2, 18, 5, 5), "12:05 a.m. ET"),
        (at(2025, 2, 18, 17, 1), "12:01 p.m. ET"),
        (at(2025, 2, 18, 14, 9), "9:09 a.m. ET"),
    ],
)
def test_it_writes_times_as_ap_does(utc: dt.datetime, expected: str) -> None:
    assert aptime.ap_time(utc, NEW_YORK) == expected


def test_it_says_et_on_both_sides_of_the_spring_change() -> None:
    # 2025-03-09 02:00 EST becomes 03:00 EDT (07:00 UTC).
    before = at(2025, 3, 9, 6, 30)
    after = at(2025, 3, 9, 7, 30)
    assert aptime.ap_time(before, NEW_YORK) == "1:30 a.m. ET"
    assert aptime.ap_time(after, NEW_YORK) == "3:30 a.m. ET"


def test_it_says_et_on_both_sides_of_the_autumn_change() -> None:
    # 2025-11-02 02:00 EDT falls back to 01:00 EST (06:00 UTC): 1:30 happens twice.
    first = at(2025, 11, 2, 5, 30)
    second = at(2025, 11, 2, 6, 30)
    assert aptime.ap_time(first, NEW_YORK) == "1:30 a.m. ET"
    assert aptime.ap_time(second, NEW_YORK) == "1:30 a.m. ET"


def test_it_keeps_the_same_utc_hour_an_hour_apart_across_dst() -> None:
    winter = at(2025, 1, 10, 18, 0)
    summer = at(2025, 7, 10, 18, 0)
    assert aptime.ap_time(winter, NEW_YORK) == "1 p.m. ET"
    assert aptime.ap_time(summer, NEW_YORK) == "2 p.m. ET"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/Chicago", "CT"),
        ("America/Denver", "MT"),
        ("America/Phoenix", "MT"),
        ("America/Los_Angeles", "PT"),
        ("America/Anchorage", "AKT"),
        ("Pacific/Honolulu", "HT"),
        ("Europe/London", "BST"),
        ("Asia/Shanghai", "CST"),
    ],
)
def test_it_names_zones_as_ap_does(zone: str, expected: str) -> None:
    summer = at(2025, 7, 1, 12)
    assert aptime.zone_abbreviation(summer, zoneinfo.ZoneInfo(zone)) == expected


def test_it_dates_by_the_local_day_not_utc() -> None:
    late_evening = at(2025, 2, 19, 3, 15)  # 10:15 p.m. on Feb. 18 in New York
    assert aptime.ap_date(late_evening, NEW_YORK) == "Feb. 18, 2025"


def test_it_writes_updated_with_the_time_on_the_same_day() -> None:
    published = at(2025, 2, 18, 14)
    updated = at(2025, 2, 18, 18, 47)
    assert aptime.ap_updated(updated, published, NEW_YORK) == "Updated 1:47 p.m. ET"


def test_it_writes_updated_with_the_date_on_another_day() -> None:
    published = at(2025, 3, 8, 14)
    updated = at(2025, 3, 10, 16, 0)  # after the spring change: noon EDT
    assert aptime.ap_updated(updated, published, NEW_YORK) == "Updated March 10, 2025, noon ET"


def test_it_reads_naive_times_as_utc() -> None:
    naive = dt.datetime(2025, 2, 18, 18, 47)
    assert aptime.ap_time(naive, NEW_YORK) == "1:47 p.m. ET"
