"""The experiments page under the admin: read an experiment, stop it, ship an arm.

Staff with ``experiments.run_experiment`` only (403 otherwise); shipping also needs the
right to change the paywall policy. Stop and Ship are POSTs behind the admin's CSRF
protection, and both are written to the admin history (``LogEntry``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from masthead.access import forget_policy, overridden_settings, save_policy
from masthead.experiments import assignment
from masthead.experiments.models import Experiment
from masthead.experiments.overrides import clean_overrides, describe
from masthead.experiments.reading import read_experiment

PERMISSION = "experiments.run_experiment"
SHIP_PERMISSION = "access.change_paywallpolicy"
View = Callable[..., HttpResponse]


def _experiments_view(view: View) -> View:
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied("The experiments page needs the run experiments permission.")
        return view(request, *args, **kwargs)

    # admin_view: staff login, never cached, the admin's CSRF protection.
    return admin.site.admin_view(checked)


def _index(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Experiments",
        "experiments": Experiment.objects.all(),
    }
    return render(request, "experiments/index.html", context)


def _detail(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = get_object_or_404(Experiment, pk=pk)
    assignment.flush_counts()
    reading = read_experiment(experiment)
    arms = list(experiment.arms.all())
    shippable = [
        (arm.name, describe(arm.overrides), overridden_settings(_changes(arm.overrides)))
        for arm in arms
    ]
    context = {
        **admin.site.each_context(request),
        "title": f"Experiment: {experiment.name}",
        "experiment": experiment,
        "reading": reading,
        "rows": [
            {
                "arm": arm,
                "reads": arm.per_reader(arm.reads),
                "walls": arm.per_reader(arm.walls),
                "share_pct": arm.share * 100,
                "registration_pct": 100 * arm.per_reader(arm.registrations),
                "subscription_pct": 100 * arm.per_reader(arm.subscriptions),
                "revenue": arm.per_reader(arm.revenue_minor) / 100,
                "revenue_total": arm.revenue_minor / 100,
            }
            for arm in reading.arms
        ],
        "shippable": shippable,
        "can_ship": request.user.has_perm(SHIP_PERMISSION),
        "is_open": experiment.stopped_at is None,
    }
    return render(request, "experiments/detail.html", context)


def _changes(raw: object) -> dict[str, object]:
    try:
        return clean_overrides(raw)
    except ValueError:
        return {}


def _log(request: HttpRequest, obj: Any, message: str) -> None:
    LogEntry.objects.create(
        user_id=int(request.user.pk or 0),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message=message,
    )


def _stop(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = get_object_or_404(Experiment, pk=pk)
    if experiment.stopped_at is None:
        experiment.stopped_at = timezone.now()
        experiment.save(update_fields=["stopped_at"])
        _log(request, experiment, "Stopped: every reader is back on the policy.")
        messages.success(
            request, f"“{experiment.name}” is stopped: every reader is back on the policy."
        )
    return HttpResponseRedirect(reverse("experiments:detail", args=[pk]))


def _ship(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(SHIP_PERMISSION):
        raise PermissionDenied("Shipping needs the right to change the paywall policy.")
    experiment = get_object_or_404(Experiment, pk=pk)
    back = HttpResponseRedirect(reverse("experiments:detail", args=[pk]))
    arm = experiment.arms.filter(name=request.POST.get("arm", "")).first()
    if arm is None:
        messages.error(request, "There is no such arm in this experiment.")
        return back
    try:
        changes = clean_overrides(arm.overrides)
        overridden = save_policy(changes)
    except ValueError as exc:
        messages.error(request, f"The arm could not be shipped: {exc}")
        return back
    forget_policy()
    experiment.stopped_at = experiment.stopped_at or timezone.now()
    experiment.shipped_arm = arm.name
    experiment.save(update_fields=["stopped_at", "shipped_arm"])
    shipped = describe(arm.overrides)
    policy_row = apps.get_model("access", "PaywallPolicy").objects.get()
    _log(request, policy_row, f"Shipped arm “{arm.name}” of “{experiment.name}”: {shipped}.")
    _log(request, experiment, f"Shipped arm “{arm.name}” ({shipped}) and stopped.")
    messages.success(request, f"Arm “{arm.name}” is now the paywall policy ({shipped}).")
    if overridden:
        messages.warning(
            request,
            f"{', '.join(overridden)} {'is' if len(overridden) == 1 else 'are'} set in the "
            "environment and override what was shipped: readers will not see it until "
            "the setting is removed.",
        )
    return back


index = _experiments_view(_index)
detail = _experiments_view(_detail)
stop = _experiments_view(require_POST(_stop))
ship = _experiments_view(require_POST(_ship))
