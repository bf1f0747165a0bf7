"""The access check's hot path: an anonymous check in one Redis round trip, no SQL.

The ordinary check (``views.access_check`` through ``checking.check_access``) asks Redis
up to five times (rate limit, facts, meter, facts again, gated part) through Django's
cache. Here one Lua script on the meter's Redis does, atomically and in this order:

1. compares the **content generation** with the one this process loaded its article
   facts under (a mismatch answers ``stale`` and changes nothing);
2. compares a logged-in reader's generation with the one their pass carries, when one is
   given (a mismatch answers ``reader_stale`` and changes nothing);
3. counts the request against the check's rate limit (the same counter as
   ``masthead.core.ratelimit.hit``) and answers ``limited`` past it;
4. counts the read on the meter and the network allowance (``meter_redis.METER_STEPS``,
   the very steps of the Redis meter store), when the decision needs the meter;
5. reads the cached gated part, when the read may be granted.

Everything else the check needs is held in this process: the policy (``policy_loader``,
as before), the experiment's arms (the port caches them), the article facts (validated
by the content generation above, which every newsroom save changes through
``content_changed``, and kept at most ``FACTS_SECONDS``), and the rendered walls
(``offers``). The decision is the pure ``decide()``, called exactly as ``checking`` calls
it; the answer is built by ``views.check_answer``, shared with the ordinary path.

Anything this path does not handle is handed to the ordinary path (``answer`` returns
None): a gift token, a claimed crawler, a body that does not parse, an article that is not
live (the 404), Redis failing, any exception. So every fail-closed rule of the ordinary
path applies to every case that leaves the happy path, and the hot path adds none of its
own. ``mode`` chooses: the one script on a single Redis (or a primary); on a Redis
Cluster, ``ClusterHotStore`` runs the same steps in two round trips (no script may span
slots); ``sql`` runs the script without its meter step and counts the meter in the
database (the SQL meter store, the ordinary path's own count and fail mode).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from redis.exceptions import NoScriptError, RedisError

from masthead.access import generations, meters, views
from masthead.access.checking import CheckOutcome, arm_for
from masthead.access.checking import meter_request as request_to_count
from masthead.access.media import sign_placeholders
from masthead.access.meter_cluster import ClusterMeterStore, cluster_store_for
from masthead.access.meter_redis import (
    METER_STEPS,
    NETWORK_TTL_SECONDS,
    READS_TTL_SECONDS,
    legacy_reads_key,
    meter_prefix,
    millis,
    network_counter_key,
    reads_key,
    redis_store_for,
)
from masthead.access.offers import forget_rendered_walls
from masthead.access.policy import (
    ANONYMOUS,
    NOT_A_CRAWLER,
    ArticleFacts,
    MeterState,
    Policy,
    ReaderFacts,
    decide,
    is_ad_free,
    meter_applies,
    refuse_gift,
)
from masthead.access.policy_loader import load_policy
from masthead.access.ports import ArmChoice, content_source
from masthead.access.reader_pass import generation_key, read_pass
from masthead.access.sources import crawler_verdict
from masthead.access.visitors import new_visitor_id, visitor_from
from masthead.core import ratelimit
from masthead.core.jsonbody import BadJSON
from masthead.core.network import client_address
from masthead.core.origin import is_same_origin
from masthead.core.redis_clients import (
    AnyRedis,
    Command,
    configured_cluster_nodes,
    on_key_slot,
    on_slots_at_once,
    reread_slots,
)

logger = logging.getLogger(__name__)

# How long this process trusts article facts it holds, even when the generation still
# matches: a save whose generation change did not reach Redis (Redis briefly unreachable
# from the saving process) is seen within this time, as with the newsroom's own cache.
FACTS_SECONDS = 60.0
FACTS_LIMIT = 50_000
# After Redis fails, the ordinary path answers for this long (it has its own timeouts and
# fail mode), so a hung Redis does not cost every check a second timeout here.
PAUSE_AFTER_FAILURE_SECONDS = 1.0

OK, STALE, READER_STALE, LIMITED = "ok", "stale", "reader_stale", "limited"
CLUSTER_CACHE = "masthead.core.cluster_cache.RedisClusterCache"

HOT_SCRIPT = (
    METER_STEPS
    + """
-- KEYS: 1 content generation, 2 rate limit, 3 reads, 4 network, 5 gated part,
--       6 reader generation, 7 the reads' key from before the hash tags
-- ARGV: 1 expected content generation, 2 limit, 3 limit expiry, 4 metered (0/1),
--       5 article, 6 window start (ms), 7 now (ms), 8 allowance, 9 network (0/1),
--       10 network allowance, 11 reads TTL, 12 network TTL, 13 may grant (0/1),
--       14 expected reader generation ('' when there is none)
local generation = redis.call('GET', KEYS[1])
if generation ~= ARGV[1] then
  return {'stale', generation or ''}
end
if ARGV[14] ~= '' and redis.call('GET', KEYS[6]) ~= ARGV[14] then
  return {'reader_stale', generation}
end
local hits = redis.call('INCR', KEYS[2])
if redis.call('TTL', KEYS[2]) < 0 then
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
if hits > tonumber(ARGV[2]) then
  return {'limited', generation}
end
local used, counted, network_exhausted = 0, 1, 0
if ARGV[4] == '1' then
  local network = nil
  if ARGV[9] == '1' then
    network = KEYS[4]
  end
  local state = consume(KEYS[3], KEYS[7], network, ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[10],
                        ARGV[11], ARGV[12])
  used, counted, network_exhausted = state[1], state[2], state[3]
end
local html = false
if ARGV[13] == '1' and counted == 1 then
  html = redis.call('GET', KEYS[5])
end
if html then
  return {'ok', generation, used, counted, network_exhausted, 1, html}
end
return {'ok', generation, used, counted, network_exhausted, 0, ''}
"""
)


@dataclass(frozen=True)
class ScriptAnswer:
    """What the script answered: a status, the content generation, the meter, the part."""

    status: str
    generation: str
    used: int = 0
    is_counted: bool = False
    is_network_exhausted: bool = False
    html: str | None = None


@dataclass(frozen=True)
class ScriptCall:
    """One run of the script: its keys and arguments, built from the check's facts."""

    generation: str
    limit_key: str
    limit: int
    limit_expiry: int
    article_id: int
    gated_key: str
    may_grant: bool
    meter: meters.MeterRequest | None = None
    reader_generation: tuple[str, str] | None = None


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class _PinnedConnection(threading.local):
    """One connection per thread (and per process: a forked worker opens its own)."""

    connection: redis.Connection | None = None
    pid = 0

    def connection_to(self, client: Any) -> redis.Connection:
        """Return this thread's connection to ``client``'s server, made on first use."""
        if self.connection is None or self.pid != os.getpid():
            pool: Any = client.connection_pool
            self.connection = pool.connection_class(**pool.connection_kwargs)
            self.pid = os.getpid()
        return self.connection


class HotStore:
    """The script and the keys around it, on one Redis client (the meter's pool)."""

    client: AnyRedis

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self.generation_key = f"{prefix}content:generation"
        self._script = client.register_script(HOT_SCRIPT)
        self._pinned = _PinnedConnection()

    def _evalsha(self, keys: list[str], args: list[Any]) -> Any:
        """Run the script on this thread's own connection to the pool's server.

        The client's own call takes a connection from the pool (a lock, and a poll of the
        socket for stray data), wraps the call in its retry machinery and gives it back:
        about half the CPU of the whole round trip. This thread keeps one connection of
        the same settings instead. Any error closes it (the next check opens a new one)
        and propagates; a server that lost its scripts (a restart, SCRIPT FLUSH) is sent
        the script again once.
        """
        command = ("EVALSHA", self._script.sha, len(keys), *keys, *args)
        connection: Any = self._pinned.connection_to(self.client)  # redis-py is untyped here
        try:
            try:
                connection.send_command(*command, check_health=False)
                return connection.read_response()
            except NoScriptError:
                self.client.script_load(HOT_SCRIPT)
                connection.send_command(*command, check_health=False)
                return connection.read_response()
        except BaseException:
            connection.disconnect()
            raise

    def gated_key(self, generation: str, article_id: int, *, ad_free: bool) -> str:
        """Return the key of an article's gated part rendered under ``generation``."""
        return f"{self.prefix}gated:{generation}:{article_id}:{'ad-free' if ad_free else 'ads'}"

    def run(self, call: ScriptCall) -> ScriptAnswer:
        """Run the script once (one round trip); Redis errors propagate."""
        meter = call.meter
        reads = reads_key(self.prefix, meter.reader) if meter else self.generation_key
        network = (
            network_counter_key(self.prefix, meter.network, meter.now)
            if meter is not None and meter.network is not None
            else self.generation_key
        )
        reader_key, reader_value = call.reader_generation or (self.generation_key, "")
        keys = [
            self.generation_key,
            call.limit_key,
            reads,
            network,
            call.gated_key,
            reader_key,
            legacy_reads_key(self.prefix, meter.reader) if meter else self.generation_key,
        ]
        args: list[Any] = [
            call.generation,
            call.limit,
            call.limit_expiry,
            1 if meter is not None else 0,
            call.article_id,
            millis(meter.since) if meter else 0,
            millis(meter.now) if meter else 0,
            meter.allowance if meter else 0,
            1 if meter is not None and meter.network is not None else 0,
            meter.network_allowance if meter else 0,
            READS_TTL_SECONDS,
            NETWORK_TTL_SECONDS,
            1 if call.may_grant else 0,
            reader_value,
        ]
        answer: list[Any] = self._evalsha(keys, args)
        status, generation = _text(answer[0]), _text(answer[1])
        if status != OK:
            return ScriptAnswer(status, generation)
        return ScriptAnswer(
            OK,
            generation,
            used=int(answer[2]),
            is_counted=bool(answer[3]),
            is_network_exhausted=bool(answer[4]),
            html=_text(answer[6]) if int(answer[5]) else None,
        )

    def current_generation(self) -> str:
        """Return the content generation, starting one when Redis has none (1-2 trips)."""
        key = self.generation_key
        found = on_key_slot(self.client, key, lambda r: r.get(key))
        if found is None:
            on_key_slot(self.client, key, lambda r: r.set(key, _new_generation(), nx=True))
            found = on_key_slot(self.client, key, lambda r: r.get(key))
        return _text(found)

    def bump(self) -> None:
        """Start a new content generation (every newsroom save, twice: see the newsroom)."""
        key = self.generation_key
        on_key_slot(self.client, key, lambda r: r.set(key, _new_generation()))

    def keep_gated(self, key: str, html: str) -> None:
        """Keep a rendered gated part under its generation's key for ``gated_seconds``."""
        on_key_slot(self.client, key, lambda r: r.set(key, html, ex=gated_seconds()))


class ClusterHotStore(HotStore):
    """The same steps on a Redis Cluster, in two round trips (one per step below).

    No script may touch two slots, so the single script's steps are split:

    1. **Everything at once**, one command per slot, written to every primary involved
       before any reply is read (``on_slots_at_once``): the content generation, the rate
       limit's counter (INCR, EXPIRE NX: ``ratelimit.hit``'s very pipeline), the cached
       gated part, the reader's generation, and the reader's meter script
       (``ClusterMeterStore.reader_step``: a first read is reserved in the reader's slot,
       exactly, as the cluster meter does).
    2. **The network's script**, only when step 1 reserved a first read and a network
       allowance applies (``ClusterMeterStore.settle``, with its take-back on refusal).

    A check that step 1 shows should not have counted (a stale content or reader
    generation, past the rate limit) or that fails after it has its reservation taken
    back, which is the second round trip in those cases; a network that refuses costs a
    third (the take-back), as it does in ``ClusterMeterStore``. The gated part read in
    step 1 is kept only when the content generation read beside it is the one the facts
    were held under, and the read was counted, so a stale generation never serves a
    stale part. Other differences from the one script: a check answered ``stale`` has
    been counted by the rate limit (the retry is counted again), and the steps are not
    one atomic unit (a content change between them is seen by the next check, as a
    change just after the single script ran would be).
    """

    def __init__(self, meter: ClusterMeterStore) -> None:
        self.client = self.cluster = meter.client
        self.prefix = meter.prefix
        self.generation_key = f"{meter.prefix}content:generation"
        self.meter = meter

    def run(self, call: ScriptCall) -> ScriptAnswer:
        """Run the steps (two round trips; three when the network refuses); errors propagate."""
        meter = call.meter
        named: dict[str, Command] = {
            "generation": ("GET", self.generation_key),
            "hits": ("INCR", call.limit_key),
            "expiry": ("EXPIRE", call.limit_key, call.limit_expiry, "NX"),
        }
        if call.may_grant:
            named["gated"] = ("GET", call.gated_key)
        if call.reader_generation is not None:
            named["reader"] = ("GET", call.reader_generation[0])
        if meter is not None:
            named["meter"] = self.meter.reader_step(meter)
        try:
            answered = on_slots_at_once(self.cluster, list(named.values()))
            replies = dict(zip(named, answered, strict=True))
        except (RedisError, OSError):
            if meter is not None:
                self.meter.take_back(meter)  # the reader's script may have reserved
            raise
        used, counted, reserved = 0, True, False
        counts = replies.get("meter")
        if counts is not None and not isinstance(counts, Exception):
            used, counted, reserved = int(counts[0]), bool(counts[1]), bool(counts[2])
        failed = next((r for r in replies.values() if isinstance(r, Exception)), None)
        generation = "" if replies["generation"] is None else _text(replies["generation"])
        status = OK
        if failed is not None:
            status = "failed"
        elif generation != call.generation:
            status = STALE
        elif call.reader_generation is not None and not _same(
            replies["reader"], call.reader_generation[1]
        ):
            status = READER_STALE
        elif int(replies["hits"]) > call.limit:
            status = LIMITED
        if status != OK:
            if reserved and meter is not None:
                self.meter.take_back(meter)
            if failed is not None:
                reread_slots(self.client)  # a refusal (MOVED, ...): the map is out of date
                raise failed
            return ScriptAnswer(status, generation)
        network_exhausted = False
        if meter is not None:
            state = self.meter.settle(meter, used, counted, reserved)
            used, counted = state.used, state.is_counted
            network_exhausted = state.is_network_exhausted
        html = replies.get("gated") if counted else None
        return ScriptAnswer(
            OK,
            generation,
            used=used,
            is_counted=counted,
            is_network_exhausted=network_exhausted,
            html=None if html is None else _text(html),
        )


def _same(found: Any, expected: str) -> bool:
    return found is not None and secrets.compare_digest(_text(found), expected)


def _new_generation() -> str:
    # Unique across restarts and flushes, unlike a counter that starts again at 1.
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


def gated_seconds() -> int:
    """Return how long a gated part stays cached (the newsroom's cache time, default 60)."""
    return max(int(getattr(settings, "NEWSROOM_PAYWALL_CACHE_SECONDS", 60)), 1)


# --- which path ----------------------------------------------------------------------


def _meter_url() -> str:
    return str(settings.PAYWALL_REDIS_URL or settings.REDIS_URL or "")


def _cache_location() -> str:
    location: Any = settings.CACHES.get("default", {}).get("LOCATION", "")
    return str(location[0] if isinstance(location, list | tuple) and location else location)


def mode() -> str:
    """Return ``single`` (the one-script path), ``sql``, ``cluster`` or ``off``.

    ``sql``: the SQL meter store with the cache on a single Redis (``REDIS_URL``). The
    same script runs on that Redis without its meter step, and the meter is counted in
    the database right after it, by the very store and fail mode the ordinary path uses.

    ``single`` needs the Redis meter and the rate limit's cache on the same single Redis
    (the script touches both). ``cluster``: the meter and the cache run on a Redis
    Cluster (``MASTHEAD_REDIS_CLUSTER_NODES``, the cache ``RedisClusterCache``), where
    ``ClusterHotStore`` runs the same steps in two round trips. ``off``:
    ``PAYWALL_HOT_PATH`` is False, or no shared Redis.
    """
    if not bool(getattr(settings, "PAYWALL_HOT_PATH", True)):
        return "off"
    if settings.PAYWALL_METER_STORE == "sql":
        # The script does all but the meter; the meter is counted in the database after it.
        if configured_cluster_nodes():
            return "off"
        url = _meter_url()  # where the reader generations live (generations._client)
        return "sql" if url and url == _cache_location() else "off"
    if settings.PAYWALL_METER_STORE != "redis":
        return "off"
    if configured_cluster_nodes():
        backend = settings.CACHES.get("default", {}).get("BACKEND", "")
        return "cluster" if backend == CLUSTER_CACHE else "off"
    url = _meter_url()
    if not url or url != _cache_location():
        return "off"
    return "single"


_lock = threading.Lock()
_store: HotStore | None = None
_mode: str | None = None
_paused_until = 0.0


def hot_store() -> HotStore | None:
    """Return this process's store when the hot path runs (``single`` or ``cluster``)."""
    global _store, _mode
    if _mode is None:
        with _lock:
            _mode = mode()
            if _mode == "single":
                store = redis_store_for(_meter_url())
                _store = HotStore(store.client, meter_prefix())
            elif _mode == "sql":
                # The cache's Redis (rate limit, generation, gated parts): a plain client.
                _store = HotStore(redis_store_for(_meter_url()).client, meter_prefix())
            elif _mode == "cluster":
                _store = ClusterHotStore(cluster_store_for(configured_cluster_nodes()))
    return _store if _mode != "off" else None


def _reset(setting: str = "", **kwargs: Any) -> None:
    """Forget the chosen path and everything held (a setting it reads changed: tests)."""
    global _store, _mode, _paused_until
    if not setting.startswith(("PAYWALL_", "REDIS_URL", "CACHES", "MASTHEAD_REDIS", "NEWSROOM_")):
        return
    with _lock:
        _store, _mode, _paused_until = None, None, 0.0
    forget_facts()


setting_changed.connect(_reset, dispatch_uid="access.hotpath.reset")


def content_changed() -> None:
    """Say that newsroom content changed: a new content generation, walls re-rendered.

    The newsroom calls this (through ``masthead.access.content_changed``) on every save.
    Without the hot path there is nothing to do but drop this process's walls. A Redis
    failure is logged: facts held elsewhere then expire within ``FACTS_SECONDS``.
    """
    forget_rendered_walls()
    forget_facts()
    store = hot_store()
    if store is None:
        return
    try:
        store.bump()
    except (RedisError, OSError) as exc:
        logger.warning("content_generation_not_changed error=%s", type(exc).__name__)


# --- facts held in memory --------------------------------------------------------------

_facts: dict[int, tuple[str, float, ArticleFacts]] = {}
_generation: str | None = None


def forget_facts() -> None:
    """Drop the facts this process holds and the generation it knows."""
    global _facts, _generation
    _facts, _generation = {}, None


def _facts_for(
    store: HotStore, article_id: int, now: dt.datetime
) -> tuple[str, ArticleFacts | None]:
    """Return the generation and the article's facts held for it (loaded when missing).

    Only live articles are held: a live article stays live as time passes (only a save
    can change that, and a save changes the generation), while a scheduled one opens at
    its time, so "not live" is asked again every time.
    """
    global _generation, _facts
    generation = _generation
    if generation is None:
        generation = _generation = store.current_generation()
    held = _facts.get(article_id)
    clock = time.monotonic()
    if held is not None and held[0] == generation and held[1] > clock:
        return generation, held[2]
    found = content_source().article_facts(article_id, now)
    if found is not None:
        if len(_facts) >= FACTS_LIMIT:
            _facts = {}
        _facts[article_id] = (generation, clock + FACTS_SECONDS, found)
    return generation, found


# --- the check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """What is known before the script runs."""

    reader: ReaderFacts
    policy: Policy
    arm: ArmChoice | None
    meter: meters.MeterRequest | None


def hot_check(
    request: HttpRequest,
    article_id: int,
    visitor: str,
    now: dt.datetime,
    *,
    reader: ReaderFacts = ANONYMOUS,
    user_id: int | None = None,
    reader_generation: tuple[str, str] | None = None,
) -> CheckOutcome | str | None:
    """Return the check's outcome, ``LIMITED``, or None (the ordinary path answers).

    Anonymous by default. A logged-in reader's facts come from a source the caller
    trusts (a signed pass) together with ``reader_generation``, the (key, value) pair the
    script must find in Redis, or the ordinary path answers. No gift and no crawler here:
    the caller hands those to the ordinary path.
    """
    global _paused_until, _generation
    store = hot_store()
    if store is None or time.monotonic() < _paused_until:
        return None
    limit = views.check_limit()
    limit_key = ratelimit.redis_key(limit, client_address(request))
    if limit_key is None:
        return None
    policy = load_policy()
    arm = arm_for(user_id, reader, visitor, policy, now)
    if arm is not None:
        policy = arm.policy
    try:
        for _attempt in range(2):
            generation, facts = _facts_for(store, article_id, now)
            if facts is None:
                return None  # not live or missing: the ordinary path answers 404
            metered = meter_applies(facts, reader, None, NOT_A_CRAWLER, policy, now)
            meter_request = (
                request_to_count(request, facts, reader, user_id, visitor, policy, now)
                if metered
                else None
            )
            # Without the meter the decision is known now; with it, a counted read may grant.
            may_grant = (
                metered or decide(facts, reader, None, None, NOT_A_CRAWLER, policy, now).granted
            )
            ad_free = is_ad_free(reader)
            in_script = None if _mode == "sql" else meter_request
            answer = store.run(
                ScriptCall(
                    generation=generation,
                    limit_key=limit_key,
                    limit=limit.attempts,
                    limit_expiry=ratelimit.expiry_seconds(limit),
                    article_id=article_id,
                    gated_key=store.gated_key(generation, article_id, ad_free=ad_free),
                    may_grant=may_grant,
                    meter=in_script,
                    reader_generation=reader_generation,
                )
            )
            if answer.status == STALE:
                forget_facts()
                _generation = answer.generation or None
                continue
            break
        else:
            return None
        if answer.status == LIMITED:
            return LIMITED
        if answer.status != OK:
            return None  # READER_STALE: the ordinary path answers (and renews the pass)
        meter: MeterState | None = None
        if meter_request is not None and in_script is None:
            # The SQL meter, after the script said fresh and not limited: the ordinary
            # path's own count (one transaction; a database that is down is the fail mode).
            meter = meters.count_read(meters.configured_store(), meter_request)
        elif meter_request is not None:
            meter = MeterState(
                allowance=meter_request.allowance,
                used=answer.used,
                is_counted=answer.is_counted,
                is_network_exhausted=answer.is_network_exhausted,
            )
        decision = refuse_gift(
            decide(facts, reader, meter, None, NOT_A_CRAWLER, policy, now), False, None
        )
        html = None
        if decision.granted:
            # The script read the part before the SQL count, so it is used only when granted.
            html = answer.html
            if html is None:
                html = content_source().gated_html(article_id, ad_free=ad_free)
                if html:
                    store.keep_gated(store.gated_key(generation, article_id, ad_free=ad_free), html)
            html = sign_placeholders(html, now)
        return CheckOutcome(facts, reader, decision, policy, meter, html, arm, user_id)
    except (RedisError, OSError) as exc:
        logger.warning("hot_path_redis_failed error=%s", type(exc).__name__)
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        return None


def is_claimed_crawler(request: HttpRequest) -> bool:
    """Return True when the request claims a crawler (the ordinary path verifies it)."""
    return crawler_verdict(request) != NOT_A_CRAWLER


@dataclass(frozen=True)
class PassReader:
    """A logged-in reader as their pass describes them, and the generation to check."""

    facts: ReaderFacts
    user_id: int
    generation: tuple[str, str]  # (Redis key, the pass's token)


def _pass_reader(request: HttpRequest, now: dt.datetime) -> tuple[bool, PassReader | None]:
    """Return (True, None) for an anonymous request, (True, reader) for a valid pass.

    (False, None): the ordinary path answers. A session cookie without a pass that reads
    (missing, forged, bound to another session, expired, past its ``changes_at``) goes
    there: it reads the database and issues a new pass. A pass that reads has its
    generation compared inside the script.
    """
    session_cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_cookie:
        return True, None
    if not generations.passes_enabled() or generations.is_suspended():
        return False, None
    found = read_pass(request.COOKIES, session_cookie, now)
    if found is None:
        return False, None
    pair = (generation_key(found.user_id), found.generation)
    return True, PassReader(found.reader_facts(now), found.user_id, pair)


def answer(request: HttpRequest) -> HttpResponse | None:
    """Answer ``POST /api/access/``, or None for the ordinary path.

    ``request`` is a plain ``WSGIRequest``: no session, user or CSRF middleware ran. An
    anonymous reader, or a logged-in one with a valid reader pass (its generation checked
    inside the script), is answered here. The 403 and 429 are answered here, by the same
    functions as the view's; every other error answer comes from the ordinary path.
    """
    if hot_store() is None:
        return None
    if not is_same_origin(request):
        return views.wrong_origin()
    try:
        article_id, gift = views.parse_check(views.read_body(request))
    except (BadJSON, views.BadRequest):
        return None
    if gift is not None or is_claimed_crawler(request):
        return None
    now = timezone.now()
    is_hot, known = _pass_reader(request, now)
    if not is_hot:
        return None
    visitor = visitor_from(request)
    is_new_visitor = visitor is None
    visitor = visitor or new_visitor_id()
    if known is None:
        outcome = hot_check(request, article_id, visitor, now)
    else:
        outcome = hot_check(
            request,
            article_id,
            visitor,
            now,
            reader=known.facts,
            user_id=known.user_id,
            reader_generation=known.generation,
        )
    if outcome is None:
        return None
    if not isinstance(outcome, CheckOutcome):
        return views.rate_limited()  # LIMITED
    return views.check_answer(outcome, visitor, is_new_visitor=is_new_visitor)
