"""The paywall's access decision and the interfaces around it.

Other apps import from here only; everything else in this package is internal. This
module is imported while Django is still loading apps (other apps' models use
``AccessLevel``), so it must not import ``access.models`` at import time: the functions
that need the database import it when called.
"""

import typing as _typing

from masthead.access.levels import AccessLevel
from masthead.access.media import SITE_ASSET, MediaUse, PresigningStorage, media_type
from masthead.access.media import placeholder as media_placeholder
from masthead.access.media import sign_placeholders as sign_media
from masthead.access.media import signed_url as signed_media_url
from masthead.access.media_views import serve_media
from masthead.access.meters import CountedRead
from masthead.access.policy import (
    ALL_SECTIONS,
    ANONYMOUS,
    FREE,
    LEVELS,
    METERED,
    NO_ENTITLEMENTS,
    NOT_A_CRAWLER,
    REGISTERED,
    SUBSCRIBER,
    UNAVAILABLE_METER,
    WINDOWS,
    ArticleFacts,
    CrawlerVerdict,
    Decision,
    Entitlements,
    FailMode,
    GiftGrant,
    MeterState,
    Offer,
    Policy,
    ReaderFacts,
    Reason,
    Window,
    decide,
    effective_level,
    is_ad_free,
    meter_applies,
    refuse_gift,
    window_start,
)
from masthead.access.ports import (
    ArmChoice,
    ArmSource,
    ContentSource,
    CrawlerVerifier,
    EntitlementsLoader,
    EntitlementTermsLoader,
    GiftVerifier,
    MediaSource,
)
from masthead.access.snapshot import meter_snapshot
from masthead.access.sources import article_is_live, crawler_verdict
from masthead.access.terms import NO_TERMS, EntitlementTerm, EntitlementTerms

if _typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from django.http import HttpRequest


def current_policy() -> Policy:
    """Return the paywall policy in force: the row saved in the admin, with overrides.

    The row ("Paywall policy" in the admin) is read at most every 10 seconds per process
    and at once after a save; each ``PAYWALL_*`` setting that is set wins over its field.
    When the database cannot be read: the last policy read, else a closed one.
    """
    from masthead.access.policy_loader import load_policy

    return load_policy()


def forget_policy() -> None:
    """Drop this process's cached policy, so ``current_policy`` reads the database again.

    Saving the row in the admin does this already; tests and tools that change the row
    some other way call it.
    """
    from masthead.access.policy_loader import forget_policy as forget

    forget()


def save_policy(changes: "Mapping[str, object]") -> list[str]:
    """Write ``changes`` (``Policy`` field -> value) to the saved policy; return overrides.

    For shipping an experiment's arm. Sections are sets of slugs; every other field is
    stored as given. The row is validated like the admin's form (``ValueError`` when it
    does not validate). Returns the ``PAYWALL_*`` settings that are set and override one
    of the changed fields: what is shipped does not take effect while they stay set.
    """
    from masthead.access.policy_loader import save_policy as save

    return save(changes)


def overridden_settings(fields: "Iterable[str]") -> list[str]:
    """Return the ``PAYWALL_*`` settings that are set and override one of ``fields``."""
    from masthead.access.policy_loader import overridden_settings as overridden

    return overridden(fields)


def visitor_of(request: "HttpRequest") -> str | None:
    """Return the request's visitor id (from its signed cookie), or None."""
    from masthead.access.visitors import visitor_from

    return visitor_from(request)


def erase_reader(user_id: int) -> int:
    """Erase account ``user_id``'s meter history (SQL rows and Redis keys); return reads erased.

    For account deletion. Other readers' meters are untouched; a Redis outage is logged
    and does not stop the deletion (the keys expire within 32 days on their own).
    """
    from masthead.access.meters import erase_account

    return erase_account(user_id)


def content_changed() -> None:
    """Say that newsroom content changed (any save): the access check reloads what it holds.

    Starts a new content generation in the meter's Redis, which the check's hot path
    compares with the one its in-process article facts and cached gated parts were made
    under, and drops this process's rendered walls. Never raises for Redis being down.
    """
    from masthead.access.hotpath import content_changed as changed

    changed()


def lean_check_app(app: "Callable[..., Iterable[bytes]]") -> "Callable[..., Iterable[bytes]]":
    """Return the WSGI application ``app`` with the access check's lean path in front.

    Anonymous ``POST /api/access/`` requests are answered in one Redis round trip ahead
    of the middleware they do not need; everything else reaches ``app`` unchanged.
    """
    from masthead.access.lean import LeanCheckApp

    return LeanCheckApp(app)
def bump_reader_generation(user_id: int) -> bool:
    """Make account ``user_id``'s reader passes stale: its next check reads the database.

    Call it whenever something ends or changes the reader's access or identity (a refund,
    a cancellation, a plan change, a grant, a confirmed address, a new password, logout,
    deactivation, deletion). It acts at once and again when the surrounding transaction
    commits. Returns False when Redis could not be reached: this process then ignores
    passes for one pass lifetime (docs/design.md, "The reader pass"). Without a Redis
    meter it does nothing.
    """
    from masthead.access.generations import bump

    return bump(user_id)


def reading_history(user_id: int) -> list[CountedRead]:
    """Return the articles on account ``user_id``'s meter and when each was counted."""
    from masthead.access.meters import account_history

    return account_history(user_id)


__all__ = [
    "ALL_SECTIONS",
    "ANONYMOUS",
    "FREE",
    "LEVELS",
    "METERED",
    "NOT_A_CRAWLER",
    "NO_ENTITLEMENTS",
    "NO_TERMS",
    "REGISTERED",
    "SITE_ASSET",
    "SUBSCRIBER",
    "UNAVAILABLE_METER",
    "WINDOWS",
    "AccessLevel",
    "ArmChoice",
    "ArmSource",
    "ArticleFacts",
    "ContentSource",
    "CountedRead",
    "CrawlerVerdict",
    "CrawlerVerifier",
    "Decision",
    "EntitlementTerm",
    "EntitlementTerms",
    "EntitlementTermsLoader",
    "Entitlements",
    "EntitlementsLoader",
    "FailMode",
    "GiftGrant",
    "GiftVerifier",
    "MediaSource",
    "MediaUse",
    "MeterState",
    "Offer",
    "Policy",
    "PresigningStorage",
    "ReaderFacts",
    "Reason",
    "Window",
    "article_is_live",
    "bump_reader_generation",
    "content_changed",
    "crawler_verdict",
    "current_policy",
    "decide",
    "effective_level",
    "erase_reader",
    "forget_policy",
    "is_ad_free",
    "lean_check_app",
    "media_placeholder",
    "media_type",
    "meter_applies",
    "meter_snapshot",
    "overridden_settings",
    "reading_history",
    "refuse_gift",
    "save_policy",
    "serve_media",
    "sign_media",
    "signed_media_url",
    "visitor_of",
    "window_start",
]
