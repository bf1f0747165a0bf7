"""Asking the ports (``ports.py``) for what the check needs, with the answers checked.

Each function loads its port, calls it and makes sure the answer has the promised type.
Errors propagate: the caller (``checking``) denies. A port that is missing is an error
like any other; start-up refuses such settings before a request can see them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.http import HttpRequest

from masthead.access.policy import (
    NO_ENTITLEMENTS,
    NOT_A_CRAWLER,
    CrawlerVerdict,
    Entitlements,
    GiftGrant,
)
from masthead.access.ports import (
    content_source,
    crawler_verifier,
    entitlement_terms_loader,
    entitlements_loader,
    gift_verifier,
)
from masthead.access.terms import NO_TERMS, EntitlementTerms

logger = logging.getLogger(__name__)


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
    result = entitlements_loader()(user, now)
    if not isinstance(result, Entitlements):
        raise TypeError("the entitlements loader must return access.Entitlements")
    return result


def entitlement_terms_for(user: Any, now: dt.datetime) -> EntitlementTerms | None:
    """Return the reader's terms through ``PAYWALL_ENTITLEMENT_TERMS``; None when it is unset.

    Anonymous readers have none. Errors propagate: the caller fails closed.
    """
    loader = entitlement_terms_loader()
    if loader is None:
        return None
    if not getattr(user, "is_authenticated", False):
        return NO_TERMS
    result = loader(user, now)
    if not isinstance(result, EntitlementTerms):
        raise TypeError("the entitlement terms loader must return access.EntitlementTerms")
    return result


def has_confirmed_email(user: Any) -> bool:
    """Return whether a logged-in reader confirmed their address (the user model's fact).

    The account model says so through a ``has_confirmed_email`` attribute; a model
    without one has no confirmation step, so its readers count as confirmed. Anonymous
    readers have nothing to confirm.
    """
    if not getattr(user, "is_authenticated", False):
        return True
    return bool(getattr(user, "has_confirmed_email", True))


def article_is_live(article_id: int, now: dt.datetime) -> bool:
    """Return True when the content source knows ``article_id`` as a live article.

    Through ``PAYWALL_CONTENT_SOURCE`` (its cached facts): other apps (the ad beacon)
    ask here instead of importing the newsroom. Errors propagate.
    """
    return content_source().article_facts(article_id, now) is not None


def verify_gift(token: str | None, article_id: int, now: dt.datetime) -> GiftGrant | None:
    """Return the gift grant for ``token`` through ``PAYWALL_GIFT_VERIFIER``.

    None when there is no token or it opens nothing here. Errors propagate, a verifier
    that cannot be loaded included: the caller fails closed.
    """
    if not token:
        return None
    grant = gift_verifier()(token, article_id, now)
    return grant if isinstance(grant, GiftGrant) else None


def crawler_verdict(request: HttpRequest) -> CrawlerVerdict:
    """Return the crawler verdict for ``request`` through ``PAYWALL_CRAWLER_VERIFIER``.

    This is the one place the crawler verifier is loaded; the access check and the
    crawler's article page both ask here. An answer of another type counts as no crawler.
    Errors propagate, a verifier that cannot be loaded included: callers fail closed.
    """
    verdict = crawler_verifier()(request)
    return verdict if isinstance(verdict, CrawlerVerdict) else NOT_A_CRAWLER
