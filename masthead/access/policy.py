"""The access decision: one pure function, no ORM, no request, no settings.

``decide`` takes facts that loaders gathered at the edges and returns a ``Decision``.
Every channel (the access check, crawler pages, feeds, oEmbed, ads flags) asks it, so they
cannot drift apart. Anything it does not understand denies: unknown levels, a metered
article without a meter answer. See ``docs/paywall.md`` for the rules in prose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

FREE = "free"
METERED = "metered"
REGISTERED = "registered"
SUBSCRIBER = "subscriber"
LEVELS = (FREE, METERED, REGISTERED, SUBSCRIBER)


class Reason:
    """Why a decision came out as it did; these strings appear in the check's JSON."""

    FREE = "free"
    FREE_WINDOW = "free_window"
    EXEMPT_SECTION = "exempt_section"
    METERED = "metered"
    METER_EXHAUSTED = "meter_exhausted"
    NETWORK_EXHAUSTED = "network_exhausted"
    METER_UNAVAILABLE = "meter_unavailable"
    CONFIRMATION_REQUIRED = "confirmation_required"
    REGISTERED = "registered"
    REGISTRATION_REQUIRED = "registration_required"
    SUBSCRIPTION_REQUIRED = "subscription_required"
    PLAN_EXCLUDES_SECTION = "plan_excludes_section"
    SUBSCRIBER = "subscriber"
    GIFT = "gift"
    CRAWLER = "crawler"
    CRAWLER_PREVIEW = "crawler_preview"
    GIFT_INVALID = "gift_invalid"
    ERROR = "error"


class Offer:
    """Which wall to show a reader who was denied."""

    REGISTRATION = "registration"
    SUBSCRIPTION = "subscription"


class FailMode:
    """What a metered article does when the meter store cannot be reached."""

    OPEN = "open"  # read without counting (the default; docs/design.md, "Failing closed")
    CLOSED = "closed"


class Window:
    """How the meter's counting window is laid out."""

    CALENDAR_MONTH = "calendar_month"  # resets on the 1st, in the publication's time zone
    ROLLING_30_DAYS = "rolling_30_days"  # the 30 days before now


WINDOWS = (Window.CALENDAR_MONTH, Window.ROLLING_30_DAYS)
ROLLING_WINDOW = dt.timedelta(days=30)

ALL_SECTIONS = "*"


@dataclass(frozen=True)
class Entitlements:
    """What a reader's subscriptions and grants open.

    ``scopes`` holds ``(level, section)`` pairs; the section ``ALL_SECTIONS`` opens the
    level everywhere. Joining two sets of entitlements is the union of their scopes.
    """

    scopes: frozenset[tuple[str, str]] = frozenset()
    ad_free: bool = False

    @classmethod
    def of(
        cls, levels: Iterable[str], sections: Iterable[str] = (), ad_free: bool = False
    ) -> Entitlements:
        """Return entitlements opening ``levels`` in ``sections`` (none given: all)."""
        places = tuple(sections) or (ALL_SECTIONS,)
        return cls(frozenset((lvl, sec) for lvl in levels for sec in places), ad_free)

    def opens(self, level: str, section: str) -> bool:
        """Return True when these entitlements open ``level`` in ``section``."""
        return (level, ALL_SECTIONS) in self.scopes or (
            bool(section) and (level, section) in self.scopes
        )

    def merged(self, other: Entitlements) -> Entitlements:
        """Return these entitlements joined with ``other``."""
        return Entitlements(self.scopes | other.scopes, self.ad_free or other.ad_free)

    @property
    def is_empty(self) -> bool:
        """Return True when nothing is opened and ads are shown."""
        return not self.scopes and not self.ad_free


NO_ENTITLEMENTS = Entitlements()


@dataclass(frozen=True)
class ArticleFacts:
    """What the decision needs to know about an article."""

    article_id: int
    level: str
    section: str = ""
    published_at: dt.datetime | None = None


@dataclass(frozen=True)
class ReaderFacts:
    """What the decision needs to know about the reader.

    ``has_confirmed_email`` is whether a logged-in reader followed the confirmation link
    mailed to them; it matters only when the policy asks for confirmation.
    """

    is_authenticated: bool = False
    entitlements: Entitlements = NO_ENTITLEMENTS
    has_confirmed_email: bool = True


ANONYMOUS = ReaderFacts()


@dataclass(frozen=True)
class MeterState:
    """The meter's answer after an atomic attempt to count this article.

    ``is_counted`` is True when the article is among the reader's counted articles in the
    window (newly counted or counted before). ``used`` is the number of distinct articles
    counted in the window after the attempt.
    """

    allowance: int
    used: int
    is_counted: bool
    is_available: bool = True
    is_network_exhausted: bool = False

    @property
    def remaining(self) -> int:
        """Return how many more articles may be counted in this window."""
        return max(self.allowance - self.used, 0)


UNAVAILABLE_METER = MeterState(allowance=0, used=0, is_counted=False, is_available=False)


@dataclass(frozen=True)
class GiftGrant:
    """A verified gift token: it opens ``article_id`` and nothing else."""

    article_id: int


@dataclass(frozen=True)
class CrawlerVerdict:
    """Whether the connecting address belongs to a verified search crawler."""

    is_verified: bool = False
    engine: str = ""


NOT_A_CRAWLER = CrawlerVerdict()


@dataclass(frozen=True)
class Policy:
    """The publisher's paywall settings, as plain values."""

    anonymous_allowance: int = 3
    registered_allowance: int = 10
    free_hours: int = 0
    exempt_sections: frozenset[str] = field(default_factory=frozenset)
    walled_sections: frozenset[str] = field(default_factory=frozenset)
    fail_mode: str = FailMode.OPEN
    crawler_full_text: bool = True
    window: str = Window.CALENDAR_MONTH
    time_zone: str = "UTC"
    network_daily_allowance: int = 60
    registered_network_daily_allowance: int = 300
    require_email_confirmation: bool = False

    def meters_as_registered(self, reader: ReaderFacts) -> bool:
        """Return True when the reader's reads count against their account.

        Anonymous readers, and logged-in readers who have not confirmed their address
        while the policy asks for it, are metered under their visitor instead.
        """
        if not reader.is_authenticated:
            return False
        return reader.has_confirmed_email or not self.require_email_confirmation

    def awaits_confirmation(self, reader: ReaderFacts) -> bool:
        """Return True for a logged-in reader metered as a visitor until they confirm."""
        return reader.is_authenticated and not self.meters_as_registered(reader)

    def allowance_for(self, reader: ReaderFacts) -> int:
        """Return the meter allowance for this kind of reader."""
        if self.meters_as_registered(reader):
            return self.registered_allowance
        return self.anonymous_allowance

    def network_allowance_for(self, reader: ReaderFacts) -> int:
        """Return the daily allowance of the reader's client network (0: no limit).

        Readers metered by account share a larger allowance of their own; everyone
        metered as a visitor shares the anonymous one.
        """
        if self.meters_as_registered(reader):
            return self.registered_network_daily_allowance
        return self.network_daily_allowance


@dataclass(frozen=True)
class Decision:
    """The outcome: grant or deny, why, and which wall to show when denied."""

    granted: bool
    reason: str
    offer: str | None = None


def effective_level(article: ArticleFacts, policy: Policy) -> str:
    """Return the article's level after the section rules; unknown levels pass through.

    An exempt section opens its articles to everyone; a walled section needs a
    subscription. A section both exempt and walled is treated as walled (fail closed).
    """
    if article.level not in LEVELS:
        return article.level
    if article.section and article.section in policy.walled_sections:
        return SUBSCRIBER
    if article.section and article.section in policy.exempt_sections:
        return FREE
    return article.level


def window_start(now: dt.datetime, window: str, zone: dt.tzinfo) -> dt.datetime:
    """Return when the meter window containing ``now`` began.

    A calendar month starts at midnight on the 1st in ``zone`` (the publication's time
    zone); a rolling window is the 30 days before ``now``. An unknown window kind is read
    as the calendar month, the shorter memory of the two never being longer than 31 days.
    """
    if window == Window.ROLLING_30_DAYS:
        return now - ROLLING_WINDOW
    local = now.astimezone(zone)
    first = dt.datetime(local.year, local.month, 1)
    return first.replace(tzinfo=zone).astimezone(dt.UTC)


def is_ad_free(reader: ReaderFacts) -> bool:
    """Return True when the reader's entitlements switch ads off; never for anonymous."""
    return reader.is_authenticated and reader.entitlements.ad_free


def _in_free_window(article: ArticleFacts, policy: Policy, now: dt.datetime) -> bool:
    if policy.free_hours <= 0 or article.published_at is None:
        return False
    published = article.published_at
    return published <= now < published + dt.timedelta(hours=policy.free_hours)


def plan_excludes_section(article: ArticleFacts, reader: ReaderFacts, policy: Policy) -> bool:
    """Return True when the reader's plan opens this article's level elsewhere, not here.

    A logged-in reader whose entitlements open the effective level in some sections but
    not in this article's has a plan that leaves this section out: the wall should say
    so rather than ask them to subscribe as if they had nothing. False for anonymous
    readers, for readers whose plan opens the article, and for readers with no scope at
    this level at all (no plan, or a plan of other levels).
    """
    if not reader.is_authenticated:
        return False
    level = effective_level(article, policy)
    if reader.entitlements.opens(level, article.section):
        return False
    return any(scope_level == level for scope_level, _ in reader.entitlements.scopes)


def wall_for(is_authenticated: bool) -> str:
    """Return the wall for a reader denied on the meter or by an error.

    A logged-in reader already has an account, so only a subscription can help them;
    anyone else is first asked to register.
    """
    return Offer.SUBSCRIPTION if is_authenticated else Offer.REGISTRATION


def _grant_without_meter(
    article: ArticleFacts,
    reader: ReaderFacts,
    gift: GiftGrant | None,
    policy: Policy,
    now: dt.datetime,
) -> Decision | None:
    """Return a grant that needs neither the meter nor the crawler, or None."""
    level = effective_level(article, policy)
    if level == FREE:
        reason = Reason.FREE if level == article.level else Reason.EXEMPT_SECTION
        return Decision(True, reason)
    if gift is not None and gift.article_id == article.article_id:
        return Decision(True, Reason.GIFT)
    if reader.is_authenticated and reader.entitlements.opens(level, article.section):
        return Decision(True, Reason.SUBSCRIBER)
    # Breaking news opens metered stories only: a registered or subscriber story stays
    # behind its wall, so the free window never undoes a stronger choice of the editor.
    if level == METERED and _in_free_window(article, policy, now):
        return Decision(True, Reason.FREE_WINDOW)
    return None


def _crawler_decision(crawler: CrawlerVerdict, policy: Policy) -> Decision | None:
    """Return the decision for a verified crawler, or None for everyone else.

    A verified crawler is never metered: it either reads the full text (the publisher
    allows indexing) or gets the preview, without counting against anything.
    """
    if not crawler.is_verified:
        return None
    if policy.crawler_full_text:
        return Decision(True, Reason.CRAWLER)
    return Decision(False, Reason.CRAWLER_PREVIEW, Offer.SUBSCRIPTION)


def meter_applies(
    article: ArticleFacts,
    reader: ReaderFacts,
    gift: GiftGrant | None,
    crawler: CrawlerVerdict,
    policy: Policy,
    now: dt.datetime,
) -> bool:
    """Return True when deciding needs the meter, i.e. a read would be counted.

    False for every level but ``metered``, for unknown levels, for verified crawlers and
    whenever something else (a gift, an entitlement, the free window) already grants.
    """
    if effective_level(article, policy) != METERED or crawler.is_verified:
        return False
    return _grant_without_meter(article, reader, gift, policy, now) is None


def decide(
    article: ArticleFacts,
    reader: ReaderFacts,
    meter: MeterState | None,
    gift: GiftGrant | None,
    crawler: CrawlerVerdict,
    policy: Policy,
    now: dt.datetime,
) -> Decision:
    """Return whether ``reader`` may read ``article`` in full at ``now``.

    ``meter`` is the meter store's answer after trying to count this article, or None
    when it was not asked (``meter_applies`` was False). It denies (fails closed) for an
    unknown level and for a metered article with no meter answer.
    """
    level = effective_level(article, policy)
    if level not in LEVELS:
        return Decision(False, Reason.ERROR, wall_for(reader.is_authenticated))
    granted = _grant_without_meter(article, reader, gift, policy, now)
    if granted is not None:
        return granted
    if level == REGISTERED and reader.is_authenticated:
        return Decision(True, Reason.REGISTERED)
    crawled = _crawler_decision(crawler, policy)
    if crawled is not None:
        return crawled
    if level == REGISTERED:
        return Decision(False, Reason.REGISTRATION_REQUIRED, Offer.REGISTRATION)
    if level == SUBSCRIBER:
        reason = Reason.SUBSCRIPTION_REQUIRED
        if plan_excludes_section(article, reader, policy):
            reason = Reason.PLAN_EXCLUDES_SECTION
        return Decision(False, reason, Offer.SUBSCRIPTION)
    return _decide_metered(reader, meter, policy)


def refuse_gift(decision: Decision, gift_offered: bool, gift: GiftGrant | None) -> Decision:
    """Return ``decision`` naming a refused gift link when that is why the reader is walled.

    A reader who brought a token that did not verify (forged, expired, revoked, another
    article's) and is denied should learn that the link failed, not only that the meter
    is spent. A grant, or a denial without a refused token, is returned unchanged.
    """
    if decision.granted or not gift_offered or gift is not None:
        return decision
    return Decision(False, Reason.GIFT_INVALID, decision.offer or Offer.SUBSCRIPTION)


def _decide_metered(reader: ReaderFacts, meter: MeterState | None, policy: Policy) -> Decision:
    if meter is None:
        return Decision(False, Reason.ERROR, wall_for(reader.is_authenticated))
    if not meter.is_available:
        if policy.fail_mode == FailMode.OPEN:
            return Decision(True, Reason.METER_UNAVAILABLE)
        return Decision(False, Reason.METER_UNAVAILABLE, wall_for(reader.is_authenticated))
    if meter.is_counted and meter.used <= meter.allowance:
        return Decision(True, Reason.METERED)
    if meter.is_network_exhausted:
        return Decision(False, Reason.NETWORK_EXHAUSTED, wall_for(reader.is_authenticated))
    if policy.awaits_confirmation(reader):
        # The visitor's allowance is spent; confirming the address opens the registered
        # one, which is a better offer than a subscription.
        return Decision(False, Reason.CONFIRMATION_REQUIRED, Offer.SUBSCRIPTION)
    return Decision(False, Reason.METER_EXHAUSTED, wall_for(reader.is_authenticated))
