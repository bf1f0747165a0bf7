"""The collaborators the access check reaches through dotted paths in settings.

``access`` imports no other app: the content source, the entitlements loader, the gift
verifier and the crawler verifier are named in ``PAYWALL_*`` settings and loaded here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Any, Protocol, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from masthead.access.policy import (
    NO_ENTITLEMENTS,
    NOT_A_CRAWLER,
    ArticleFacts,
    CrawlerVerdict,
    Entitlements,
    GiftGrant,
)

logger = logging.getLogger(__name__)


class ContentSource(Protocol):
    """What ``PAYWALL_CONTENT_SOURCE`` provides (``masthead.newsroom.paywall``)."""

    def article_facts(self, article_id: int, now: dt.datetime) -> ArticleFacts | None:
        """Return the article's facts, or None when it is missing or not live."""
        ...

    def gated_html(self, article_id: int, *, ad_free: bool) -> str:
        """Return the rendered body after the paywall cut."""
        ...


def content_source() -> ContentSource:
    """Return the module ``PAYWALL_CONTENT_SOURCE`` names."""
    return cast(ContentSource, importlib.import_module(settings.PAYWALL_CONTENT_SOURCE))


def section_name(slug: str) -> str:
    """Return the section's display name through the content source's optional hook.

    The hook ``section_name(slug) -> str | None`` may be missing, fail or know nothing
    of ``slug``: then the slug in words ("real-estate" becomes "Real Estate"). It is only
    for the wall's wording, so a failure never denies or breaks the answer.
    """
    name = None
    try:
        name = getattr(content_source(), "section_name", lambda _slug: None)(slug)
    except Exception:  # noqa: BLE001 - optional hook for wording; the slug will do
        logger.warning("section_name_failed slug=%s", slug)
    if isinstance(name, str) and name.strip():
        return name.strip()
    return slug.replace("-", " ").replace("_", " ").title()


def entitlements_for(user: Any, now: dt.datetime) -> Entitlements:
    """Return the reader's entitlements through ``PAYWALL_ENTITLEMENTS_LOADER``.

    Anonymous readers have none. Errors propagate: the caller fails closed.
    """
    if not getattr(user, "is_authenticated", False):
        return NO_ENTITLEMENTS
    loader = import_string(settings.PAYWALL_ENTITLEMENTS_LOADER)
    result = loader(user, now)
    if not isinstance(result, Entitlements):
        raise TypeError("the entitlements loader must return access.Entitlements")
    return result


def verify_gift(token: str | None, article_id: int, now: dt.datetime) -> GiftGrant | None:
    """Return the gift grant for ``token`` through ``PAYWALL_GIFT_VERIFIER``.

    None when there is no token or the verifier is not installed yet. Errors propagate:
    the caller fails closed.
    """
    if not token:
        return None
    try:
        verifier = import_string(settings.PAYWALL_GIFT_VERIFIER)
    except ImportError:
        logger.warning("gift_verifier_missing")
        return None
    grant = verifier(token, article_id, now)
    return grant if isinstance(grant, GiftGrant) else None


def crawler_verdict(request: HttpRequest) -> CrawlerVerdict:
    """Return the crawler verdict through ``PAYWALL_CRAWLER_VERIFIER``.

    ``NOT_A_CRAWLER`` when the verifier is not installed. Errors propagate: the caller
    fails closed.
    """
    try:
        verifier = import_string(settings.PAYWALL_CRAWLER_VERIFIER)
    except ImportError:
        return NOT_A_CRAWLER
    verdict = verifier(request)
    return verdict if isinstance(verdict, CrawlerVerdict) else NOT_A_CRAWLER
