from django.contrib import admin

from .models import AccessGrant


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin[AccessGrant]):
    list_display = ("user", "note", "starts_at", "ends_at", "ad_free")
    search_fields = ("user__email", "note")
    autocomplete_fields = ("user",)
    filter_horizontal = ("sections",)
