"""Synthetic paywall traffic for the demo, so the analytics dashboard is not empty.

A seeded population of readers visits the live demo articles for ``DEMO_DAYS`` days:
each reader has a habit (how often they come, how many stories they read, which section
they prefer) and moves through the funnel — anonymous, meter
spent, registration wall, registered, subscription wall, checkout, subscribed — and some
subscribers cancel or send gift links. Events are written directly (marked
``extra["demo"]``) and rolled up.

The readers come from the simulator's reader model (``masthead.experiments.simulator.
population``, the one the bench's populations use too): their habit, favourite section
and their answers to a registration and a subscription wall. The demo's experiment
(``experiment.py``) splits them between two anonymous allowances with the experiment's
own keyed hash; each event names the experiment and arm, and what the readers did is
written to the experiment's exposure and outcome tables.

Synthetic readers have user ids from ``FIRST_USER_ID`` up, which no real account has, so
the demo logins' meters and subscriptions are never touched. Loading twice does nothing
the second time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from masthead.analytics.figures import allowances
from masthead.analytics.models import Event
from masthead.analytics.rollup import roll_up
from masthead.analytics.visitors import visitor_key
from masthead.billing.models import Plan
from masthead.core.events import EventKind
from masthead.demo.experiment import DemoArms, Tally, running_experiment, store_exposures
from masthead.demo.output import Output
from masthead.experiments.simulator.population import PopulationSpec, build_population
from masthead.newsroom.models import Article

SEED = 20261129
DEMO_DAYS = 28
READERS = 2500
FIRST_USER_ID = 1_000_000_000
# The funnel's odds that the reader model does not give (its propensities answer walls).
PAY_AT_CHECKOUT = 0.65
CANCEL_PER_VISIT = 0.01
GIFT_PER_READ = 0.12
# Who they are when the simulation starts: (share of readers, reader kind); the rest are
# anonymous. Half the readers are already around on the first day.
STARTING_KINDS = ((0.04, "subscriber"), (0.10, "registered"))
ALREADY_READING = 0.5

K = EventKind


@dataclass(frozen=True)
class Story:
    """What the simulation needs of a live article."""

    article_id: int
    section: str
    level: str


@dataclass
class Reader:
    """One simulated reader and where they are in the funnel."""

    number: int
    visits_per_week: float
    favourite: str
    first_day: int
    kind: str = "anonymous"
    user_id: int | None = None
    counted: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    register_at_wall: float = 0.0
    checkout_at_wall: float = 0.0
    tally: Tally | None = None

    @property
    def raw_visitor(self) -> str:
        """Return this reader's (synthetic) visitor id, as a cookie would hold it."""
        return f"demo-visitor-{self.number}"

    @property
    def visitor(self) -> str:
        """Return the stored visitor key of this reader's (synthetic) cookie."""
        return visitor_key(self.raw_visitor)


def load(users: Any, stdout: Output, *, readers: int = READERS) -> int:
    """Write the demo traffic once and roll it up; return how many events were written.

    ``users`` are the demo logins (a mapping or an iterable of users): their ids are never
    used. ``readers`` is the size of the simulated population. Return 0 when demo traffic
    exists already or there are no live articles.
    """
    if Event.objects.filter(extra__demo=True).exists():
        stdout.write("Demo traffic: already loaded.\n")
        return 0
    stories = _live_stories()
    if not stories:
        stdout.write("Demo traffic: no live articles, nothing generated.\n")
        return 0
    now = timezone.now()
    first = now.date() - dt.timedelta(days=DEMO_DAYS)
    experiment = running_experiment(now)
    simulation = Simulation(
        stories, first, now, _reserved_ids(users), readers, arms=DemoArms(experiment)
    )
    events = simulation.run()
    plans = {plan.slug: (plan.price_minor, plan.currency) for plan in Plan.objects.all()}
    with transaction.atomic():
        Event.objects.bulk_create(events, batch_size=1000)
        roll_up(first, now.date())
        exposed = store_exposures(
            experiment, (r.tally for r in simulation.readers if r.tally), plans
        )
    stdout.write(
        f"Demo traffic: {len(events):,} events over {DEMO_DAYS} days; "
        f"{exposed:,} readers in the experiment “{experiment.name}”.\n"
    )
    return len(events)


def _reserved_ids(users: Any) -> set[int]:
    values: Iterable[Any] = users.values() if hasattr(users, "values") else users or ()
    return {user.pk for user in values if getattr(user, "pk", None) is not None}


def _live_stories() -> list[Story]:
    live = Article.objects.live().select_related("section").order_by("pk")
    return [
        Story(a.pk, a.section.slug if a.section else "", a.effective_access_level()) for a in live
    ]


class Simulation:
    """Readers visiting stories day by day; collects the events they cause."""

    def __init__(
        self,
        stories: list[Story],
        first_day: dt.date,
        until: dt.datetime,
        reserved: set[int],
        readers: int = READERS,
        *,
        arms: DemoArms | None = None,
    ) -> None:
        self.random = random.Random(SEED)
        self.arms = arms
        # The simulator's reader model: habits, interests and answers to walls.
        self.model = build_population(
            PopulationSpec(max(readers, 1)), np.random.default_rng(SEED), "demo-visitor"
        )
        self.stories = stories
        self.first_day = first_day
        self.until = until
        self.allowances = allowances()
        self.sections = sorted({story.section for story in stories})
        self.events: list[Event] = []
        self.next_user = max([FIRST_USER_ID - 1, *reserved]) + 1
        self.readers = [self._new_reader(number) for number in range(readers)]

    def _new_reader(self, number: int) -> Reader:
        model = self.model
        visits = float(model.habit[number]) * 7
        interest = np.diff(model.interest_cdf[number], prepend=0.0)
        favourite = self.sections[int(np.argmax(interest)) % len(self.sections)]
        is_regular = self.random.random() < ALREADY_READING
        reader = Reader(
            number,
            visits,
            favourite,
            0 if is_regular else self.random.randrange(DEMO_DAYS),
            register_at_wall=float(model.registration_propensity[number]),
            checkout_at_wall=min(
                1.0, float(model.subscription_propensity[number]) / PAY_AT_CHECKOUT
            ),
        )
        if self.arms is not None:
            reader.tally = Tally(self.arms.arm_for(reader.raw_visitor), reader.raw_visitor)
        roll = self.random.random()
        for share, kind in STARTING_KINDS:
            if roll < share:
                reader.kind, reader.user_id = kind, self._new_user_id()
                break
            roll -= share
        return reader

    def _new_user_id(self) -> int:
        self.next_user += 1
        return self.next_user - 1

    def run(self) -> list[Event]:
        """Return every event from the first day up to ``until``, in time order per reader."""
        for offset in range(DEMO_DAYS + 1):
            day = self.first_day + dt.timedelta(days=offset)
            for reader in self.readers:
                if offset >= reader.first_day and self._visits_today(reader, day):
                    self._visit(reader, self._moment(day))
        return self.events

    def _visits_today(self, reader: Reader, day: dt.date) -> bool:
        weekend = 0.7 if day.weekday() >= 5 else 1.0
        return self.random.random() < min(1.0, reader.visits_per_week / 7 * weekend)

    def _moment(self, day: dt.date) -> dt.datetime:
        hour = self.random.choice((7, 8, 8, 9, 12, 13, 17, 18, 20, 21, 22))
        minute = self.random.randrange(60)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)

    def _visit(self, reader: Reader, at: dt.datetime) -> None:
        if reader.kind == "subscriber" and self.random.random() < CANCEL_PER_VISIT:
            self._emit(K.SUBSCRIPTION_CANCELED, reader, at)
            reader.kind = "registered"
        for _ in range(self.random.choice((1, 1, 2, 2, 3, 4))):
            at += dt.timedelta(minutes=self.random.randrange(2, 9))
            self._read(reader, self._pick_story(reader), at)

    def _pick_story(self, reader: Reader) -> Story:
        if self.random.random() < 0.6:
            mine = [story for story in self.stories if story.section == reader.favourite]
            if mine:
                return self.random.choice(mine)
        return self.random.choice(self.stories)

    def _read(self, reader: Reader, story: Story, at: dt.datetime) -> None:
        granted, reason, offer = self._decide(reader, story, at)
        self._emit(K.ACCESS_CHECK, reader, at, story, granted=granted, reason=reason)
        if granted:
            if reader.kind != "subscriber":
                self._emit(K.AD_IMPRESSION, reader, at, story)
            self._maybe_gift(reader, story, at)
            return
        self._emit(K.WALL_SHOWN, reader, at, story, offer=offer)
        self._respond_to_wall(reader, story, offer, at + dt.timedelta(minutes=1))

    def _decide(self, reader: Reader, story: Story, at: dt.datetime) -> tuple[bool, str, str]:
        if story.level == "free":
            return True, "free", ""
        if reader.kind == "subscriber":
            return True, "subscriber", ""
        if story.level == "subscriber":
            return False, "subscription_required", "subscription"
        if story.level == "registered":
            if reader.kind == "registered":
                return True, "registered", ""
            return False, "registration_required", "registration"
        return self._meter(reader, story, at)

    def _meter(self, reader: Reader, story: Story, at: dt.datetime) -> tuple[bool, str, str]:
        month = reader.counted.setdefault((at.year, at.month), set())
        allowance = self.allowances[reader.kind == "registered"]
        if reader.kind == "anonymous" and reader.tally is not None and self.arms is not None:
            allowance = self.arms.allowance(reader.tally.arm, allowance)
        if story.article_id in month or len(month) < allowance:
            month.add(story.article_id)
            return True, "metered", ""
        offer = "registration" if reader.kind == "anonymous" else "subscription"
        return False, "meter_exhausted", offer

    def _respond_to_wall(self, reader: Reader, story: Story, offer: str, at: dt.datetime) -> None:
        if offer == "registration":
            if self.random.random() < reader.register_at_wall:
                self._register(reader, story, at)
                self._read(reader, story, at + dt.timedelta(minutes=1))
            return
        if reader.kind == "registered" and self.random.random() < reader.checkout_at_wall:
            self._emit(K.CHECKOUT_STARTED, reader, at, story)
            if self.random.random() < PAY_AT_CHECKOUT:
                reader.kind = "subscriber"
                self._emit(K.SUBSCRIPTION_STARTED, reader, at + dt.timedelta(minutes=3), story)

    def _register(self, reader: Reader, story: Story, at: dt.datetime) -> None:
        reader.kind, reader.user_id = "registered", self._new_user_id()
        # A new account's meter starts afresh: the registered allowance is its own count.
        reader.counted.pop((at.year, at.month), None)
        self._emit(K.REGISTRATION, reader, at, story)  # the story whose wall it was

    def _maybe_gift(self, reader: Reader, story: Story, at: dt.datetime) -> None:
        if reader.kind != "subscriber" or self.random.random() >= GIFT_PER_READ:
            return
        self._emit(K.GIFT_CREATED, reader, at, story)
        for _ in range(self.random.choice((0, 1, 1, 2, 3))):
            friend = Reader(-len(self.events), 0.0, story.section, 0)
            opened = at + dt.timedelta(hours=self.random.randrange(1, 30))
            self._emit(K.GIFT_OPENED, friend, opened, story)
            self._emit(K.ACCESS_CHECK, friend, opened, story, granted=True, reason="gift")

    def _emit(
        self,
        kind: str,
        reader: Reader,
        at: dt.datetime,
        story: Story | None = None,
        **facts: Any,
    ) -> None:
        if at > self.until:
            return  # not happened yet
        extra: dict[str, Any] = {"demo": True}
        if reader.tally is not None and self.arms is not None:
            extra.update(experiment=self.arms.experiment.pk, arm=reader.tally.arm.name)
            self._tally(reader.tally, kind, at, story, facts)
        event = Event(
            kind=kind,
            at=at,
            article_id=story.article_id if story else None,
            section=story.section if story else "",
            user_id=reader.user_id,
            visitor=reader.visitor,
            reader_kind=reader.kind,
            extra=extra,
            **facts,
        )
        self.events.append(event)

    @staticmethod
    def _tally(tally: Tally, kind: str, at: dt.datetime, story: Story | None, facts: Any) -> None:
        if kind == K.ACCESS_CHECK:
            tally.saw(at, story.section if story else "")
            tally.checks += 1
            tally.reads += int(bool(facts.get("granted")))
        elif kind == K.WALL_SHOWN:
            tally.walls += 1
        elif kind in (K.REGISTRATION, K.CHECKOUT_STARTED, K.SUBSCRIPTION_STARTED):
            tally.outcomes.append((str(kind), at, "all-access" if kind != K.REGISTRATION else ""))


def summary(events: Iterable[Event]) -> Counter[str]:
    """Return how many events of each kind ``events`` holds (for the loader's output)."""
    return Counter(event.kind for event in events)
