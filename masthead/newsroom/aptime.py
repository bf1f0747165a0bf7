"""Dates and times as the Associated Press writes them, in the publication's zone.

"Feb. 18, 2025"; "1 p.m.", "1:47 p.m.", "noon", "midnight"; US zones as ET, CT, MT, PT,
AKT and HT (never EST/EDT); other zones by their own abbreviation.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

# AP spells out March through July and abbreviates the rest.
_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
# Daylight and standard abbreviations of US zones collapse to AP's zone names.
_US_ZONES = {
    "EST": "ET",
    "EDT": "ET",
    "CST": "CT",
    "CDT": "CT",
    "MST": "MT",
    "MDT": "MT",
    "PST": "PT",
    "PDT": "PT",
    "AKST": "AKT",
    "AKDT": "AKT",
    "HST": "HT",
    "HDT": "HT",
}
# "CST" is also China Standard Time: only zones in the Americas get the US names.
_US_PREFIXES = ("America/", "US/", "Pacific/Honolulu", "Pacific/Johnston")


def local(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return ``moment`` in ``zone``; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone)


def ap_date(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Return the local date as "Feb. 18, 2025"."""
    day = local(moment, zone)
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def ap_clock(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Return the local time of day as "1 p.m.", "1:47 a.m.", "noon" or "midnight"."""
    when = local(moment, zone)
    if when.minute == 0 and when.hour in (0, 12):
        return "midnight" if when.hour == 0 else "noon"
    hour = when.hour % 12 or 12
    suffix = "a.m." if when.hour < 12 else "p.m."
    if when.minute == 0:
        return f"{hour} {suffix}"
    return f"{hour}:{when.minute:02d} {suffix}"


def zone_abbreviation(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Return the zone as AP names it: "ET" for New York in winter and summer alike."""
    name = local(moment, zone).tzname() or ""
    if zone.key.startswith(_US_PREFIXES):
        return _US_ZONES.get(name, name)
    return name


def ap_time(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Return "1:47 p.m. ET"."""
    return f"{ap_clock(moment, zone)} {zone_abbreviation(moment, zone)}"


def ap_updated(updated: dt.datetime, published: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    """Return "Updated 1:47 p.m. ET", naming the date too when it differs from publication."""
    same_day = (
        published is not None and local(published, zone).date() == local(updated, zone).date()
    )
    if same_day:
        return f"Updated {ap_time(updated, zone)}"
    return f"Updated {ap_date(updated, zone)}, {ap_time(updated, zone)}"
