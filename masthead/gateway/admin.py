"""The level rules (edited by editors) and the origin articles (read-only, for checking)."""

from __future__ import annotations

from django.contrib import admin

from masthead.gateway.models import LevelRule, OriginArticle


@admin.register(LevelRule)
class LevelRuleAdmin(admin.ModelAdmin[LevelRule]):
    """Which origin categories and tags give which section and level."""

    list_display = ("kind", "term", "level", "section", "section_name", "priority")
    list_editable = ("level", "section", "section_name", "priority")
    list_filter = ("kind", "level")
    search_fields = ("term", "section")


@admin.register(OriginArticle)
class OriginArticleAdmin(admin.ModelAdmin[OriginArticle]):
    """What the sync found; changed only by the sync (the origin is the source)."""

    list_display = (
        "title",
        "origin_id",
        "level",
        "section",
        "status",
        "split_problem",
        "synced_at",
    )
    list_filter = ("level", "status", "section")
    search_fields = ("title", "path", "slug")
    fields = (
        "title",
        "origin_id",
        "path",
        "status",
        "level",
        "section",
        "categories",
        "tags",
        "published_at",
        "modified_at",
        "synced_at",
        "split_problem",
        "split_failures",
    )
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        """Records come from the sync only."""
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        """Read-only: the origin is where posts are edited."""
        return False
