"""The simulation loop: readers visit day by day and the real ``decide()`` answers.

Each day every reader still around makes a Poisson number of visits (their habit). Visits
are processed in rounds (everyone's first visit of the day, then everyone's second...) so
numpy can handle a round at once. For every visit the engine asks ``meter_applies``,
counts the read in the in-memory meter, and asks ``decide`` with the arm's policy. A
denied reader sees the wall the decision offers and answers it according to their hidden
propensities: register, subscribe, leave for good, or carry on.

``decide`` is pure, so its answers are memoised on an exact integer encoding of its
inputs (arm policy, level, section, story age in hours, reader kind, meter state). Two
inputs are left out of the key because ``decide`` cannot see them apart: the article id,
which it reads only to match a gift (the simulator has none), and absolute time, since it
compares only the publication time with now. ``memoise=False`` calls ``decide`` on every
visit with the real ids and times; a test holds the two paths to identical results.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from masthead.access import (
    ANONYMOUS,
    METERED,
    NOT_A_CRAWLER,
    REGISTERED,
    SUBSCRIBER,
    WINDOWS,
    ArticleFacts,
    Entitlements,
    MeterState,
    Offer,
    Policy,
    ReaderFacts,
    decide,
    meter_applies,
    window_start,
)
from masthead.experiments.simulator import events as ev
from masthead.experiments.simulator.arms import Arm, assign, check_arms
from masthead.experiments.simulator.meter import MemoryMeter
from masthead.experiments.simulator.population import (
    AGE_HOURS_P,
    LEVEL_MIX,
    LEVEL_ORDER,
    MAX_AGE_HOURS,
    REREAD_RATE,
    SECTIONS,
    Population,
    PopulationSpec,
    build_population,
)

#: A 31-day month starting on the 1st, so a 30-day run sits in one calendar window.
DEFAULT_START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
#: What a subscription opens in the simulator: every level, every section.
SUBSCRIBER_ENTITLEMENTS = Entitlements.of((METERED, REGISTERED, SUBSCRIBER))
_READERS: tuple[ReaderFacts, ...] = (
    ANONYMOUS,
    ReaderFacts(is_authenticated=True),
    ReaderFacts(is_authenticated=True, entitlements=SUBSCRIBER_ENTITLEMENTS),
)
_ANON, _REGISTERED, _SUBSCRIBER = 0, 1, 2
_AGES = MAX_AGE_HOURS + 1
_LEVEL_CDF = np.cumsum(np.array([LEVEL_MIX[s] for s in SECTIONS]), axis=1)
_LEVEL_CDF[:, -1] = 1.0
#: Monthly price a subscriber pays in the simulator (revenue on subscription events).
MONTHLY_PRICE_CENTS = 900


@dataclass(frozen=True)
class SimulationConfig:
    """One simulated experiment: population, length, arms and the assignment key."""

    readers: int
    days: int = 30
    seed: int = 0
    arms: tuple[Arm, ...] = (Arm("control", 1.0),)
    base_policy: Policy = field(default_factory=Policy)
    start: dt.datetime = DEFAULT_START
    key: bytes = b"masthead-simulator"
    memoise: bool = True
    record_events: bool = True
    heterogeneous: bool = True
    #: A planted assignment bug, for checking the sample-ratio-mismatch alarm: this share
    #: of the readers hashed to the last arm are served and logged as the first arm.
    misassigned_share: float = 0.0


@dataclass
class SimulationResult:
    """Per-reader outcomes (-1 days mean never), the event log and the run's costs."""

    config: SimulationConfig
    population: Population
    arm_of: NDArray[np.int64]
    exposure_day: NDArray[np.int64]
    registration_day: NDArray[np.int64]
    subscription_day: NDArray[np.int64]
    left_day: NDArray[np.int64]
    first_section: NDArray[np.int64]
    reads: NDArray[np.int64]
    walls: NDArray[np.int64]
    events: ev.EventLog | None
    visits: int = 0
    decide_calls: int = 0
    seconds: float = 0.0

    def policies(self) -> list[Policy]:
        """Return each arm's full policy."""
        return [arm.policy(self.config.base_policy) for arm in self.config.arms]


class _Oracle:
    """Answers ``meter_applies`` and ``decide`` for a round, memoised or direct."""

    def __init__(self, policies: Sequence[Policy], memoise: bool) -> None:
        self.policies = list(policies)
        self.memoise = memoise
        self.calls = 0
        self._applies: dict[int, bool] = {}
        self._decided: dict[int, tuple[bool, int, int]] = {}
        #: Reasons and offers as codes into this list ("" for no offer), shared with the log.
        self.strings: list[str] = [""]
        self._codes: dict[str, int] = {"": 0}
        self._meter_codes = 1 + 4 * (
            1 + max(max(p.anonymous_allowance, p.registered_allowance) for p in policies)
        )

    @staticmethod
    def base_keys(
        arm: NDArray[np.int64],
        level: NDArray[np.int64],
        section: NDArray[np.int64],
        age: NDArray[np.int64],
        status: NDArray[np.int64],
    ) -> NDArray[np.int64]:
        """Return one integer per visit that tells apart every input ``meter_applies`` sees."""
        keys: NDArray[np.int64] = (
            ((arm * len(LEVEL_ORDER) + level) * len(SECTIONS) + section) * _AGES + age
        ) * 3 + status
        return keys

    def applies(self, keys: NDArray[np.int64], visits: _Visits) -> NDArray[np.bool_]:
        """Return ``meter_applies`` for each visit."""
        if not self.memoise:
            return np.fromiter(
                (self._call_applies(visits, i) for i in range(len(keys))), np.bool_, len(keys)
            )
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        answers = np.empty(len(unique), np.bool_)
        for j, key in enumerate(unique.tolist()):
            found = self._applies.get(key)
            if found is None:
                found = self._applies[key] = self._call_applies(visits, int(first[j]))
            answers[j] = found
        result: NDArray[np.bool_] = answers[inverse]
        return result

    def decisions(
        self, keys: NDArray[np.int64], meter: Callable[[int], MeterState | None], visits: _Visits
    ) -> tuple[NDArray[np.bool_], NDArray[np.int16], NDArray[np.int16]]:
        """Return ``decide``'s grant, reason code and offer code for each visit.

        ``meter(i)`` builds the meter's answer for visit ``i``; with memoisation it is
        asked only for the first visit of each distinct key.
        """
        if self.memoise:
            unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            picks = first.tolist()
        else:
            unique, picks, inverse = keys, list(range(len(keys))), np.arange(len(keys))
        answers = np.empty((len(unique), 3), np.int64)
        for j, key in enumerate(unique.tolist()):
            found = self._decided.get(key) if self.memoise else None
            if found is None:
                i = int(picks[j])
                found = self._call_decide(visits, i, meter(i))
                if self.memoise:
                    self._decided[key] = found
            answers[j] = found
        chosen = answers[inverse]
        return (
            chosen[:, 0].astype(np.bool_),
            chosen[:, 1].astype(np.int16),
            chosen[:, 2].astype(np.int16),
        )

    def code(self, text: str | None) -> int:
        """Return the code of a reason or offer (None, no offer, is code 0)."""
        text = text or ""
        found = self._codes.get(text)
        if found is None:
            found = self._codes[text] = len(self.strings)
            self.strings.append(text)
        return found

    def meter_keys(
        self,
        applies: NDArray[np.bool_],
        used: NDArray[np.int32],
        counted: NDArray[np.bool_],
        exhausted: NDArray[np.bool_],
    ) -> NDArray[np.int64]:
        """Return the meter's part of the key: 0 without a meter, else its whole state."""
        if len(used) and int(used.max()) >= (self._meter_codes - 1) // 4:
            # The meter never counts past the allowance; a count beyond the largest one
            # would collide with another key, so stop rather than answer wrongly.
            raise RuntimeError("meter count beyond every arm's allowance")
        code = 1 + (used.astype(np.int64) * 2 + counted) * 2 + exhausted
        keys: NDArray[np.int64] = np.where(applies, code, 0)
        return keys

    @property
    def meter_codes(self) -> int:
        """Return how many meter parts a key can have (the multiplier of the base key)."""
        return self._meter_codes

    def _facts(self, visits: _Visits, i: int) -> tuple[ArticleFacts, ReaderFacts, dt.datetime]:
        now = visits.day_start + dt.timedelta(hours=int(visits.hour[i]))
        article = ArticleFacts(
            article_id=int(visits.article[i]),
            level=LEVEL_ORDER[int(visits.level[i])],
            section=SECTIONS[int(visits.section[i])],
            published_at=now - dt.timedelta(hours=int(visits.age[i])),
        )
        return article, _READERS[int(visits.status[i])], now

    def _call_applies(self, visits: _Visits, i: int) -> bool:
        article, reader, now = self._facts(visits, i)
        policy = self.policies[int(visits.arm[i])]
        return meter_applies(article, reader, None, NOT_A_CRAWLER, policy, now)

    def _call_decide(
        self, visits: _Visits, i: int, meter: MeterState | None
    ) -> tuple[bool, int, int]:
        self.calls += 1
        article, reader, now = self._facts(visits, i)
        policy = self.policies[int(visits.arm[i])]
        decision = decide(article, reader, meter, None, NOT_A_CRAWLER, policy, now)
        return decision.granted, self.code(decision.reason), self.code(decision.offer)


@dataclass
class _Visits:
    """One round of visits, one entry per visiting reader."""

    reader: NDArray[np.int64]
    arm: NDArray[np.int64]
    level: NDArray[np.int64]
    section: NDArray[np.int64]
    age: NDArray[np.int64]
    status: NDArray[np.int64]
    article: NDArray[np.int64]
    hour: NDArray[np.int64]
    day_start: dt.datetime


def _zone(policy: Policy) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(policy.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def simulate(config: SimulationConfig, arm_of: NDArray[np.int64] | None = None) -> SimulationResult:
    """Run one simulated experiment and return per-reader outcomes and the event log.

    ``arm_of`` replaces the keyed-hash assignment (to plant an assignment bug); it must
    hold one arm index per reader.
    """
    started = time.perf_counter()
    check_arms(config.arms)
    if config.days <= 0:
        raise ValueError("a simulation needs at least one day")
    rng = np.random.default_rng(config.seed)
    spec = PopulationSpec(readers=config.readers, heterogeneous=config.heterogeneous)
    population = build_population(spec, rng, label=f"sim{config.seed}")
    if arm_of is None:
        arm_of = assign(population.visitor_ids, config.arms, config.key)
    if config.misassigned_share > 0:
        last = np.flatnonzero(arm_of == len(config.arms) - 1)
        moved = last[rng.random(len(last)) < config.misassigned_share]
        arm_of = arm_of.copy()
        arm_of[moved] = 0
    policies = [arm.policy(config.base_policy) for arm in config.arms]
    for policy in policies:
        if policy.window not in WINDOWS:
            raise ValueError(f"unknown meter window {policy.window!r}")
    return _Run(config, population, arm_of, policies, rng, started).run()


class _Run:
    """The state of one simulation while it runs."""

    def __init__(
        self,
        config: SimulationConfig,
        population: Population,
        arm_of: NDArray[np.int64],
        policies: list[Policy],
        rng: np.random.Generator,
        started: float,
    ) -> None:
        n = population.size
        self.config, self.population, self.arm_of = config, population, arm_of
        self.policies, self.rng, self.started = policies, rng, started
        rolling = any(p.window != WINDOWS[0] for p in policies)
        self.meter = MemoryMeter(n, int(population.network.max()) + 1, config.days, rolling)
        self.oracle = _Oracle(policies, config.memoise)
        self.events = (
            ev.EventLog(SECTIONS, tuple(a.name for a in config.arms), self.oracle.strings)
            if config.record_events
            else None
        )
        never = np.full(n, -1, np.int64)
        self.exposure_day, self.registration_day = never.copy(), never.copy()
        self.subscription_day, self.left_day = never.copy(), never.copy()
        self.first_section = never.copy()
        self.reads = np.zeros(n, np.int64)
        self.walls = np.zeros(n, np.int64)
        self.status = np.zeros(n, np.int64)
        self.active = np.ones(n, np.bool_)
        self.has_last = np.zeros(n, np.bool_)
        self.last_level = np.zeros(n, np.int64)
        self.last_section = np.zeros(n, np.int64)
        self.last_age = np.zeros(n, np.int64)
        self.last_article = np.zeros(n, np.int64)
        self.last_counted = np.zeros(n, np.bool_)
        self.next_article = 1
        self.visits = 0
        self.window_of: list[dt.datetime | None] = [None] * len(policies)

    def run(self) -> SimulationResult:
        for day in range(self.config.days):
            self._start_day(day)
            todays = self.rng.poisson(self.population.habit) * self.active
            for visit in range(int(todays.max(initial=0))):
                readers = np.flatnonzero((todays > visit) & self.active)
                if len(readers):
                    self._round(day, readers)
        return SimulationResult(
            config=self.config,
            population=self.population,
            arm_of=self.arm_of,
            exposure_day=self.exposure_day,
            registration_day=self.registration_day,
            subscription_day=self.subscription_day,
            left_day=self.left_day,
            first_section=self.first_section,
            reads=self.reads,
            walls=self.walls,
            events=self.events,
            visits=self.visits,
            decide_calls=self.oracle.calls,
            seconds=time.perf_counter() - self.started,
        )

    def _start_day(self, day: int) -> None:
        """Give networks their reads back and open new meter windows where they begin."""
        self.meter.new_day()
        now = self.config.start + dt.timedelta(days=day)
        for index, policy in enumerate(self.policies):
            members = np.flatnonzero(self.arm_of == index)
            if policy.window == WINDOWS[0]:
                begins = window_start(now, policy.window, _zone(policy))
                if begins != self.window_of[index]:
                    self.window_of[index] = begins
                    self.meter.reset(members)
                    self.last_counted[members] = False
            else:
                self.meter.roll(members, day)

    def _draw_visits(self, day: int, readers: NDArray[np.int64]) -> _Visits:
        rng, n = self.rng, len(readers)
        section = (self.population.interest_cdf[readers] > rng.random(n)[:, None]).argmax(1)
        level = (_LEVEL_CDF[section] > rng.random(n)[:, None]).argmax(1)
        age = np.minimum(rng.geometric(AGE_HOURS_P, n) - 1, MAX_AGE_HOURS)
        hour = rng.integers(0, 24, n)
        article = self.next_article + np.arange(n, dtype=np.int64)
        self.next_article += n
        reread = (rng.random(n) < REREAD_RATE) & self.has_last[readers]
        back = readers[reread]
        section[reread] = self.last_section[back]
        level[reread] = self.last_level[back]
        age[reread] = np.minimum(self.last_age[back] + 1, MAX_AGE_HOURS)
        article[reread] = self.last_article[back]
        return _Visits(
            reader=readers,
            arm=self.arm_of[readers],
            level=level.astype(np.int64),
            section=section.astype(np.int64),
            age=age.astype(np.int64),
            status=self.status[readers],
            article=article,
            hour=hour.astype(np.int64),
            day_start=self.config.start + dt.timedelta(days=day),
        )

    def _round(self, day: int, readers: NDArray[np.int64]) -> None:
        readers = self.rng.permutation(readers)  # who reaches the network allowance first
        v = self._draw_visits(day, readers)
        n = len(readers)
        self.visits += n
        new = self.exposure_day[readers] < 0
        self.exposure_day[readers[new]] = day
        self.first_section[readers[new]] = v.section[new]
        oracle = self.oracle
        keys = oracle.base_keys(v.arm, v.level, v.section, v.age, v.status)
        applies = oracle.applies(keys, v)
        used = np.zeros(n, np.int32)
        counted = np.zeros(n, np.bool_)
        exhausted = np.zeros(n, np.bool_)
        rereads_counted = (v.article == self.last_article[readers]) & self.last_counted[readers]
        for index, policy in enumerate(self.policies):
            for status in (_ANON, _REGISTERED):
                where = np.flatnonzero(applies & (v.arm == index) & (v.status == status))
                if not len(where):
                    continue
                anonymous = status == _ANON
                networks = self.population.network[readers[where]] if anonymous else None
                u, c, x = self.meter.consume(
                    readers[where],
                    rereads_counted[where],
                    policy.allowance_for(_READERS[status]),
                    networks,
                    policy.network_daily_allowance if anonymous else 0,
                    day,
                )
                used[where], counted[where], exhausted[where] = u, c, x

        def meter(i: int) -> MeterState | None:
            if not applies[i]:
                return None
            policy = self.policies[int(v.arm[i])]
            return MeterState(
                allowance=policy.allowance_for(_READERS[int(v.status[i])]),
                used=int(used[i]),
                is_counted=bool(counted[i]),
                is_network_exhausted=bool(exhausted[i]),
            )

        full_keys = keys * oracle.meter_codes + oracle.meter_keys(applies, used, counted, exhausted)
        granted, reasons, offers = oracle.decisions(full_keys, meter, v)
        self.reads[readers] += granted
        self.has_last[readers] = True
        self.last_level[readers], self.last_section[readers] = v.level, v.section
        self.last_age[readers], self.last_article[readers] = v.age, v.article
        self.last_counted[readers] = counted
        self._log_checks(day, v, granted, reasons, offers)
        self._answer_walls(day, v, granted, offers)

    def _log_checks(
        self,
        day: int,
        v: _Visits,
        granted: NDArray[np.bool_],
        reasons: NDArray[np.int16],
        offers: NDArray[np.int16],
    ) -> None:
        log = self.events
        if log is None:
            return
        common: dict[str, Any] = {
            "day": day,
            "hour": v.hour,
            "reader": v.reader,
            "arm": v.arm,
            "article": v.article,
            "section": v.section,
            "reader_kind": v.status,
        }
        log.append(ev.ACCESS_CHECK, granted=granted, reason=reasons, offer=offers, **common)
        walled = np.flatnonzero(~granted & (offers != 0))
        log.append(
            ev.WALL_SHOWN,
            reason=reasons[walled],
            offer=offers[walled],
            **{k: (c[walled] if isinstance(c, np.ndarray) else c) for k, c in common.items()},
        )

    def _answer_walls(
        self,
        day: int,
        v: _Visits,
        granted: NDArray[np.bool_],
        offers: NDArray[np.int16],
    ) -> None:
        """Let walled readers register, subscribe, leave, or carry on."""
        walled = np.flatnonzero(~granted & (offers != 0))
        if not len(walled):
            return
        readers = v.reader[walled]
        self.walls[readers] += 1
        subscription = offers[walled] == self.oracle.code(Offer.SUBSCRIPTION)
        pop = self.population
        chance = np.where(
            subscription,
            pop.subscription_propensity[readers],
            pop.registration_propensity[readers],
        )
        draws = self.rng.random((2, len(walled)))
        converts = draws[0] < chance
        leaves = ~converts & (draws[1] < pop.wall_aversion[readers])
        registers = converts & (self.status[readers] == _ANON)
        subscribes = converts & subscription
        self._convert(day, v, walled[registers], ev.REGISTRATION)
        self._convert(day, v, walled[subscribes], ev.SUBSCRIPTION_STARTED)
        gone = readers[leaves]
        self.active[gone] = False
        self.left_day[gone] = day

    def _convert(self, day: int, v: _Visits, visits: NDArray[np.int64], kind: str) -> None:
        readers = v.reader[visits]
        if kind == ev.REGISTRATION:
            self.status[readers] = _REGISTERED
            self.registration_day[readers] = day
            # An account is a new meter key (u:<id>), with the registered allowance.
            self.meter.reset(readers)
            self.last_counted[readers] = False
        else:
            self.status[readers] = _SUBSCRIBER
            self.subscription_day[readers] = day
        if self.events is None:
            return
        common: dict[str, Any] = {
            "day": day,
            "hour": v.hour[visits],
            "reader": readers,
            "arm": v.arm[visits],
            "article": v.article[visits],
            "section": v.section[visits],
            "reader_kind": self.status[readers],
        }
        if kind == ev.SUBSCRIPTION_STARTED:
            self.events.append(ev.CHECKOUT_STARTED, **common)
        self.events.append(kind, **common)
