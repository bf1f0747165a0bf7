"""The publisher's dashboard in the admin, and its CSV downloads.

Both need a staff account (the admin's login otherwise) with the
``analytics.view_dashboard`` permission (403 otherwise).
"""

from __future__ import annotations

import csv
from collections.abc import Callable

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from masthead.analytics import charts
from masthead.analytics.figures import (
    TABLE_NAMES,
    Period,
    Table,
    all_tables,
    headline_figures,
    table_named,
)
from masthead.analytics.forms import period_from, presets

PERMISSION = "analytics.view_dashboard"
View = Callable[..., HttpResponse]


def _dashboard_view(view: View) -> View:
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied("The dashboard needs the view dashboard permission.")
        return view(request, *args, **kwargs)

    # admin_view: staff login, never cached, CSRF-protected like the rest of the admin.
    return admin.site.admin_view(checked)


def _dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.now().date()
    form, period = period_from(request.GET, today)
    context = {**admin.site.each_context(request), "title": "Dashboard", "form": form}
    if period is not None:
        tables = all_tables(period)
        svgs = {
            name: mark_safe(svg)  # noqa: S308 - matplotlib's own SVG, its text escaped
            for name, svg in charts.draw_all(tables, today).items()
        }
        query = request.GET.urlencode() or _query_of(period)
        context.update(period=period, tables=tables, charts=svgs, query=query)
        context["headlines"] = headline_figures(tables)
        context["presets"] = [
            (label, _query_of(choice), choice == period)
            for label, choice in presets(today, period.section)
        ]
    context["retention_days"] = settings.ANALYTICS_RETENTION_DAYS
    return render(request, "analytics/dashboard.html", context)


def _query_of(period: Period) -> str:
    query = QueryDict(mutable=True)
    query.update({"since": period.since.isoformat(), "until": period.until.isoformat()})
    query["section"] = period.section
    return query.urlencode()


def _download_csv(request: HttpRequest, name: str) -> HttpResponse:
    if name not in TABLE_NAMES:
        raise Http404("No such table.")
    _, period = period_from(request.GET, timezone.now().date())
    if period is None:
        return HttpResponse("Invalid period.\n", status=400, content_type="text/plain")
    table = table_named(period, name)
    assert table is not None  # the name was checked above
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    section = f"-{period.section}" if period.section else ""
    filename = f"masthead-{name}{section}-{period.since}-{period.until}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(table, response)
    return response


def write_csv(table: Table, out: HttpResponse) -> None:
    """Write ``table`` (a header line, then its rows) to ``out`` as CSV."""
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows([_safe_cell(cell) for cell in row] for row in table.rows)


def _safe_cell(cell: object) -> object:
    # A headline starting with "=" would run as a formula in a spreadsheet: quote it.
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


dashboard = _dashboard_view(_dashboard)
download_csv = _dashboard_view(_download_csv)
