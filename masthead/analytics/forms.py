"""The dashboard's filter: a date range and an optional section, with explicit bounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from masthead.analytics.figures import Period

DEFAULT_DAYS = 28
MAX_DAYS = 366


def _section_choices() -> list[tuple[str, str]]:
    from masthead.newsroom.models import Section

    return [("", "All sections"), *Section.objects.values_list("slug", "name")]


class PeriodForm(forms.Form):
    """Pick the days (at most a year) and the section the figures cover."""

    since = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    section = forms.ChoiceField(required=False, choices=_section_choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until:
            if since > until:
                raise forms.ValidationError("The first day must not be after the last day.")
            if (until - since).days + 1 > MAX_DAYS:
                raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        return cleaned

    def period(self) -> Period:
        """Return the chosen period; call only after ``is_valid()`` returned True."""
        data = self.cleaned_data
        return Period(data["since"], data["until"], data.get("section") or "")


def default_period(today: dt.date) -> Period:
    """Return the last ``DEFAULT_DAYS`` days up to and including ``today``, all sections."""
    return Period(today - dt.timedelta(days=DEFAULT_DAYS - 1), today)


PRESET_DAYS = (7, 28, 90)


def presets(today: dt.date, section: str = "") -> list[tuple[str, Period]]:
    """Return the quick choices next to the form: the last 7, 28 and 90 days."""
    return [
        (f"Last {days} days", Period(today - dt.timedelta(days=days - 1), today, section))
        for days in PRESET_DAYS
    ]


def period_from(query: Any, today: dt.date) -> tuple[PeriodForm, Period | None]:
    """Return the bound form and its period; the default period when nothing was asked.

    The period is None when the query was given but is invalid (the form holds the errors).
    """
    if not any(name in query for name in ("since", "until", "section")):
        period = default_period(today)
        initial = {"since": period.since, "until": period.until, "section": ""}
        return PeriodForm(initial=initial), period
    form = PeriodForm(query)
    return form, (form.period() if form.is_valid() else None)
