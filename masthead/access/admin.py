"""The paywall policy in the admin: one row, edited in place, never deleted."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from masthead.access.models import PaywallPolicy


@admin.register(PaywallPolicy)
class PaywallPolicyAdmin(admin.ModelAdmin[PaywallPolicy]):
    """Edit the single policy row; the list page goes straight to it."""

    fieldsets = (
        (
            "The meter",
            {
                "fields": (
                    "anonymous_allowance",
                    "registered_allowance",
                    "window",
                    "time_zone",
                    "network_daily_allowance",
                    "registered_network_daily_allowance",
                )
            },
        ),
        ("Registration", {"fields": ("require_email_confirmation",)}),
        ("Sections and timing", {"fields": ("free_hours", "exempt_sections", "walled_sections")}),
        ("When things go wrong, and crawlers", {"fields": ("fail_mode", "crawler_policy")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Allow adding only while no policy row exists."""
        return not PaywallPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Never delete the policy; edit it instead."""
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        """Send the editor to the policy itself (created with the defaults on first visit)."""
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        policy = PaywallPolicy.current()
        if policy._state.adding:
            policy.save()
        url = reverse("admin:access_paywallpolicy_change", args=[policy.pk])
        return HttpResponseRedirect(url)
