"""House ads in the newsroom admin, with their impression counts."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from .models import HouseAd, Impressions


@admin.register(HouseAd)
class HouseAdAdmin(admin.ModelAdmin[HouseAd]):
    list_display = ("name", "weight", "is_active", "starts_at", "ends_at", "total_impressions")
    list_editable = ("weight", "is_active")
    list_filter = ("is_active", "sections", "starts_at", "ends_at")
    search_fields = ("name", "link", "html")
    filter_horizontal = ("sections",)
    fieldsets = (
        (None, {"fields": ("name", "is_active", "weight", "link")}),
        ("Creative", {"fields": ("image", "alt", "html")}),
        ("Where and when", {"fields": ("sections", "starts_at", "ends_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[HouseAd]:
        return super().get_queryset(request).annotate(impression_total=Sum("impressions__count"))

    @admin.display(description="Impressions", ordering="impression_total")
    def total_impressions(self, obj: HouseAd) -> int:
        return getattr(obj, "impression_total", None) or 0


@admin.register(Impressions)
class ImpressionsAdmin(admin.ModelAdmin[Impressions]):
    list_display = ("ad", "day", "count")
    list_filter = ("ad", "day")
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # counted by the beacon only

    def has_change_permission(self, request: HttpRequest, obj: Impressions | None = None) -> bool:
        return False
