"""What one access check costs: SQL queries, Redis commands and CPU, by kind of reader.

    .venv/bin/python -m bench.profile_check [--checks 60] [--store redis|sql] [--tree]

Runs after ``make bench`` (it reuses var/bench: the database and the populations), in this
process through Django's test client — no server, no network noise — so the counts are
exact. ``--tree`` adds a pyinstrument call tree. The baseline view is measured the same way.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
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


def _post(client: Any, line: str) -> Any:
    _method, path, cookie, address, body = line.split("\t")
    name, _, value = cookie.partition("=")
    client.cookies.clear()
    client.cookies[name] = value
    return client.post(
        path,
        body,
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=address,
        REMOTE_ADDR="127.0.0.1",
    )


def _measure(client: Any, lines: list[str], redis_client: Any) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def calls() -> dict[str, int]:
        return {k: v["calls"] for k, v in redis_client.info("commandstats").items()}

    before = calls()
    reasons: collections.Counter[str] = collections.Counter()
    tables: collections.Counter[str] = collections.Counter()
    started = time.process_time()
    with CaptureQueriesContext(connection) as queries:
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
        "cpu_ms": round(cpu_ms, 2),
        "sql_per_check": round(len(queries.captured_queries) / len(lines), 2),
        "sql": {name: round(n / len(lines), 2) for name, n in tables.most_common()},
        "redis_per_check": redis,
        "reasons": dict(reasons),
    }


def main(argv: list[str]) -> int:
    """Print the cost of a check per reader kind, and of the baseline; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=60)
    parser.add_argument("--store", choices=["redis", "sql"], default="redis")
    parser.add_argument("--tree", action="store_true", help="print a pyinstrument call tree")
    args = parser.parse_args(argv)
    launcher = Launcher(VAR / "services")
    postgres = launcher.start(Postgres(data_dir=VAR / "pg", database="masthead_bench"))
    redis_server = launcher.start(Redis(name="redis-profile"))
    try:
        _environment(postgres, redis_server.url, args.store)
        import django

        django.setup()
        import redis
        from django.test import Client

        client = Client(HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
        redis_client = redis.Redis.from_url(redis_server.url)
        lines = (VAR / "population" / "requests-pg-2.txt").read_text().splitlines()
        for line in lines[:30]:  # warm: imports, templates, connections
            _post(client, line)
        kinds = {
            "anonymous": [line for line in lines[30:] if "masthead_visitor=" in line],
            "logged-in": [line for line in lines[30:] if "sessionid=" in line],
        }
        report = {
            kind: _measure(client, chosen[: args.checks], redis_client)
            for kind, chosen in kinds.items()
        }
        baseline = (VAR / "population" / "baseline.txt").read_text().splitlines()
        report["baseline view"] = _measure(client, baseline[: args.checks], redis_client)
        print(json.dumps(report, indent=1))
        if args.tree:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for line in lines[2000 : 2000 + args.checks]:
                    _post(client, line)
            print(profiler.output_text(color=False, unicode=False))
    finally:
        launcher.stop(redis_server.name, postgres.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
