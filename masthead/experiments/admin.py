"""Experiments in the admin: refused when they overlap, do not add up or change while running."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from masthead.experiments.models import Arm, Experiment
from masthead.experiments.overrides import ARM_FIELDS

RUNNING_REFUSAL = (
    "This experiment is running: its arms, shares and dates cannot change while readers "
    "are being compared (the comparison would mix two experiments). Stop it on the "
    "experiments page, then start a new one."
)


def _is_running_now(experiment: Experiment) -> bool:
    if experiment.pk is None:
        return False
    stored = Experiment.objects.filter(pk=experiment.pk).first()
    return stored is not None and stored.is_running(timezone.now())


class ExperimentForm(forms.ModelForm):  # type: ignore[type-arg]
    """The experiment's own fields; a running experiment is refused as a whole."""

    class Meta:
        model = Experiment
        fields = (
            "name",
            "description",
            "starts_at",
            "ends_at",
            "planned_readers_per_arm",
            "planned_baseline",
        )

    def clean(self) -> dict[str, Any]:
        """Refuse any change to an experiment that is running now."""
        cleaned: dict[str, Any] = super().clean() or {}
        if _is_running_now(self.instance):
            raise ValidationError(RUNNING_REFUSAL)
        return cleaned


class ArmFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """The arms together: at least one, distinct names, shares adding up to 100 %."""

    def clean(self) -> None:
        """Refuse shares that do not add up to 100 and arms of a running experiment."""
        super().clean()
        if _is_running_now(self.instance) and self.has_changed():
            raise ValidationError(RUNNING_REFUSAL)
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError("An experiment needs at least one arm.")
        if any(data.get("share") is None for data in kept):
            return  # the field's own error says so
        total = sum((Decimal(data["share"]) for data in kept), Decimal(0))
        if total != Decimal(100):
            raise ValidationError(
                f"The arms' shares add up to {total:g} %, not 100 %: every reader must "
                "land in exactly one arm."
            )


class ArmInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Arm
    formset = ArmFormSet
    extra = 2
    fields = ("name", "share", "overrides", "position")


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ExperimentForm
    inlines = [ArmInline]
    list_display = ("name", "starts_at", "ends_at", "state", "results")
    readonly_fields = ("stopped_at", "shipped_arm")

    @admin.display(description="state")
    def state(self, obj: Experiment) -> str:
        """Return the experiment's state now."""
        return obj.status

    @admin.display(description="results")
    def results(self, obj: Experiment) -> str:
        """Link the experiment's reading on the Dashboard."""
        return format_html('<a href="{}">Read it</a>', reverse("experiments:detail", args=[obj.pk]))

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """Show the settings an arm may change under the inline."""
        instances = super().get_inline_instances(request, obj)
        for inline in instances:
            inline.verbose_name_plural = (
                f"arms (settings an arm may change: {', '.join(ARM_FIELDS)})"
            )
        return instances
