"""The ports: what ``access`` needs from the rest of the site, declared here, plugged in elsewhere.

``access`` imports no other Masthead app but ``core``. Five ports are named by dotted
paths in settings and loaded here, and nowhere else:

- ``PAYWALL_CONTENT_SOURCE``, a module (:class:`ContentSource`): the article's facts and
  its gated part. Optional hooks: ``publication_time_zone()`` and ``section_name(slug)``.
- ``PAYWALL_ENTITLEMENTS_LOADER`` (:class:`EntitlementsLoader`): what a reader's
  subscriptions open.
- ``PAYWALL_ENTITLEMENT_TERMS`` (:class:`EntitlementTermsLoader`), optional: the same
  entitlements with each piece's end, for reader passes (``reader_pass``). Unset: no
  passes; every logged-in check reads the database.
- ``PAYWALL_GIFT_VERIFIER`` (:class:`GiftVerifier`): whether a gift token opens an article.
- ``PAYWALL_CRAWLER_VERIFIER`` (:class:`CrawlerVerifier`): whether the request comes from a
  verified search crawler.
- ``PAYWALL_EXPERIMENT_ARMS`` (:class:`ArmSource`), optional: the experiment arm a reader
  is on and that arm's policy (``masthead.experiments.assignment.arm_for``). Unset: no
  experiments. Unlike the others, a failure here never denies: the reader is checked
  under the plain policy (an experiment that cannot be loaded changes nothing).
- ``PAYWALL_MEDIA_SOURCES``, a list (:class:`MediaSource` each): where an uploaded file is
  shown, for protected media (``media.py``). Every source is asked; their answers add up.

The fifth port is the event recorder, ``masthead.core.events``: ``access`` records its
checks and walls there with typed kinds, and ``analytics`` subscribes. It needs no
setting, since ``core`` sits below every app.

A dotted path that does not import stops the process at start-up (``AccessConfig.ready``)
and fails ``manage.py check`` (``access.E006``). At request time a port that fails to
load or raises denies the check (fail closed); there is no quiet fallback.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from masthead.access.policy import (
    ArticleFacts,
    CrawlerVerdict,
    Entitlements,
    GiftGrant,
    Policy,
    ReaderFacts,
)
from masthead.access.terms import EntitlementTerms
from masthead.core.dotted_paths import DottedSetting

if TYPE_CHECKING:
    from masthead.access.media import MediaUse

CONTENT_SOURCE = "PAYWALL_CONTENT_SOURCE"
ENTITLEMENTS_LOADER = "PAYWALL_ENTITLEMENTS_LOADER"
ENTITLEMENT_TERMS = "PAYWALL_ENTITLEMENT_TERMS"
GIFT_VERIFIER = "PAYWALL_GIFT_VERIFIER"
CRAWLER_VERIFIER = "PAYWALL_CRAWLER_VERIFIER"
MEDIA_SOURCES = "PAYWALL_MEDIA_SOURCES"
EXPERIMENT_ARMS = "PAYWALL_EXPERIMENT_ARMS"


@dataclass(frozen=True)
class ArmChoice:
    """A reader's place in a running experiment: which one, which arm, and its policy.

    ``policy`` is the policy in force with the arm's overrides applied
    (``dataclasses.replace``); ``decide()`` receives it like any other policy.
    """

    experiment_id: int
    experiment: str
    arm: str
    policy: Policy


class ContentSource(Protocol):
    """What the module ``PAYWALL_CONTENT_SOURCE`` names provides (``masthead.newsroom.paywall``)."""

    def article_facts(self, article_id: int, now: dt.datetime) -> ArticleFacts | None:
        """Return the article's facts, or None when it is missing or not live."""
        ...

    def gated_html(self, article_id: int, *, ad_free: bool) -> str:
        """Return the rendered body after the paywall cut."""
        ...


class EntitlementsLoader(Protocol):
    """``PAYWALL_ENTITLEMENTS_LOADER``: a logged-in reader's entitlements at ``now``."""

    def __call__(self, user: Any, now: dt.datetime, /) -> Entitlements:
        """Return what ``user``'s subscriptions and grants open; errors propagate."""
        ...


class EntitlementTermsLoader(Protocol):
    """``PAYWALL_ENTITLEMENT_TERMS``: a logged-in reader's entitlements with their ends.

    ``terms.at(now)`` must equal what ``PAYWALL_ENTITLEMENTS_LOADER`` answers at ``now``,
    and ``terms.at(t)`` what it would answer at any later ``t`` before ``changes_at`` if
    nothing were changed meanwhile (changes bump the reader's generation).
    """

    def __call__(self, user: Any, now: dt.datetime, /) -> EntitlementTerms:
        """Return ``user``'s entitlement terms from ``now``; errors propagate."""
        ...


class GiftVerifier(Protocol):
    """``PAYWALL_GIFT_VERIFIER``: the grant a gift token gives for one article."""

    def __call__(self, token: str, article_id: int, now: dt.datetime, /) -> GiftGrant | None:
        """Return the grant, or None when the token does not open ``article_id``."""
        ...


class CrawlerVerifier(Protocol):
    """``PAYWALL_CRAWLER_VERIFIER``: whether a request comes from a verified crawler."""

    def __call__(self, request: HttpRequest, /) -> CrawlerVerdict:
        """Return the verdict for the connecting address; errors propagate."""
        ...


class MediaSource(Protocol):
    """One entry of ``PAYWALL_MEDIA_SOURCES``: where a stored file is shown.

    ``masthead.newsroom.media_uses.media_uses`` (articles, blocks, videos, portraits) and
    ``masthead.ads.media.media_uses`` (ad images) are the site's; a file no source knows
    is protected (404 without a signature).
    """

    def __call__(self, name: str, /) -> Iterable[MediaUse]:
        """Return every use of the stored file ``name`` (empty when this source has none)."""
        ...


class ArmSource(Protocol):
    """``PAYWALL_EXPERIMENT_ARMS``: the arm a reader is on, if an experiment is running."""

    def __call__(
        self,
        user_id: int | None,
        visitor: str,
        reader: ReaderFacts,
        policy: Policy,
        now: dt.datetime,
        /,
    ) -> ArmChoice | None:
        """Return the reader's arm (assigning one on first meeting), or None.

        ``policy`` is the policy in force; the arm's policy is derived from it. Errors
        propagate; the check then uses ``policy`` unchanged.
        """
        ...


def port_settings() -> list[DottedSetting]:
    """Return the ports' settings with their current values, for the start-up check."""
    found = [
        DottedSetting(CONTENT_SOURCE, getattr(settings, CONTENT_SOURCE, None), is_module=True),
        DottedSetting(ENTITLEMENTS_LOADER, getattr(settings, ENTITLEMENTS_LOADER, None)),
        DottedSetting(GIFT_VERIFIER, getattr(settings, GIFT_VERIFIER, None)),
        DottedSetting(CRAWLER_VERIFIER, getattr(settings, CRAWLER_VERIFIER, None)),
    ]
    terms = getattr(settings, ENTITLEMENT_TERMS, None)
    if terms:  # optional: None or "" means no reader passes
        found.append(DottedSetting(ENTITLEMENT_TERMS, terms))
    arms = getattr(settings, EXPERIMENT_ARMS, None)
    if arms:  # optional: None or "" means no experiments
        found.append(DottedSetting(EXPERIMENT_ARMS, arms))
    sources = getattr(settings, MEDIA_SOURCES, None)
    if not isinstance(sources, list | tuple):
        found.append(DottedSetting(MEDIA_SOURCES, sources))
    else:
        found += [
            DottedSetting(f"{MEDIA_SOURCES}[{index}]", path) for index, path in enumerate(sources)
        ]
    return found


def content_source() -> ContentSource:
    """Return the module ``PAYWALL_CONTENT_SOURCE`` names; import errors propagate."""
    return cast(ContentSource, importlib.import_module(getattr(settings, CONTENT_SOURCE)))


def entitlements_loader() -> EntitlementsLoader:
    """Return the function ``PAYWALL_ENTITLEMENTS_LOADER`` names; import errors propagate."""
    return cast(EntitlementsLoader, import_string(getattr(settings, ENTITLEMENTS_LOADER)))


def entitlement_terms_loader() -> EntitlementTermsLoader | None:
    """Return the function ``PAYWALL_ENTITLEMENT_TERMS`` names, or None when it is unset."""
    path = getattr(settings, ENTITLEMENT_TERMS, None)
    return cast(EntitlementTermsLoader, import_string(path)) if path else None


def gift_verifier() -> GiftVerifier:
    """Return the function ``PAYWALL_GIFT_VERIFIER`` names; import errors propagate."""
    return cast(GiftVerifier, import_string(getattr(settings, GIFT_VERIFIER)))


def crawler_verifier() -> CrawlerVerifier:
    """Return the function ``PAYWALL_CRAWLER_VERIFIER`` names; import errors propagate."""
    return cast(CrawlerVerifier, import_string(getattr(settings, CRAWLER_VERIFIER)))


def arm_source() -> ArmSource | None:
    """Return the function ``PAYWALL_EXPERIMENT_ARMS`` names, or None when it is unset."""
    path = getattr(settings, EXPERIMENT_ARMS, None)
    return cast(ArmSource, import_string(path)) if path else None


def media_sources() -> list[MediaSource]:
    """Return the functions ``PAYWALL_MEDIA_SOURCES`` names; import errors propagate."""
    return [cast(MediaSource, import_string(path)) for path in getattr(settings, MEDIA_SOURCES, ())]
