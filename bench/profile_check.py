"""What one access check costs at steady state: SQL, Redis round trips and CPU, by reader kind.

    .venv/bin/python -m bench.profile_check [--checks 60] [--store redis|sql] [--tree]

Runs after ``make bench`` (it reuses var/bench: the database and the populations), in this
process through Django's test client — no server, no network noise — so the counts are
exact. ``make bench`` runs it too, against its own running PostgreSQL and Redis
(``--in-bench``: the environment is the bench's), for the ``queries_per_check_*`` figures.

Steady state: each reader kind's checks are sent once to warm every cache they touch
(the policy, the article facts, the rendered gated parts, connections), then the very same
checks again, measured. Counted per check: SQL statements Django runs (captured), the
connection health checks (``CONN_HEALTH_CHECKS``' ``SELECT 1``, which no capture sees),
Redis round trips (commands sent to the socket, a pipeline being one) and Redis commands
by name, and the process's CPU time. The baseline view is measured the same way.
``--tree`` adds a pyinstrument call tree.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.stack import ROOT
from devservices import Launcher, Postgres, Redis

VAR = ROOT / "var" / "bench"
KINDS = ("anonymous", "registered", "subscriber")


def _environment(postgres: Postgres, redis_url: str, store: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        MASTHEAD_VAR_DIR=str(VAR / "var"),
        MASTHEAD_MEDIA_ROOT=str(VAR / "media"),
        MASTHEAD_SECRET_KEY_FILE=str(VAR / "secret_key"),
        DATABASE_URL=postgres.url("masthead_bench"),
        REDIS_URL=redis_url,
        MASTHEAD_ALLOWED_HOSTS="testserver",
        MASTHEAD_TRUSTED_PROXIES="127.0.0.1/32",
        MASTHEAD_SECURE_COOKIES="False",
        BILLING_PROVIDER="stripe",
        BILLING_STRIPE_WEBHOOK_SECRET="whsec_placeholder",  # noqa: S106 - never used
        PAYWALL_METER_STORE=store,
        PAYWALL_EXPERIMENT_ARMS="",
        MASTHEAD_LOG_LEVEL="ERROR",
    )


def _post(client: Any, line: str) -> Any:
    from django.db import close_old_connections

    # What a server does at each request's start, and the test client leaves out: with
    # CONN_HEALTH_CHECKS, the request's first query is preceded by a health check.
    close_old_connections()
    method, path, cookie, address, body, *_kind = line.split("\t")
    name, _, value = cookie.partition("=")
    client.cookies.clear()
    client.cookies[name] = value
    return client.generic(
        method,
        path,
        body,
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=address,
        REMOTE_ADDR="127.0.0.1",
    )


class Counters:
    """Redis round trips and database health checks made in this process, counted."""

    def __init__(self) -> None:
        self.redis_round_trips = 0
        self.health_checks = 0

    @contextmanager
    def installed(self) -> Iterator[Counters]:
        """Count while the block runs (by wrapping redis-py's send and Django's check)."""
        from django.db import connections
        from redis.connection import AbstractConnection

        # The backend's own class: PostgreSQL's wrapper defines its own is_usable.
        wrapper_class: Any = type(connections["default"])

        send: Any = AbstractConnection.send_packed_command
        usable: Any = wrapper_class.is_usable

        def counted_send(connection: Any, *args: Any, **kwargs: Any) -> Any:
            self.redis_round_trips += 1
            return send(connection, *args, **kwargs)

        def counted_usable(wrapper: Any) -> Any:
            self.health_checks += 1
            return usable(wrapper)

        AbstractConnection.send_packed_command = counted_send  # type: ignore[method-assign,assignment]
        wrapper_class.is_usable = counted_usable
        try:
            yield self
        finally:
            AbstractConnection.send_packed_command = send  # type: ignore[method-assign]
            wrapper_class.is_usable = usable


def _measure(client: Any, lines: list[str], redis_client: Any) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def calls() -> dict[str, int]:
        return {k: v["calls"] for k, v in redis_client.info("commandstats").items()}

    for line in lines:  # the same checks once, unmeasured: every cache they touch is warm
        _post(client, line)
    before = calls()
    reasons: collections.Counter[str] = collections.Counter()
    tables: collections.Counter[str] = collections.Counter()
    counters = Counters()
    with counters.installed(), CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        for line in lines:
            reasons[_post(client, line).json().get("reason", "?")] += 1
        cpu_ms = (time.process_time() - started) / len(lines) * 1000
    after = calls()
    for query in queries.captured_queries:
        sql = query["sql"]
        table = sql.split(" FROM ")[1].split()[0].strip('"') if " FROM " in sql else sql[:30]
        tables[f"{sql.split()[0]} {table}"] += 1
    redis = {
        name.removeprefix("cmdstat_"): round((after[name] - before.get(name, 0)) / len(lines), 2)
        for name in after
        if after[name] != before.get(name, 0) and name != "cmdstat_info"
    }
    return {
        "checks": len(lines),
        "cpu_ms": round(cpu_ms, 2),
        "sql_per_check": round(len(queries.captured_queries) / len(lines), 2),
        "health_checks_per_check": round(counters.health_checks / len(lines), 2),
        "redis_round_trips_per_check": round(counters.redis_round_trips / len(lines), 2),
        "sql": {name: round(n / len(lines), 2) for name, n in tables.most_common()},
        "redis_commands_per_check": redis,
        "reasons": dict(reasons),
    }


def _lines_by_kind(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for line in path.read_text().splitlines():
        fields = line.split("\t")
        if len(fields) >= 6 and fields[5] in found:
            found[fields[5]].append(line)
        elif "masthead_visitor=" in line:  # a population written before kinds were named
            found["anonymous"].append(line)
    return found


def profile(population: str, checks: int, tree: bool) -> dict[str, Any]:
    """Measure each reader kind's checks and the baseline view (Django is set up here)."""
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
    redis_client = redis.Redis.from_url(settings.REDIS_URL)
    folder = VAR / "population"
    by_kind = _lines_by_kind(folder / f"requests-{population}.txt")
    report: dict[str, Any] = {
        kind: _measure(client, lines[:checks], redis_client)
        for kind, lines in by_kind.items()
        if lines
    }
    baseline = (folder / "baseline.txt").read_text().splitlines()
    report["baseline"] = _measure(client, baseline[:checks], redis_client)
    if tree:
        from pyinstrument import Profiler

        everyone = [line for lines in by_kind.values() for line in lines]
        profiler = Profiler(interval=0.0005)
        with profiler:
            for line in everyone[checks : checks * 2]:
                _post(client, line)
        print(profiler.output_text(color=False, unicode=False))
    return report


def main(argv: list[str]) -> int:
    """Print (or write) the cost of a check per reader kind and of the baseline; 0 on success."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--checks", type=int, default=60, help="checks per reader kind")
    parser.add_argument("--store", choices=["redis", "sql"], default="redis")
    parser.add_argument("--population", default="profile", help="requests-NAME.txt to replay")
    parser.add_argument("--tree", action="store_true", help="print a pyinstrument call tree")
    parser.add_argument("--json", type=Path, help="write the report here too")
    parser.add_argument(
        "--in-bench", action="store_true", help="use the environment as given (make bench)"
    )
    args = parser.parse_args(argv)
    if not (VAR / "population" / f"requests-{args.population}.txt").exists():
        args.population = "pg-2"  # a population from before the profile one existed
    if args.in_bench:
        report = profile(args.population, args.checks, args.tree)
    else:
        launcher = Launcher(VAR / "services")
        postgres = launcher.start(Postgres(data_dir=VAR / "pg", database="masthead_bench"))
        redis_server = launcher.start(Redis(name="redis-profile"))
        try:
            _environment(postgres, redis_server.url, args.store)
            report = profile(args.population, args.checks, args.tree)
        finally:
            launcher.stop(redis_server.name, postgres.name)
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
