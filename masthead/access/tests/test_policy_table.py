"""Table tests for the pure decision: every combination, then the cases by name."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import NamedTuple

from django.test import SimpleTestCase

from masthead.access import (
    ANONYMOUS,
    FREE,
    LEVELS,
    METERED,
    NOT_A_CRAWLER,
    REGISTERED,
    SUBSCRIBER,
    Decision,
    Entitlements,
    FailMode,
    GiftGrant,
    MeterState,
    Offer,
    ReaderFacts,
    Reason,
    decide,
    meter_applies,
    refuse_gift,
)

from .policy_cases import (
    CRAWLERS,
    GIFTS,
    JUST_NOW,
    LONG_AGO,
    METERS,
    NOW,
    READERS,
    REGISTERED_READER,
    SECTIONS,
    SPORTS_ONLY_READER,
    SUBSCRIBED_READER,
    article,
    policy,
)


class Case(NamedTuple):
    level: str
    reader: str
    meter: str
    gift: str
    crawler: str
    published: str
    section: str
    fail_mode: str
    crawler_full_text: bool


def _wall(reader: str) -> str:
    return Offer.REGISTRATION if reader == "anonymous" else Offer.SUBSCRIPTION


def _expected_metered(case: Case) -> Decision:
    meter = METERS[case.meter]
    if not meter.is_available:
        if case.fail_mode == FailMode.OPEN:
            return Decision(True, Reason.METER_UNAVAILABLE)
        return Decision(False, Reason.METER_UNAVAILABLE, _wall(case.reader))
    if meter.is_counted and meter.used <= meter.allowance:
        return Decision(True, Reason.METERED)
    if meter.is_network_exhausted:
        return Decision(False, Reason.NETWORK_EXHAUSTED, _wall(case.reader))
    return Decision(False, Reason.METER_EXHAUSTED, _wall(case.reader))


def _effective(case: Case) -> str:
    return {"walled": SUBSCRIBER, "exempt": FREE}.get(case.section, case.level)


def _entitled(case: Case) -> bool:
    return case.reader == "subscriber" or (
        case.reader == "sports_only" and case.section == "sports"
    )


def _subscription_reason(case: Case) -> str:
    # The sports-only plan opens every level in sports: anywhere else it leaves them out.
    if case.reader == "sports_only" and not _entitled(case):
        return Reason.PLAN_EXCLUDES_SECTION
    return Reason.SUBSCRIPTION_REQUIRED


def expected(case: Case) -> tuple[Decision, bool]:
    """Return the decision the rules in docs/paywall.md call for, and whether it meters.

    Written as a list of rules in order, independently of policy.py's structure.
    """
    if case.level not in LEVELS:
        return Decision(False, Reason.ERROR, _wall(case.reader)), False
    level = _effective(case)
    entitled = _entitled(case)
    free_reason = Reason.FREE if case.level == FREE else Reason.EXEMPT_SECTION
    rules: list[tuple[bool, Decision]] = [
        (level == FREE, Decision(True, free_reason)),
        (case.gift == "this", Decision(True, Reason.GIFT)),
        (entitled, Decision(True, Reason.SUBSCRIBER)),
        (level == METERED and case.published == "just_now", Decision(True, Reason.FREE_WINDOW)),
        (level == REGISTERED and case.reader != "anonymous", Decision(True, Reason.REGISTERED)),
        (case.crawler == "verified" and case.crawler_full_text, Decision(True, Reason.CRAWLER)),
        (
            case.crawler == "verified",
            Decision(False, Reason.CRAWLER_PREVIEW, Offer.SUBSCRIPTION),
        ),
        (
            level == REGISTERED,
            Decision(False, Reason.REGISTRATION_REQUIRED, Offer.REGISTRATION),
        ),
        (
            level == SUBSCRIBER,
            Decision(False, _subscription_reason(case), Offer.SUBSCRIPTION),
        ),
    ]
    for applies, decision in rules:
        if applies:
            return decision, False
    return _expected_metered(case), True


def _all_cases() -> list[Case]:
    return [
        Case(*combo)
        for combo in itertools.product(
            [*LEVELS, "premium-plus"],
            list(READERS),
            list(METERS),
            list(GIFTS),
            list(CRAWLERS),
            ["long_ago", "just_now"],
            list(SECTIONS),
            [FailMode.OPEN, FailMode.CLOSED],
            [True, False],
        )
    ]


def _run(case: Case) -> tuple[Decision, bool]:
    facts = article(
        case.level, SECTIONS[case.section], JUST_NOW if case.published == "just_now" else LONG_AGO
    )
    rules = policy(fail_mode=case.fail_mode, crawler_full_text=case.crawler_full_text)
    reader, gift, crawler = READERS[case.reader], GIFTS[case.gift], CRAWLERS[case.crawler]
    needs_meter = meter_applies(facts, reader, gift, crawler, rules, NOW)
    meter = METERS[case.meter] if needs_meter else None
    return decide(facts, reader, meter, gift, crawler, rules, NOW), needs_meter


class EveryCombinationTests(SimpleTestCase):
    def test_it_decides_every_combination_as_the_rules_say(self) -> None:
        cases = _all_cases()
        self.assertEqual(len(cases), 5 * 4 * 5 * 3 * 2 * 2 * 4 * 2 * 2)
        for case in cases:
            self.assertEqual(_run(case), expected(case), case)

    def test_it_offers_a_wall_exactly_when_it_denies(self) -> None:
        for case in _all_cases():
            decision, _ = _run(case)
            self.assertIs(decision.offer is None, decision.granted, case)


class NamedCaseTests(SimpleTestCase):
    """The rows a reader would describe, written out by hand."""

    rules = policy()

    def _decide(self, level: str, reader=ANONYMOUS, meter: MeterState | None = None, **kw):
        facts = article(level, kw.pop("section", "metro"), kw.pop("published_at", LONG_AGO))
        gift, crawler = kw.pop("gift", None), kw.pop("crawler", NOT_A_CRAWLER)
        rules = kw.pop("rules", self.rules)
        return decide(facts, reader, meter, gift, crawler, rules, NOW)

    def test_it_opens_free_articles_to_everyone(self) -> None:
        self.assertEqual(self._decide(FREE), Decision(True, Reason.FREE))

    def test_it_counts_the_first_metered_read(self) -> None:
        self.assertEqual(self._decide(METERED, meter=METERS["counted"]).reason, Reason.METERED)

    def test_it_grants_the_last_article_of_the_allowance(self) -> None:
        self.assertIs(self._decide(METERED, meter=METERS["last_one"]).granted, True)

    def test_it_shows_anonymous_readers_the_registration_wall_when_spent(self) -> None:
        decision = self._decide(METERED, meter=METERS["exhausted"])
        self.assertEqual(decision, Decision(False, Reason.METER_EXHAUSTED, Offer.REGISTRATION))

    def test_it_shows_registered_readers_the_subscription_wall_when_spent(self) -> None:
        decision = self._decide(METERED, REGISTERED_READER, METERS["exhausted"])
        self.assertEqual(decision.offer, Offer.SUBSCRIPTION)

    def test_it_denies_a_counted_article_once_the_allowance_shrank_below_use(self) -> None:
        meter = MeterState(allowance=3, used=5, is_counted=True)
        self.assertIs(self._decide(METERED, meter=meter).granted, False)

    def test_it_names_the_network_allowance(self) -> None:
        decision = self._decide(METERED, meter=METERS["network"])
        self.assertEqual(decision.reason, Reason.NETWORK_EXHAUSTED)

    def test_it_fails_closed_on_a_metered_article_without_a_meter_answer(self) -> None:
        self.assertEqual(self._decide(METERED).reason, Reason.ERROR)

    def test_it_opens_metered_articles_uncounted_when_the_store_is_down(self) -> None:
        decision = self._decide(METERED, meter=METERS["unavailable"])
        self.assertEqual(decision, Decision(True, Reason.METER_UNAVAILABLE))

    def test_it_keeps_metered_articles_shut_when_fail_mode_is_closed(self) -> None:
        rules = policy(fail_mode=FailMode.CLOSED)
        decision = self._decide(METERED, meter=METERS["unavailable"], rules=rules)
        self.assertIs(decision.granted, False)

    def test_it_wants_registration_for_registered_articles(self) -> None:
        self.assertEqual(self._decide(REGISTERED).reason, Reason.REGISTRATION_REQUIRED)
        self.assertEqual(self._decide(REGISTERED, REGISTERED_READER).reason, Reason.REGISTERED)

    def test_it_opens_subscriber_articles_to_entitled_readers_only(self) -> None:
        self.assertEqual(self._decide(SUBSCRIBER, SUBSCRIBED_READER).reason, Reason.SUBSCRIBER)
        self.assertEqual(
            self._decide(SUBSCRIBER, REGISTERED_READER).reason, Reason.SUBSCRIPTION_REQUIRED
        )

    def test_it_respects_section_scoped_entitlements(self) -> None:
        self.assertIs(self._decide(SUBSCRIBER, SPORTS_ONLY_READER).granted, False)
        sports = self._decide(SUBSCRIBER, SPORTS_ONLY_READER, section="sports")
        self.assertIs(sports.granted, True)

    def test_it_says_when_a_readers_plan_leaves_the_section_out(self) -> None:
        decision = self._decide(SUBSCRIBER, SPORTS_ONLY_READER, section="metro")
        self.assertEqual(
            decision, Decision(False, Reason.PLAN_EXCLUDES_SECTION, Offer.SUBSCRIPTION)
        )

    def test_it_asks_readers_without_a_plan_at_this_level_to_subscribe(self) -> None:
        metered_only = ReaderFacts(True, Entitlements.of([METERED], ["sports"]))
        for reader in (REGISTERED_READER, metered_only):
            decision = self._decide(SUBSCRIBER, reader, section="metro")
            self.assertEqual(decision.reason, Reason.SUBSCRIPTION_REQUIRED, reader)

    def test_it_names_the_plan_for_a_walled_section_too(self) -> None:
        decision = self._decide(METERED, SPORTS_ONLY_READER, section="investigations")
        self.assertEqual(decision.reason, Reason.PLAN_EXCLUDES_SECTION)

    def test_it_keeps_the_meter_reason_for_metered_articles_outside_the_plan(self) -> None:
        decision = self._decide(METERED, SPORTS_ONLY_READER, METERS["exhausted"])
        self.assertEqual(decision.reason, Reason.METER_EXHAUSTED)

    def test_it_opens_a_gifted_article_only(self) -> None:
        self.assertEqual(self._decide(SUBSCRIBER, gift=GIFTS["this"]).reason, Reason.GIFT)
        self.assertIs(self._decide(SUBSCRIBER, gift=GIFTS["other"]).granted, False)

    def test_it_lets_verified_crawlers_index_when_allowed(self) -> None:
        crawler = CRAWLERS["verified"]
        self.assertEqual(self._decide(SUBSCRIBER, crawler=crawler).reason, Reason.CRAWLER)
        preview = self._decide(SUBSCRIBER, crawler=crawler, rules=policy(crawler_full_text=False))
        self.assertEqual(preview.reason, Reason.CRAWLER_PREVIEW)

    def test_it_opens_exempt_sections_and_walls_walled_ones(self) -> None:
        self.assertEqual(self._decide(SUBSCRIBER, section="health").reason, Reason.EXEMPT_SECTION)
        self.assertEqual(
            self._decide(FREE, section="investigations").reason, Reason.SUBSCRIPTION_REQUIRED
        )

    def test_it_treats_a_section_both_exempt_and_walled_as_walled(self) -> None:
        rules = policy(exempt_sections=frozenset({"metro"}), walled_sections=frozenset({"metro"}))
        self.assertIs(self._decide(FREE, rules=rules).granted, False)

    def test_it_opens_metered_news_in_the_free_window(self) -> None:
        decision = self._decide(METERED, published_at=JUST_NOW)
        self.assertEqual(decision.reason, Reason.FREE_WINDOW)

    def test_it_closes_the_free_window_exactly_at_its_end(self) -> None:
        two_hours_ago = NOW - dt.timedelta(hours=self.rules.free_hours)
        self.assertEqual(self._decide(METERED, published_at=two_hours_ago).reason, Reason.ERROR)
        one_second_later = two_hours_ago + dt.timedelta(seconds=1)
        self.assertEqual(
            self._decide(METERED, published_at=one_second_later).reason, Reason.FREE_WINDOW
        )

    def test_it_keeps_subscriber_articles_shut_in_the_free_window(self) -> None:
        self.assertIs(self._decide(SUBSCRIBER, published_at=JUST_NOW).granted, False)

    def test_it_denies_an_unknown_level(self) -> None:
        self.assertEqual(self._decide("premium-plus", SUBSCRIBED_READER).reason, Reason.ERROR)
        self.assertIs(self._decide("", section="health").granted, False)


class RefusedGiftTests(SimpleTestCase):
    def test_it_names_a_refused_gift_when_the_reader_is_walled(self) -> None:
        walled = Decision(False, Reason.METER_EXHAUSTED, Offer.REGISTRATION)
        refused = refuse_gift(walled, gift_offered=True, gift=None)
        self.assertEqual(refused, Decision(False, Reason.GIFT_INVALID, Offer.REGISTRATION))

    def test_it_leaves_a_grant_alone_even_with_a_bad_token(self) -> None:
        granted = Decision(True, Reason.METERED)
        self.assertIs(refuse_gift(granted, gift_offered=True, gift=None), granted)

    def test_it_leaves_a_denial_without_a_token_alone(self) -> None:
        walled = Decision(False, Reason.SUBSCRIPTION_REQUIRED, Offer.SUBSCRIPTION)
        self.assertIs(refuse_gift(walled, gift_offered=False, gift=None), walled)

    def test_it_leaves_a_verified_gift_alone(self) -> None:
        walled = Decision(False, Reason.SUBSCRIPTION_REQUIRED, Offer.SUBSCRIPTION)
        self.assertIs(refuse_gift(walled, gift_offered=True, gift=GiftGrant(7)), walled)
