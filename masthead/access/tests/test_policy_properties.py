"""Property tests: the paywall's invariants hold for any facts hypothesis can build."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.access import (
    LEVELS,
    REGISTERED,
    SUBSCRIBER,
    ArticleFacts,
    CrawlerVerdict,
    Entitlements,
    FailMode,
    GiftGrant,
    MeterState,
    Policy,
    ReaderFacts,
    Reason,
    decide,
    effective_level,
    meter_applies,
)
from masthead.access.policy import plan_excludes_section

NOW = dt.datetime(2025, 2, 18, 18, 47, tzinfo=dt.UTC)
SECTION_NAMES = ("", "metro", "sports", "health")
LEVEL_NAMES = (*LEVELS, "", "premium", "SUBSCRIBER")

sections = st.sampled_from(SECTION_NAMES)
articles = st.builds(
    ArticleFacts,
    article_id=st.integers(1, 4),
    level=st.sampled_from(LEVEL_NAMES),
    section=sections,
    published_at=st.none() | st.integers(-200, 200).map(lambda h: NOW - dt.timedelta(hours=h)),
)
entitlements = st.builds(
    Entitlements,
    scopes=st.frozensets(
        st.tuples(st.sampled_from(LEVEL_NAMES), st.sampled_from((*SECTION_NAMES, "*")))
    ),
    ad_free=st.booleans(),
)
readers = st.builds(
    ReaderFacts,
    is_authenticated=st.booleans(),
    entitlements=entitlements,
    has_confirmed_email=st.booleans(),
)
meters = st.none() | st.builds(
    MeterState,
    allowance=st.integers(0, 12),
    used=st.integers(0, 15),
    is_counted=st.booleans(),
    is_available=st.booleans(),
    is_network_exhausted=st.booleans(),
)
gifts = st.none() | st.builds(GiftGrant, article_id=st.integers(1, 4))
crawlers = st.builds(CrawlerVerdict, is_verified=st.booleans(), engine=st.just("google"))
policies = st.builds(
    Policy,
    anonymous_allowance=st.integers(0, 5),
    registered_allowance=st.integers(0, 12),
    free_hours=st.integers(0, 48),
    exempt_sections=st.frozensets(sections),
    walled_sections=st.frozensets(sections),
    fail_mode=st.sampled_from((FailMode.OPEN, FailMode.CLOSED, "bogus")),
    crawler_full_text=st.booleans(),
    require_email_confirmation=st.booleans(),
)
inputs = st.tuples(articles, readers, meters, gifts, crawlers, policies)


def _is_gift_for(gift: GiftGrant | None, article: ArticleFacts) -> bool:
    return gift is not None and gift.article_id == article.article_id


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_it_never_opens_a_subscriber_article_without_entitlement_gift_or_crawler(case) -> None:
    article, reader, meter, gift, crawler, policy = case
    decision = decide(article, reader, meter, gift, crawler, policy, NOW)
    if decision.granted and effective_level(article, policy) == SUBSCRIBER:
        opens = reader.entitlements.opens(SUBSCRIBER, article.section)
        entitled = reader.is_authenticated and opens
        verified = crawler.is_verified and policy.crawler_full_text
        assert entitled or _is_gift_for(gift, article) or verified


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_it_never_opens_a_registered_article_to_an_anonymous_reader(case) -> None:
    article, reader, meter, gift, crawler, policy = case
    decision = decide(article, reader, meter, gift, crawler, policy, NOW)
    if effective_level(article, policy) == REGISTERED and not reader.is_authenticated:
        if decision.granted:
            assert decision.reason in (Reason.GIFT, Reason.CRAWLER)


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_it_never_grants_past_the_allowance(case) -> None:
    article, reader, meter, gift, crawler, policy = case
    decision = decide(article, reader, meter, gift, crawler, policy, NOW)
    if decision.reason == Reason.METERED:
        assert meter is not None and meter.is_available
        assert meter.is_counted and meter.used <= meter.allowance
    if meter is not None and meter.is_available and meter.used > meter.allowance:
        assert decision.reason != Reason.METERED


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_it_always_denies_an_unknown_level(case) -> None:
    article, reader, meter, gift, crawler, policy = case
    if article.level not in LEVELS:
        decision = decide(article, reader, meter, gift, crawler, policy, NOW)
        assert decision.granted is False
        assert decision.reason == Reason.ERROR


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_it_ignores_the_meter_when_the_meter_does_not_apply(case) -> None:
    article, reader, meter, gift, crawler, policy = case
    if not meter_applies(article, reader, gift, crawler, policy, NOW):
        with_meter = decide(article, reader, meter, gift, crawler, policy, NOW)
        assert with_meter == decide(article, reader, None, gift, crawler, policy, NOW)


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_it_keeps_metered_articles_shut_without_a_meter_answer_unless_fail_open(case) -> None:
    article, reader, meter, gift, crawler, policy = case
    decision = decide(article, reader, meter, gift, crawler, policy, NOW)
    if decision.reason == Reason.METER_UNAVAILABLE and decision.granted:
        assert policy.fail_mode == FailMode.OPEN
    assert decision.granted is (decision.offer is None)


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_it_names_a_plan_that_leaves_the_section_out_only_for_such_a_plan(case) -> None:
    article, reader, meter, gift, crawler, policy = case
    decision = decide(article, reader, meter, gift, crawler, policy, NOW)
    if decision.reason == Reason.PLAN_EXCLUDES_SECTION:
        level = effective_level(article, policy)
        assert decision.granted is False
        assert reader.is_authenticated
        assert not reader.entitlements.opens(level, article.section)
        assert any(scope == level for scope, _ in reader.entitlements.scopes)
    if decision.reason == Reason.SUBSCRIPTION_REQUIRED:
        assert not plan_excludes_section(article, reader, policy)


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_confirmation_is_asked_only_of_logged_in_readers_awaiting_it(case) -> None:
    article, reader, meter, gift, crawler, policy = case
    decision = decide(article, reader, meter, gift, crawler, policy, NOW)
    if decision.reason == Reason.CONFIRMATION_REQUIRED:
        assert not decision.granted
        assert reader.is_authenticated and not reader.has_confirmed_email
        assert policy.require_email_confirmation


@settings(max_examples=300, deadline=None)
@given(readers, policies)
def test_a_reader_awaiting_confirmation_gets_only_the_visitor_allowances(reader, policy) -> None:
    if policy.awaits_confirmation(reader) or not reader.is_authenticated:
        assert policy.allowance_for(reader) == policy.anonymous_allowance
        assert policy.network_allowance_for(reader) == policy.network_daily_allowance
    else:
        assert policy.allowance_for(reader) == policy.registered_allowance
        assert policy.network_allowance_for(reader) == policy.registered_network_daily_allowance
