"""The simulator: assignment, the in-memory meter, memoised decide(), its event store."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from masthead.access import Policy, Reason, Window
from masthead.experiments.simulator import (
    Arm,
    SimulationConfig,
    SimulationResult,
    assign,
    check_arms,
    parse_arm,
    parse_override,
    simulate,
)
from masthead.experiments.simulator import events as ev
from masthead.experiments.simulator.arms import hash_unit
from masthead.experiments.simulator.meter import MemoryMeter

IDS = [f"visitor-{i}" for i in range(60_000)]


def test_assignment_is_sticky_and_keyed() -> None:
    arms = (Arm.of("a", 0.5), Arm.of("b", 0.5))
    first = assign(IDS[:1000], arms, b"key-1")
    again = assign(list(reversed(IDS[:1000])), arms, b"key-1")[::-1]
    assert (first == again).all()  # same visitor, same arm, whatever else is assigned
    other = assign(IDS[:1000], arms, b"key-2")
    # Another key splits independently: about half the visitors agree, not all.
    assert 0.4 < (first == other).mean() < 0.6


def test_assignment_follows_the_shares() -> None:
    arms = (Arm.of("a", 0.2), Arm.of("b", 0.3), Arm.of("c", 0.5))
    counts = np.bincount(assign(IDS, arms, b"shares"), minlength=3)
    for count, share in zip(counts, (0.2, 0.3, 0.5), strict=True):
        standard_error = (share * (1 - share) / len(IDS)) ** 0.5
        assert abs(count / len(IDS) - share) < 4 * standard_error


def test_hash_unit_is_in_the_unit_interval() -> None:
    values = [hash_unit(v, b"k") for v in IDS[:500]]
    assert min(values) >= 0.0 and max(values) < 1.0


@pytest.mark.parametrize(
    "arms",
    [
        (Arm.of("a", 0.5), Arm.of("b", 0.4)),  # shares add up to 0.9
        (Arm.of("a", 0.5), Arm.of("a", 0.5)),  # one name twice
        (Arm.of("a", 1.0), Arm.of("b", 0.0)),
        (),
    ],
)
def test_bad_arms_are_refused(arms: tuple[Arm, ...]) -> None:
    with pytest.raises(ValueError):
        check_arms(arms)


def test_an_arm_with_an_unknown_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown policy setting"):
        Arm.of("a", 1.0, {"anonymous_alowance": 5})
    with pytest.raises(ValueError):
        Arm.of("a", 1.0, {"time_zone": "Europe/Paris"})  # the zone is not a rule


def test_arm_policy_overrides_only_its_fields() -> None:
    base = Policy(registered_allowance=7)
    policy = Arm.of("x", 1.0, {"anonymous_allowance": 5}).policy(base)
    assert policy == dataclasses.replace(base, anonymous_allowance=5)


def test_parsing_arms_and_overrides() -> None:
    assert parse_override("anonymous_allowance=5") == ("anonymous_allowance", 5)
    assert parse_override("walled_sections=politics, business") == (
        "walled_sections",
        frozenset({"politics", "business"}),
    )
    assert parse_override("crawler_full_text=false") == ("crawler_full_text", False)
    arm = parse_arm("strict=0.25:anonymous_allowance=1;window=rolling_30_days")
    assert arm.share == 0.25
    assert dict(arm.overrides) == {"anonymous_allowance": 1, "window": "rolling_30_days"}
    for bad in ("anonymous_allowance=-1", "anonymous_allowance=many", "window=weekly", "nope=1"):
        with pytest.raises(ValueError):
            parse_override(bad)


def test_meter_counts_up_to_the_allowance_and_no_further() -> None:
    meter = MemoryMeter(readers=2, networks=2, days=1, rolling=False)
    reader = np.array([0])
    no = np.array([False])
    states = [meter.consume(reader, no, 2, None, 0, 0) for _ in range(3)]
    assert [(int(u[0]), bool(c[0])) for u, c, _ in states] == [(1, True), (2, True), (2, False)]
    # The story already counted in this window is read again without counting.
    used, counted, _ = meter.consume(reader, np.array([True]), 2, None, 0, 0)
    assert (int(used[0]), bool(counted[0])) == (2, True)
    meter.reset(reader)
    assert int(meter.consume(reader, no, 2, None, 0, 0)[0][0]) == 1


def test_meter_network_allowance_goes_to_the_first_in_line() -> None:
    meter = MemoryMeter(readers=3, networks=1, days=1, rolling=False)
    readers = np.array([2, 0, 1])
    nets = np.zeros(3, np.int64)
    used, counted, exhausted = meter.consume(readers, np.zeros(3, bool), 5, nets, 2, 0)
    assert counted.tolist() == [True, True, False]
    assert exhausted.tolist() == [False, False, True]
    assert used.tolist() == [1, 1, 0]
    meter.new_day()
    assert meter.consume(np.array([1]), np.array([False]), 5, nets[:1], 2, 0)[1][0]


def test_rolling_meter_forgets_reads_older_than_thirty_days() -> None:
    meter = MemoryMeter(readers=1, networks=1, days=40, rolling=True)
    reader = np.array([0])
    meter.consume(reader, np.array([False]), 10, None, 0, 0)
    meter.roll(reader, 29)
    assert int(meter.used[0]) == 1
    meter.roll(reader, 30)
    assert int(meter.used[0]) == 0


ARMS = (
    Arm.of("control", 0.25),
    Arm.of("tight", 0.25, {"anonymous_allowance": 1, "network_daily_allowance": 2}),
    Arm.of("rolling", 0.25, {"window": Window.ROLLING_30_DAYS, "free_hours": 6}),
    Arm.of("walled", 0.25, {"walled_sections": frozenset({"politics"}), "registered_allowance": 2}),
)


@pytest.fixture(scope="module")
def memoised() -> SimulationResult:
    return simulate(SimulationConfig(readers=1500, days=8, seed=3, arms=ARMS))


def test_memoised_decisions_equal_calling_decide_on_every_visit(memoised) -> None:
    direct = simulate(SimulationConfig(readers=1500, days=8, seed=3, arms=ARMS, memoise=False))
    assert direct.events is not None
    for name in ("exposure_day", "registration_day", "subscription_day", "reads", "walls"):
        assert (getattr(memoised, name) == getattr(direct, name)).all(), name
    ours, theirs = memoised.events.columns(), direct.events.columns()
    for name in ("kind", "reader", "granted", "article"):
        assert (ours[name] == theirs[name]).all(), name
    assert [memoised.events.strings[i] for i in ours["reason"]] == [
        direct.events.strings[i] for i in theirs["reason"]
    ]
    assert direct.decide_calls == direct.visits
    assert memoised.decide_calls < direct.visits  # small run: few repeats yet


def test_events_agree_with_the_outcomes(memoised) -> None:
    log = memoised.events
    n = memoised.population.size
    assert log.count(ev.ACCESS_CHECK) == memoised.visits
    assert log.count(ev.WALL_SHOWN) == memoised.walls.sum()
    assert (log.first_day(ev.REGISTRATION, n) == memoised.registration_day).all()
    assert (log.first_day(ev.SUBSCRIPTION_STARTED, n) == memoised.subscription_day).all()
    assert (log.first_day(ev.ACCESS_CHECK, n) == memoised.exposure_day).all()
    assert log.count(ev.CHECKOUT_STARTED) == log.count(ev.SUBSCRIPTION_STARTED)
    row = next(log.rows(1))
    assert set(row) >= {"kind", "article_id", "granted", "reason", "offer", "reader_kind", "arm"}


def test_every_rule_of_the_arms_is_met(memoised) -> None:
    cols = memoised.events.columns()
    reasons = {memoised.events.strings[i] for i in np.unique(cols["reason"])}
    for reason in (
        Reason.FREE,
        Reason.METERED,
        Reason.METER_EXHAUSTED,
        Reason.NETWORK_EXHAUSTED,
        Reason.REGISTRATION_REQUIRED,
        Reason.SUBSCRIPTION_REQUIRED,
        Reason.FREE_WINDOW,
        Reason.REGISTERED,
    ):
        assert reason in reasons, reason


def test_meter_exhausted_walls_appear_only_past_the_allowance(memoised) -> None:
    log = memoised.events.columns()
    exhausted = memoised.events.strings.index(Reason.METER_EXHAUSTED)
    anonymous_walls = (log["reason"] == exhausted) & (log["reader_kind"] == 0)
    readers = log["reader"][anonymous_walls]
    granted_metered = (log["reason"] == memoised.events.strings.index(Reason.METERED)) & (
        log["reader_kind"] == 0
    )
    counts = np.bincount(log["reader"][granted_metered], minlength=memoised.population.size)
    allowance = np.array([p.anonymous_allowance for p in memoised.policies()])
    # Re-reads of a counted story are granted again, so "at least" the allowance.
    assert (counts[readers] >= allowance[memoised.arm_of[readers]]).all()


def test_the_ground_truth_shows_through() -> None:
    result = simulate(
        SimulationConfig(
            readers=20_000,
            days=20,
            seed=11,
            arms=(
                Arm.of("one", 0.5, {"anonymous_allowance": 1}),
                Arm.of("ten", 0.5, {"anonymous_allowance": 10}),
            ),
            record_events=False,
        )
    )
    reached = result.exposure_day >= 0
    rate = [(result.registration_day[reached & (result.arm_of == a)] >= 0).mean() for a in (0, 1)]
    assert rate[0] > rate[1]  # a tighter meter shows more registration walls
    heavy = result.population.habit > np.quantile(result.population.habit, 0.9)
    assert result.walls[heavy].mean() > 3 * result.walls[~heavy].mean()


def test_a_population_without_differences_has_none() -> None:
    result = simulate(SimulationConfig(readers=500, days=3, seed=1, heterogeneous=False))
    population = result.population
    assert np.ptp(population.habit) == 0 and np.ptp(population.registration_propensity) == 0


def test_the_simulator_touches_no_database() -> None:
    # pytest-django blocks database access in tests not marked for it: a query would fail.
    simulate(SimulationConfig(readers=300, days=2, seed=2))


def test_a_planted_assignment_bug_moves_readers_out_of_the_last_arm() -> None:
    arms = (Arm.of("a", 0.5), Arm.of("b", 0.5))
    fine = simulate(SimulationConfig(readers=4000, days=1, seed=5, arms=arms, record_events=False))
    buggy = simulate(
        SimulationConfig(
            readers=4000, days=1, seed=5, arms=arms, record_events=False, misassigned_share=0.2
        )
    )
    assert (buggy.arm_of == 1).sum() < 0.9 * (fine.arm_of == 1).sum()


def test_registering_keeps_the_reader_in_their_arm(memoised) -> None:
    cols = memoised.events.columns()
    registered = memoised.registration_day >= 0
    assert registered.sum() > 20
    mine = registered[cols["reader"]]
    # Every event of a reader who registered, before and after, names the reader's arm.
    assert (cols["arm"][mine] == memoised.arm_of[cols["reader"][mine]]).all()
    after = mine & (cols["reader_kind"] > 0) & (cols["kind"] == 0)
    assert after.sum() > 0  # they did come back as registered readers
