"""What one access check costs at steady state: Redis round trips, SQL and CPU, by reader.

    .venv/bin/python -m bench.profile_check [--checks 300] [--store redis|sql] [--tree]
        [--population NAME] [--json FILE] [--in-bench]

Runs after ``make bench`` (it reuses var/bench: the database and the populations), in this
process through the site's own WSGI application (``masthead.wsgi``, the check's lean path
included) — no server, no network noise — so the counts are exact. Every line is served
once to warm the caches, then again to measure; the reader's kind comes from the check's
own event. Counted per check: SQL statements (captured), the connection health checks
(``CONN_HEALTH_CHECKS``' ``SELECT 1``, which no capture sees), Redis round trips (a command,
or a pipeline's one send) and commands by name, and CPU time. ``--tree`` adds a pyinstrument
call tree. The baseline view is measured the same way. ``make bench`` runs it against its own
PostgreSQL and Redis (``--in-bench``: the environment as given) for the
``queries_per_check_*`` figures.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.stack import ROOT
from devservices import Launcher, Postgres, Redis

VAR = ROOT / "var" / "bench"


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
        MASTHEAD_LOG_LEVEL="ERROR",
    )


def _environ(line: str) -> dict[str, Any]:
    """Return the WSGI environ of one population line, as wrk sends it through nginx."""
    # A sixth field, when present, names the reader's kind (bench/population.py).
    method, path, cookie, address, body, *_kind = line.split("\t")
    raw = body.encode()
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_ORIGIN": "http://testserver",
        "HTTP_SEC_FETCH_SITE": "same-origin",
        "HTTP_COOKIE": cookie,
        "HTTP_X_FORWARDED_FOR": address,
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
        "wsgi.url_scheme": "http",
    }


class _Trips:
    """Counts this thread's Redis round trips (a command, or a pipeline's one send)."""

    def __init__(self) -> None:
        import redis

        self.count = 0
        self.commands: collections.Counter[str] = collections.Counter()
        thread = threading.current_thread()
        command: Any = redis.Redis.execute_command
        pipeline: Any = redis.client.Pipeline.execute

        def counted_command(client: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is thread:
                self.count += 1
                self.commands[str(args[0])] += 1
            return command(client, *args, **kwargs)

        def counted_pipeline(pipe: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is thread:
                self.count += 1
                self.commands["pipeline"] += 1
            return pipeline(pipe, *args, **kwargs)

        # The hot path's script runs on a connection of its own, not through the client.
        from masthead.access import hotpath

        script: Any = hotpath.HotStore._evalsha

        def counted_script(store: Any, keys: Any, args: Any) -> Any:
            if threading.current_thread() is thread:
                self.count += 1
                self.commands["EVALSHA"] += 1
            return script(store, keys, args)

        setattr(redis.Redis, "execute_command", counted_command)  # noqa: B010 - a counting wrapper
        setattr(redis.client.Pipeline, "execute", counted_pipeline)  # noqa: B010
        setattr(hotpath.HotStore, "_evalsha", counted_script)  # noqa: B010
        self.health_checks = 0
        self._count_health_checks(thread)

    def _count_health_checks(self, thread: threading.Thread) -> None:
        from django.db import connections

        # The backend's own class: PostgreSQL's wrapper defines its own is_usable.
        wrapper_class: Any = type(connections["default"])
        usable: Any = wrapper_class.is_usable

        def counted_usable(wrapper: Any) -> Any:
            if threading.current_thread() is thread:
                self.health_checks += 1
            return usable(wrapper)

        setattr(wrapper_class, "is_usable", counted_usable)  # noqa: B010 - a counting wrapper


# The reader pass each session was last given (this run's Redis holds only its generations).
_passes: dict[str, str] = {}


def _with_current_pass(line: str) -> str:
    fields = line.split("\t")
    session = fields[2].split(";")[0].strip()
    if session.startswith("sessionid=") and session in _passes:
        fields[2] = f"{session}; {_passes[session]}"
    return "\t".join(fields)


def _serve(app: Any, line: str) -> tuple[str, bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, headers

    line = _with_current_pass(line)
    result = app(_environ(line), start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    session = line.split("\t")[2].split(";")[0].strip()
    for name, value in seen["headers"]:
        if name == "Set-Cookie" and value.strip().startswith("masthead_pass="):
            _passes[session] = value.strip().split(";")[0]
    return seen["status"], body


def _measure(app: Any, lines: list[str], trips: _Trips) -> dict[str, dict[str, Any]]:
    """Serve ``lines`` once more (caches warm) and return the costs by kind of reader.

    The kind comes from each check's own ``access_check`` event; SQL and round trips are
    this thread's, so the analytics flusher's batches are not counted.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.core import events

    kinds: list[str] = []

    def listen(event: events.Event) -> None:
        if event.kind == events.EventKind.ACCESS_CHECK:
            kinds.append(event.reader_kind)

    events.subscribe(listen)
    totals: dict[str, dict[str, Any]] = {}
    try:
        for line in lines:
            kinds.clear()
            before_trips = trips.count
            before_health = trips.health_checks
            before_commands = collections.Counter(trips.commands)
            started = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                status, _body = _serve(app, line)
            cpu = time.process_time() - started
            kind = kinds[0] if kinds else ("baseline" if "/bench/" in line else status)
            row = totals.setdefault(
                kind,
                {
                    "checks": 0,
                    "cpu": 0.0,
                    "sql": 0,
                    "health": 0,
                    "trips": 0,
                    "commands": collections.Counter(),
                },
            )
            row["checks"] += 1
            row["cpu"] += cpu
            row["sql"] += len(queries.captured_queries)
            row["trips"] += trips.count - before_trips
            row["health"] += trips.health_checks - before_health
            row["commands"].update(trips.commands - before_commands)
    finally:
        events.unsubscribe(listen)
    report = {}
    for kind, row in totals.items():
        n = row["checks"]
        report[kind] = {
            "checks": n,
            "cpu_ms": round(row["cpu"] / n * 1000, 2),
            "sql_per_check": round(row["sql"] / n, 2),
            "health_checks_per_check": round(row["health"] / n, 2),
            "redis_round_trips_per_check": round(row["trips"] / n, 2),
            "redis_commands": {k: round(v / n, 2) for k, v in row["commands"].most_common()},
        }
    return report


def _table(report: dict[str, dict[str, Any]]) -> str:
    kinds = [
        kind for kind in ("anonymous", "registered", "subscriber", "baseline") if kind in report
    ]
    rows = [
        ("Redis round trips", "redis_round_trips_per_check", "{:.2f}"),
        ("SQL queries", "sql_per_check", "{:.2f}"),
        ("SELECT 1 health checks", "health_checks_per_check", "{:.2f}"),
        ("CPU (ms)", "cpu_ms", "{:.2f}"),
    ]
    out = ["| | " + " | ".join(kinds) + " |", "|---|" + "---:|" * len(kinds)]
    for label, key, form in rows:
        out.append(f"| {label} | " + " | ".join(form.format(report[k][key]) for k in kinds) + " |")
    return "\n".join(out)


def profile(population: str, checks: int, tree: bool) -> dict[str, dict[str, Any]]:
    """Serve ``population``'s first ``checks`` lines and the baseline warm; return the costs."""
    from masthead.wsgi import application  # the site's entry: the lean path included

    lines = (VAR / "population" / f"requests-{population}.txt").read_text().splitlines()
    chosen = lines[:checks]
    baseline = (VAR / "population" / "baseline.txt").read_text().splitlines()
    baseline = baseline[: max(checks // 3, 30)]
    trips = _Trips()
    # Steady state: every article's facts, gated part and walls, every reader's
    # session and entitlements caches, warmed by serving the same lines once first.
    for line in chosen + baseline:
        _serve(application, line)
    report = _measure(application, chosen + baseline, trips)
    if tree:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for line in chosen:
                _serve(application, line)
        print(profiler.output_text(color=False, unicode=False))
    return report


def main(argv: list[str]) -> int:
    """Print (or write) the cost of a check per reader kind and of the baseline; 0 on success."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--checks", type=int, default=300)
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
    print(_table(report))
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
