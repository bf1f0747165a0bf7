"""Template filters for AP-style dates and times in the publication's zone, and media URLs.

Usage: ``{{ article.published_at|ap_date:publication.time_zone }}``,
``{% media_src block.image %}``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import template
from django.utils.html import format_html

from masthead.access import media_placeholder
from masthead.core.timezones import time_zone
from masthead.newsroom import aptime

register = template.Library()

_FALLBACK_ZONE = "America/New_York"


def _zone(name: object) -> zoneinfo.ZoneInfo:
    # A bad zone typed into the admin must not take the page down.
    return time_zone(str(name or _FALLBACK_ZONE)) or zoneinfo.ZoneInfo(_FALLBACK_ZONE)


@register.filter
def ap_date(value: dt.datetime | None, zone: str = "") -> str:
    """Return "Feb. 18, 2025", or "" for no value."""
    return aptime.ap_date(value, _zone(zone)) if value else ""


@register.filter
def ap_time(value: dt.datetime | None, zone: str = "") -> str:
    """Return "1:47 p.m. ET", or "" for no value."""
    return aptime.ap_time(value, _zone(zone)) if value else ""


@register.filter
def ap_datetime(value: dt.datetime | None, zone: str = "") -> str:
    """Return "Feb. 18, 2025, 1:47 p.m. ET", or "" for no value."""
    if not value:
        return ""
    return f"{aptime.ap_date(value, _zone(zone))}, {aptime.ap_time(value, _zone(zone))}"


@register.simple_tag
def ap_updated(updated: dt.datetime | None, published: dt.datetime | None, zone: str) -> str:
    """Return "Updated 1:47 p.m. ET" (with the date when it is another day), or ""."""
    return aptime.ap_updated(updated, published, _zone(zone)) if updated else ""


@register.filter
def iso(value: dt.datetime | None) -> str:
    """Return the moment for a ``datetime`` attribute, in UTC ISO 8601."""
    if not value:
        return ""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@register.filter
def article_url(article: Any, publication: Any) -> str:
    """Return ``article``'s URL dated in ``publication``'s zone, without a query per card."""
    return str(article.url_in(_zone(getattr(publication, "time_zone", ""))))


@register.inclusion_tag("newsroom/includes/section_nav.html", takes_context=True)
def section_nav(context: Any) -> dict[str, object]:
    """Return the sections for the site's navigation bar and which one is current.

    A section front is the current page (``aria-current="page"``); an article marks
    its own section (``aria-current="true"``). Both come from the page's own context,
    never from the reader, so the page stays the same for everyone.
    """
    from masthead.newsroom.models import Section

    front = context.get("section")
    story = context.get("article")
    current_page = front.pk if isinstance(front, Section) else None
    current_story = getattr(story, "section_id", None) if current_page is None else None
    return {
        "sections": list(Section.objects.all()[:12]),
        "current_page": current_page,
        "current_story": current_story,
    }


@register.simple_tag
def site_name() -> str:
    """Return the publication's name, or "" when the database cannot say (error pages)."""
    from django.db import DatabaseError

    from masthead.newsroom.models import Publication

    try:
        first = Publication.objects.order_by("pk").values_list("name", flat=True).first()
    except DatabaseError:
        return ""
    return first or ""


@register.simple_tag(takes_context=True)
def media_src(context: template.Context, file: Any) -> str:
    """Return the URL of the stored ``file``, or a placeholder where media are protected.

    ``protect_media`` in the context (the gated part, a page of an article that is not
    live) asks for the paywall's placeholder, signed when the part is sent
    (``access.sign_media``); elsewhere the file's public URL.
    """
    if not file:
        return ""
    if context.get("protect_media"):
        return media_placeholder(file.name)
    return str(file.url)


@register.simple_tag
def image_size(file: Any) -> str:
    """Return ``width="W" height="H"`` for a stored image, or nothing when unknown.

    With both attributes the browser reserves the image's box before it loads, so the
    story below never jumps down when the picture arrives (the stylesheet keeps it fluid).
    """
    if not file:
        return ""
    try:
        width, height = int(file.width), int(file.height)
    except (OSError, ValueError, TypeError):
        return ""  # a missing or unreadable file: the page still renders
    return format_html('width="{}" height="{}"', width, height)


@register.simple_tag(takes_context=True)
def video_src(context: template.Context, video: Any) -> str:
    """Return where a player loads ``video``: its uploaded file (see ``media_src``) or URL."""
    if video.file:
        return media_src(context, video.file)
    return str(video.url)
