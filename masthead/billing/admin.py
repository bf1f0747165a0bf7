from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from masthead.access import AccessLevel

from .models import AccessGrant, Plan, Subscription, WebhookEvent

_PAYWALLED = [choice for choice in AccessLevel.choices if choice[0] != AccessLevel.FREE]


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin[AccessGrant]):
    list_display = ("user", "note", "starts_at", "ends_at", "ad_free")
    search_fields = ("user__email", "note")
    autocomplete_fields = ("user",)
    filter_horizontal = ("sections",)


class PlanForm(forms.ModelForm[Plan]):
    """The plan form, with the levels as check boxes instead of raw JSON."""

    levels = forms.MultipleChoiceField(
        choices=_PAYWALLED, widget=forms.CheckboxSelectMultiple, help_text="What the plan opens."
    )

    class Meta:
        model = Plan
        fields = (
            "name",
            "slug",
            "description",
            "price_minor",
            "currency",
            "interval",
            "trial_days",
            "levels",
            "sections",
            "ad_free",
            "stripe_price_id",
            "is_active",
            "position",
        )


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    form = PlanForm
    list_display = ("name", "slug", "price_display", "interval", "ad_free", "is_active")
    list_editable = ("is_active",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("sections",)


DUPLICATE_WARNING = (
    "{count} reader(s) hold a second live subscription made outside Masthead (flagged "
    "“duplicate”). They keep what both open and nothing was cancelled; refund or cancel "
    "the extra one in the payment provider's dashboard if the reader asks."
)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = (
        "user",
        "plan",
        "status",
        "current_period_end",
        "cancel_at_period_end",
        "pending_plan",
        "is_duplicate",
    )
    list_filter = ("status", "provider", "is_duplicate", "plan")
    search_fields = ("user__email", "provider_subscription_id", "provider_customer_id")
    autocomplete_fields = ("user",)
    readonly_fields = (
        "provider_state_at",
        "created_at",
        "updated_at",
        "is_duplicate",
        "pending_schedule_id",
    )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """List subscriptions, warning about live duplicates the provider reported."""
        duplicates = Subscription.objects.live().filter(is_duplicate=True)
        count = duplicates.values("user").distinct().count()
        if count:
            messages.warning(request, DUPLICATE_WARNING.format(count=count))
        return super().changelist_view(request, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Show a subscription, warning when it is a live duplicate."""
        found = (
            Subscription.objects.filter(pk=object_id, is_duplicate=True).first()
            if str(object_id).isdigit()
            else None
        )
        if found is not None and found.is_live:
            messages.warning(
                request,
                "This is a second live subscription of the same reader, reported by the "
                "payment provider. It still opens its plan; nothing was cancelled.",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin[WebhookEvent]):
    list_display = ("event_id", "kind", "received_at", "processed_at", "deliveries", "is_failed")
    list_filter = ("kind", "is_failed")
    search_fields = ("event_id",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
