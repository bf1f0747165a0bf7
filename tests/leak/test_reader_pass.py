"""Reader passes on (the meter on Redis): no pass opens more than its own reader's access.

A pass is a signed cookie the access check decides from without the database. What a
leaker can try: forge one, edit a real one, carry the subscriber's next to their own
session, or keep their own after their access ended. Every article is checked each way;
gated text may only reach a reader entitled to it by the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signing
from django.test import Client, override_settings

from masthead.access import generations
from masthead.access.meter_redis import redis_client
from masthead.access.reader_pass import PASS_COOKIE

from .access import answer_of, check_access
from .accounts import ENTITLED_LEVELS
from .fixtures import FREE_KEYS, LeakWorld
from .oracle import Leak, leaks_in
from .readers import READERS_BY_NAME

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("passes_on")]
SALT = "masthead.access.reader_pass"
CLAIM_EVERYTHING = [[1, None, [["subscriber", "*"], ["registered", "*"], ["metered", "*"]]]]


@pytest.fixture
def passes_on(redis_url: str) -> Iterator[None]:
    prefix = f"test:{uuid.uuid4().hex}:"
    with override_settings(
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_URL=redis_url,
        PAYWALL_REDIS_PREFIX=prefix,
        PAYWALL_READER_PASS_MINUTES=5,
        PAYWALL_ANONYMOUS_ALLOWANCE=0,
        PAYWALL_REGISTERED_ALLOWANCE=0,
    ):
        generations.resume()
        yield
    generations.resume()
    client = redis_client(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def _client(account: str, sessions: dict[str, str]) -> Client:
    return READERS_BY_NAME[account].client(sessions) if account else Client()


def _own_pass(account: str, world: LeakWorld, sessions: dict[str, str]) -> str:
    """Return the genuine pass the check issues to ``account`` (reader kind name)."""
    client = _client(account, sessions)
    response = check_access(client, next(iter(world.articles.values())).article.pk)
    assert PASS_COOKIE in response.cookies, account
    return response.cookies[PASS_COOKIE].value


def _sweep(client: Client, reader: str, account: str, world: LeakWorld, label: str) -> list[Leak]:
    levels = ENTITLED_LEVELS[account]
    entitled = {k for k, f in world.live.items() if f.level in levels} | set(FREE_KEYS)
    forbidden = set(world.gated_markers([k for k in world.articles if k not in entitled]))
    leaks: list[Leak] = []
    for key, fixture in world.articles.items():
        response = check_access(client, fixture.article.pk)
        leaks += leaks_in(response, forbidden, f"{reader} {label} {key}")
        if key not in entitled:
            assert answer_of(response).get("granted") is not True, (reader, label, key)
    return leaks


# Logged-in readers not entitled to everything, by reader kind (their account in brackets).
NOT_ENTITLED = [
    "registered",
    "lapsed_subscriber",
    "wrong_section_subscriber",
    "news_plan_subscriber",
    "plan_ended_a_second_ago",
    "grace_ended_a_second_ago",
    "deactivated_subscriber",
    "staff_without_permissions",
]


def _forged(user_id: int, session_digest: str = "0" * 32) -> dict[str, Any]:
    return {
        "v": 1,
        "u": user_id,
        "g": "forged",
        "x": int((dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).timestamp() * 1000),
        "n": None,
        "c": 1,
        "s": session_digest,
        "t": CLAIM_EVERYTHING,
    }


@pytest.mark.parametrize("reader", ["anonymous", *NOT_ENTITLED])
def test_a_forged_pass_unlocks_nothing(
    reader: str, world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    account = READERS_BY_NAME[reader].account
    user_id = world.users["subscriber"].pk
    forgeries = {
        "wrong key": signing.TimestampSigner(key="guessed", salt=SALT).sign_object(
            _forged(user_id), compress=True
        ),
        "no salt": signing.dumps(_forged(user_id)),
        "visitor salt": signing.dumps(_forged(user_id), salt="access.visitor"),
        "unsigned": signing.b64_encode(str(_forged(user_id)).encode()).decode(),
    }
    leaks: list[Leak] = []
    for label, value in forgeries.items():
        client = _client(reader, leak_sessions)
        client.cookies[PASS_COOKIE] = value
        leaks += _sweep(client, reader, account, world, label)
    assert leaks == [], "\n".join(map(str, leaks))


@pytest.mark.parametrize("reader", ["anonymous", *NOT_ENTITLED])
def test_the_subscribers_real_pass_is_worthless_next_to_another_session(
    reader: str, world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    stolen = _own_pass("subscriber", world, leak_sessions)
    client = _client(reader, leak_sessions)
    client.cookies[PASS_COOKIE] = stolen
    leaks = _sweep(client, reader, READERS_BY_NAME[reader].account, world, "stolen pass")
    assert leaks == [], "\n".join(map(str, leaks))


def test_an_edited_real_pass_unlocks_nothing(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    own = _own_pass("registered", world, leak_sessions)
    payload, _, signature = own.partition(":")
    # The payload itself, re-encoded with every level claimed, under the old signature.
    claim = signing.loads(own, salt=SALT)
    claim["t"] = CLAIM_EVERYTHING
    edited = signing.dumps(claim, salt="edited").split(":", 1)[0] + ":" + own.split(":", 1)[1]
    client = _client("registered", leak_sessions)
    leaks: list[Leak] = []
    for label, value in (("edited claim", edited), ("truncated", own[:-3]), ("bare", payload)):
        client.cookies[PASS_COOKIE] = value
        leaks += _sweep(client, "registered", "registered", world, label)
    assert signature  # a real pass is signed
    assert leaks == [], "\n".join(map(str, leaks))


def test_a_genuine_pass_opens_only_what_its_reader_may_read(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    leaks: list[Leak] = []
    for reader in NOT_ENTITLED:
        if READERS_BY_NAME[reader].account == "deactivated":
            continue  # logged out by the auth backend: it never gets a pass
        client = _client(reader, leak_sessions)
        _own_pass_on(client, world)
        leaks += _sweep(client, reader, READERS_BY_NAME[reader].account, world, "own pass")
    assert leaks == [], "\n".join(map(str, leaks))


def _own_pass_on(client: Client, world: LeakWorld) -> None:
    response = check_access(client, next(iter(world.articles.values())).article.pk)
    assert PASS_COOKIE in response.cookies
