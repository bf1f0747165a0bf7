"""The newsroom in the Django admin: publication, desks, people, media, articles, pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags

from masthead.access import signed_media_url

from .article_page import is_free, render_article
from .models import Article, Author, Block, Page, Publication, Section, Video
from .rendering import body_blocks, lead_in_length, split_body


class _SignedFile:
    """A stored file as the admin's "Currently:" link shows it: its name, a signed URL."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url

    def __str__(self) -> str:
        return self.name


class SignedLinkFileWidget(AdminFileWidget):
    """The admin's file input, its "Currently:" link signed.

    A file only a gated part or an unpublished story shows is a 404 at its plain URL
    (protected media), so the editor's link carries a short-lived signature instead.
    """

    def format_value(self, value: Any) -> Any:
        """Return the current file with a signed ``url``, or what Django would."""
        value = super().format_value(value)
        name = getattr(value, "name", "")
        if value and name:
            return _SignedFile(str(name), signed_media_url(str(name), timezone.now()))
        return value


SIGNED_FILE_LINKS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.ImageField: {"widget": SignedLinkFileWidget},
    models.FileField: {"widget": SignedLinkFileWidget},
}


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin[Publication]):
    list_display = ("name", "time_zone", "lead_in_paragraphs", "ad_every_paragraphs")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One publication per site: the first row is the one in use.
        return super().has_add_permission(request) and not Publication.objects.exists()


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin[Section]):
    list_display = ("name", "slug", "default_access_level", "position")
    list_editable = ("position",)
    list_filter = ("default_access_level",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin[Author]):
    list_display = ("name", "role", "slug")
    search_fields = ("name", "role", "bio")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin[Video]):
    formfield_overrides = SIGNED_FILE_LINKS
    list_display = ("title", "credit", "has_transcript")
    search_fields = ("title", "caption", "transcript")

    @admin.display(boolean=True, description="Transcript")
    def has_transcript(self, obj: Video) -> bool:
        return bool(obj.transcript.strip())


CONFIRM_FIELD = "confirm_nothing_before_gate"
CONFIRM_LABEL = "Show no article text before the gate"
BREAK_TOO_EARLY = (
    "The paywall break comes before the first paragraph, so readers would see no "
    "article text before the gate, only the headline and summary. Move the break below "
    f"at least one paragraph, or tick “{CONFIRM_LABEL}” (under Access) and save again."
)
NO_LEAD_IN = (
    "With 0 lead-in paragraphs readers see no article text before the gate, only the "
    f"headline and summary. Leave it blank or raise it, or tick “{CONFIRM_LABEL}”."
)
# A preview shorter than this many words gets a warning in the editor.
SHORT_PREVIEW_WORDS = 40


def _confirmed(data: object) -> bool:
    """Return True when the editor ticked the nothing-before-the-gate confirmation."""
    value = getattr(data, "get", lambda _name: None)(CONFIRM_FIELD)
    return str(value or "").lower() in ("on", "true", "1")


class ArticleAdminForm(forms.ModelForm[Article]):
    """The article form, with the confirmation an empty preview needs."""

    confirm_nothing_before_gate = forms.BooleanField(
        required=False,
        label=CONFIRM_LABEL,
        help_text="Needed to save a paywall break above the first paragraph or a lead-in of "
        "0 paragraphs. It is asked on every such save; nothing is stored.",
    )

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin narrows it to its fieldsets

    def clean(self) -> dict[str, object]:
        """Refuse a lead-in length of 0 unless the editor confirms it."""
        data = super().clean() or {}
        if data.get("lead_in_paragraphs") == 0 and not data.get(CONFIRM_FIELD):
            self.add_error("lead_in_paragraphs", NO_LEAD_IN)
        return data


class BlockFormSet(BaseInlineFormSet[Block, Article, forms.ModelForm[Block]]):
    """The body's rows, checked together: a paywall break needs a paragraph above it."""

    def clean(self) -> None:
        """Refuse a first paywall break above the first paragraph, unless confirmed.

        The confirmation is a field of the article's own form; the formset reads it
        from the same POST data.
        """
        super().clean()
        kinds = [kind for _, kind in sorted(self._kept_rows())]
        if Block.Kind.PAYWALL_BREAK not in kinds:
            return
        first_break = kinds.index(Block.Kind.PAYWALL_BREAK)
        if Block.Kind.PARAGRAPH not in kinds[:first_break] and not _confirmed(self.data):
            raise ValidationError(BREAK_TOO_EARLY)

    def _kept_rows(self) -> list[tuple[tuple[int, int], str]]:
        """Return ((position, row), kind) for each row that will be saved."""
        rows = []
        for number, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            rows.append(((data.get("position") or 0, number), str(data.get("kind", ""))))
        return rows


class BlockInline(admin.StackedInline[Block, Article]):
    """The body, one block per row; drag a block's header to reorder (admin/blocks.js)."""

    model = Block
    formset = BlockFormSet
    extra = 1
    ordering = ("position", "pk")
    classes = ("masthead-blocks",)
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4})},
        **SIGNED_FILE_LINKS,
    }
    autocomplete_fields = ("video",)
    fields = (
        ("kind", "position"),
        "text",
        ("image", "alt"),
        ("caption", "credit"),
        "video",
        "attribution",
    )


def reader_preview_report(article: Article, publication: Publication) -> tuple[str, str]:
    """Return (the body text a reader sees before the gate, a warning or "")."""
    if is_free(article):
        return "", "Free: every reader gets the whole article; there is no gate."
    split = split_body(body_blocks(article), lead_in_length(article, publication))
    text = " ".join(
        strip_tags(b.html).strip()
        for b in split.lead_in
        if b.kind in (Block.Kind.PARAGRAPH, Block.Kind.SUBHEADING, Block.Kind.PULL_QUOTE)
    ).strip()
    words = len(text.split())
    if not text:
        return "", ("Readers see no article text before the gate, only the headline and summary.")
    if split.sentence_cut:
        return text, (
            "The story is too short to show a whole paragraph before the gate: readers "
            f"see the first sentences of its first paragraph ({words} words)."
        )
    if words < SHORT_PREVIEW_WORDS:
        return text, f"Short preview: readers see {words} words before the gate."
    return text, ""


def _name_split_inputs(field: forms.Field, label: str) -> None:
    """Give the date and the time box of a split date-time widget a name each.

    Django's widget labels only the first box, by the field's label, and writes "Date:"
    and "Time:" as bare text (axe: label, critical); screen readers then announce an
    unnamed time box.
    """
    parts = getattr(field.widget, "widgets", None)
    if not parts or len(parts) != 2:
        return
    parts[0].attrs.setdefault("aria-label", f"{label}: date")
    parts[1].attrs.setdefault("aria-label", f"{label}: time")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    formfield_overrides = SIGNED_FILE_LINKS
    form = ArticleAdminForm
    inlines = (BlockInline,)
    list_display = (
        "headline",
        "section",
        "status",
        "published_at",
        "access_level_shown",
        "is_live_now",
    )
    list_filter = ("status", "section", "access_level", "authors", "published_at")
    list_select_related = ("section",)
    search_fields = ("headline", "summary", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    filter_horizontal = ("authors",)
    autocomplete_fields = ("lead_video",)
    readonly_fields = ("preview_link", "reader_preview")
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("headline", "summary", "slug", "section", "authors")}),
        (
            "Publishing",
            {
                "fields": ("status", "published_at", "updated_at", "correction", "preview_link"),
                "description": "A scheduled article goes live by itself at its time.",
            },
        ),
        (
            "Access",
            {
                "fields": (
                    "access_level",
                    "lead_in_paragraphs",
                    "reader_preview",
                    CONFIRM_FIELD,
                ),
            },
        ),
        (
            "Lead media",
            {
                "fields": (
                    "lead_video",
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                )
            },
        ),
    )

    class Media:
        js = ("newsroom/admin/blocks.js",)
        css = {"all": ("newsroom/admin/blocks.css",)}

    def formfield_for_dbfield(
        self, db_field: models.Field[object, object], request: HttpRequest, **kwargs: object
    ) -> forms.Field | None:
        """Return the field; date-times say which time zone they are typed in."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.DateTimeField):
            zone = Publication.current().time_zone
            note = f"Times are in {zone}, the publication's time zone."
            field.help_text = f"{field.help_text} {note}".strip()
            _name_split_inputs(field, str(db_field.verbose_name).capitalize())
        return field

    @admin.display(description="Access")
    def access_level_shown(self, obj: Article) -> str:
        return obj.access_level or f"{obj.effective_access_level()} (section)"

    @admin.display(boolean=True, description="Live")
    def is_live_now(self, obj: Article) -> bool:
        return obj.is_live(timezone.now())

    @admin.display(description="Preview")
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "Save the article first."
        url = reverse("admin:newsroom_article_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">Preview as reader</a>', url)

    @admin.display(description="Reader's preview")
    def reader_preview(self, obj: Article) -> str:
        """Show the saved body text before the gate, with a warning when it is short."""
        if not obj.pk:
            return "Save the article to see what readers get before the gate."
        text, warning = reader_preview_report(obj, Publication.current())
        shown = text if len(text) <= 600 else text[:600].rsplit(" ", 1)[0] + " …"
        if not warning:
            return format_html('<span class="reader-preview">{}</span>', shown)
        return format_html(
            '<strong class="reader-preview-warning" role="note">{}</strong>'
            '<br><span class="reader-preview">{}</span>',
            warning,
            shown,
        )

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "<int:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="newsroom_article_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Return the page exactly as an anonymous reader gets it, drafts included.

        Staff only (``admin_view``) and only for editors who may view articles. No
        reader scripts are loaded, so the gate stays shut even for a subscribed editor.
        """
        article = get_object_or_404(
            Article.objects.select_related("section", "lead_video"), pk=object_id
        )
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return render_article(request, article, timezone.now(), is_preview=True)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).prefetch_related("authors")


@admin.register(Page)
class PageAdmin(admin.ModelAdmin[Page]):
    list_display = ("title", "slug", "modified_at")
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
