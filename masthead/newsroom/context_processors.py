"""Template context every page gets."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Publication


def publication(request: HttpRequest) -> dict[str, object]:
    """Return the publication, loaded only if a template uses it."""
    return {"publication": SimpleLazyObject(Publication.current)}
