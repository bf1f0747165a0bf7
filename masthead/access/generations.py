"""Per-reader generations in Redis: what makes a reader pass stale at once.

Each account has a generation, a random token under ``reader_pass.generation_key``. A
pass carries the token it was issued with; the check honours the pass only while Redis
holds the same token. Anything that ends or changes a reader's access replaces the token
(``bump``), so the reader's next check misses, reads the database and gets a new pass.

Tokens are random, never counted up: a key that Redis lost (restart, eviction, expiry)
comes back as a new token, so no old pass can match it by chance.

Order matters on the ordinary path: the check reads (or creates) the token *before* it
loads the reader's entitlements. A change committed in between bumps the token after the
load, so the pass just issued is stale from birth. ``bump`` runs at once and again after
the surrounding transaction commits, so a check that reloads between the two cannot
carry uncommitted state under the new token.

When a bump cannot reach Redis, this process stops honouring and issuing passes for one
pass lifetime (``is_suspended``): the passes issued before the failure have expired by
then. Other processes are bounded by the same lifetime. Passes exist only when there is a
Redis for the tokens (the Redis meter, or the SQL meter beside a single Redis:
``tokens_have_redis``), ``PAYWALL_READER_PASS_MINUTES`` is above 0
and ``PAYWALL_ENTITLEMENT_TERMS`` names a loader; otherwise every function here is a
no-op and checks read the database as they always did. On a Redis Cluster
(``MASTHEAD_REDIS_CLUSTER_NODES``) the tokens live on the cluster, each in its reader's
slot (the key is hash-tagged by reader), where the hot path's first step reads them.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from redis.exceptions import RedisError

from masthead.access.reader_pass import generation_key, lifetime
from masthead.core import redis_clients

T = TypeVar("T")

logger = logging.getLogger(__name__)

# Beyond a pass's lifetime, so the token outlives every pass issued under it.
_KEY_SLACK_SECONDS = 60

# Read the token, or create one; either way the key's life starts again.
_READ_OR_CREATE = """
local token = redis.call('GET', KEYS[1])
if not token then token = ARGV[1] end
redis.call('SET', KEYS[1], token, 'EX', ARGV[2])
return token
"""

_lock = threading.Lock()
_suspended_until = 0.0  # time.monotonic() before which this process uses no pass


def tokens_have_redis() -> bool:
    """Return True when the tokens have a Redis: the Redis meter's, or the SQL meter's Redis.

    With the SQL meter, ``REDIS_URL`` (or ``PAYWALL_REDIS_URL``) on a single Redis holds
    them, where the hot path's script reads them; not on a cluster (its cache and meter
    are the cluster's, with the Redis meter only).
    """
    store = settings.PAYWALL_METER_STORE
    if store == "redis":
        return True
    url = settings.PAYWALL_REDIS_URL or settings.REDIS_URL
    return store == "sql" and bool(url) and not redis_clients.configured_cluster_nodes()


def passes_enabled() -> bool:
    """Return True when reader passes are in use (a Redis, a lifetime, a terms loader)."""
    return (
        tokens_have_redis()
        and lifetime().total_seconds() > 0
        and bool(getattr(settings, "PAYWALL_ENTITLEMENT_TERMS", None))
    )


def is_suspended() -> bool:
    """Return True while a failed bump keeps this process from using passes."""
    return time.monotonic() < _suspended_until


def _suspend() -> None:
    global _suspended_until
    with _lock:
        _suspended_until = max(_suspended_until, time.monotonic() + _key_seconds())


def resume() -> None:
    """Lift a suspension (tests, and a bump that reached Redis again)."""
    global _suspended_until
    with _lock:
        _suspended_until = 0.0


def _key_seconds() -> int:
    return int(lifetime().total_seconds()) + _KEY_SLACK_SECONDS


def _client() -> Any:
    nodes = redis_clients.configured_cluster_nodes()
    if nodes:  # the meter's cluster: the token sits in its reader's slot
        return redis_clients.shared_cluster_client(nodes)
    from masthead.access.meter_redis import redis_store_for

    return redis_store_for(settings.PAYWALL_REDIS_URL or settings.REDIS_URL).client


def _on_token(user_id: int, call: Callable[[Any, str], T]) -> T:
    """Return ``call(client, key)`` on the client that holds account ``user_id``'s token."""
    key = generation_key(user_id)
    return redis_clients.on_key_slot(_client(), key, lambda client: call(client, key))


def _as_text(token: Any) -> str | None:
    if isinstance(token, bytes):
        return token.decode("ascii", "replace")
    return token if isinstance(token, str) else None


def is_current(user_id: int, generation: str) -> bool:
    """Return True when ``generation`` is account ``user_id``'s token now (one GET).

    False when it is not, when the key is gone, when passes are suspended here, or when
    Redis cannot answer: the caller then takes the ordinary path.
    """
    if is_suspended():
        return False
    try:
        token = _as_text(_on_token(user_id, lambda client, key: client.get(key)))
    except (RedisError, OSError) as exc:
        logger.warning("reader_pass_generation_unavailable error=%s", type(exc).__name__)
        return False
    return token is not None and secrets.compare_digest(token, generation)


def generation_for_issue(user_id: int) -> str | None:
    """Return the token to put in a new pass (created when missing), or None: issue none.

    Call it before loading the reader's entitlements (see the module's docstring).
    """
    if not passes_enabled() or is_suspended():
        return None
    try:
        token = _as_text(
            _on_token(
                user_id,
                lambda client, key: _script(client)(
                    keys=[key], args=[_new_token(), _key_seconds()], client=client
                ),
            )
        )
    except (RedisError, OSError) as exc:
        logger.warning("reader_pass_generation_unavailable error=%s", type(exc).__name__)
        return None
    return token or None


_scripts: dict[int, Any] = {}


def _script(client: Any) -> Any:
    # One Script object per client: it keeps the SHA, so each call is one EVALSHA.
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_READ_OR_CREATE)
    return script


def _new_token() -> str:
    return secrets.token_hex(8)


def _bump_now(user_id: int) -> bool:
    try:
        _on_token(user_id, lambda client, key: client.set(key, _new_token(), ex=_key_seconds()))
    except (RedisError, OSError) as exc:
        # The pass cannot be made stale in Redis: stop trusting passes here for one
        # lifetime, after which every pass issued before this moment has expired.
        logger.error("reader_pass_bump_failed user=%s error=%s", user_id, type(exc).__name__)
        _suspend()
        return False
    return True


def bump(user_id: int) -> bool:
    """Make every pass of account ``user_id`` stale; return False when Redis was unreachable.

    Runs at once and, inside a transaction, once more after it commits. Without passes
    (no Redis meter) it does nothing and answers True.
    """
    if not tokens_have_redis() or lifetime().total_seconds() <= 0:
        return True
    done = _bump_now(user_id)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _bump_now(user_id))
    return done
