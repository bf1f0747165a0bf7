from django.contrib import admin

from .models import GiftLink


@admin.register(GiftLink)
class GiftLinkAdmin(admin.ModelAdmin[GiftLink]):
    list_display = ("article", "sender", "created_at", "expires_at", "revoked_at", "opens")
    search_fields = ("sender__email", "article__headline")
    readonly_fields = ("sender", "article", "created_at", "opens", "last_opened_at")
    exclude = ("token_hash",)
