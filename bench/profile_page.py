"""What one rendered article page costs: CPU, SQL queries and Redis commands per page.

    .venv/bin/python -m bench.profile_page [--var DIR] [--pages 200] [--tree warm|cold]

Builds its own small world in ``DIR`` (default var/profile-page): a PostgreSQL cluster and
a Redis server through the launcher, a fresh database with the demo newsroom. Then, in this
process through Django's test client (the whole middleware stack, no server, no network
noise), it asks for every gated demo article page over and over and reports per page:

- **warm**: the steady state, every cache filled (what ``preview_rendered`` measures);
- **after another story's save**: each page right after a save elsewhere in the newsroom
  started a new site generation (the related stories, the section menu and the gating
  facts are read again; the page's own part is kept);
- **after a section's save**: each page right after a wide change (every part of it is
  rendered again): the worst case, the cost of a cache miss;
- **whole render**: the page rendered whole, as before fragments (``NEWSROOM_FRAGMENT_CACHE``
  off);
- **baseline**: ``/bench/page/``, the same number of fixed bytes through the same stack.

``--tree warm|cold`` adds a pyinstrument call tree of warm pages, or of pages each after a
section's save.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.stack import ROOT
from devservices import Launcher, Postgres, Redis


def _environment(var: Path, postgres: Postgres, redis_url: str) -> None:
    secret = var / "secret_key"
    if not secret.exists():
        secret.write_text("profile-page-" + "x" * 50)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        MASTHEAD_VAR_DIR=str(var / "var"),
        MASTHEAD_MEDIA_ROOT=str(var / "media"),
        MASTHEAD_SECRET_KEY_FILE=str(secret),
        DATABASE_URL=postgres.url("masthead_profile"),
        REDIS_URL=redis_url,
        MASTHEAD_ALLOWED_HOSTS="testserver",
        MASTHEAD_SECURE_COOKIES="False",
        BILLING_PROVIDER="stripe",
        BILLING_STRIPE_SECRET_KEY="sk_test_placeholder",  # noqa: S106 - never used
        BILLING_STRIPE_WEBHOOK_SECRET="whsec_placeholder",  # noqa: S106 - never used
        MASTHEAD_LOG_LEVEL="ERROR",
    )


def _measure(
    get: Callable[[str], Any], paths: list[str], redis_client: Any, before_each: Any = None
) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def calls() -> dict[str, int]:
        return {k: v["calls"] for k, v in redis_client.info("commandstats").items()}

    spent = 0.0
    counted = 0
    commands: dict[str, int] = {}
    statuses: set[int] = set()
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            if before_each is not None:
                before_each()  # neither timed nor counted
            first, before = len(queries.captured_queries), calls()
            started = time.process_time()
            statuses.add(get(path).status_code)
            spent += time.process_time() - started
            counted += len(queries.captured_queries) - first
            for name, number in calls().items():
                commands[name] = commands.get(name, 0) + number - before.get(name, 0)
    redis = {
        name.removeprefix("cmdstat_"): round(number / len(paths), 2)
        for name, number in commands.items()
        if number and name != "cmdstat_info"
    }
    return {
        "cpu_ms": round(spent / len(paths) * 1000, 2),
        "sql_per_page": round(counted / len(paths), 2),
        "redis_per_page": redis,
        "statuses": sorted(statuses),
    }


def _whole(client: Any, paths: list[str], redis_client: Any) -> dict[str, Any]:
    from django.test.utils import override_settings

    with override_settings(NEWSROOM_FRAGMENT_CACHE="off"):
        return _measure(client.get, paths, redis_client)


def main(argv: list[str]) -> int:
    """Print the cost of an article page, warm and cold, and of the baseline; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, default=ROOT / "var" / "profile-page")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument(
        "--tree", choices=["warm", "cold"], help="print a pyinstrument call tree of these pages"
    )
    args = parser.parse_args(argv)
    var: Path = args.var
    var.mkdir(parents=True, exist_ok=True)
    launcher = Launcher(var / "services")
    postgres = launcher.start(Postgres(data_dir=var / "pg", database="masthead_profile"))
    redis_server = launcher.start(Redis(name="redis-profile-page"))
    try:
        postgres.drop_database("masthead_profile")
        postgres.create_database("masthead_profile")
        _environment(var, postgres, redis_server.url)
        import django

        django.setup()
        import redis
        from django.core.management import call_command
        from django.test import Client
        from django.utils import timezone

        call_command("migrate", "--noinput", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)
            call_command("collectstatic", "--noinput", verbosity=0, stdout=quiet)
        from masthead.newsroom.models import Article, Publication, Section

        tz = Publication.current().zone
        live = list(Article.objects.live(timezone.now()).select_related("section"))
        paths = [a.url_in(tz) for a in live if a.effective_access_level() != "free"]
        client = Client()
        redis_client = redis.Redis.from_url(redis_server.url)
        size = len(client.get(paths[0]).content)
        for path in paths * 3:  # warm: imports, templates, connections, caches
            client.get(path)
        chosen = (paths * (args.pages // len(paths) + 1))[: args.pages]
        section = Section.objects.first()
        other = next(a for a in live if a.url_in(tz) not in paths)

        def edit_story() -> None:
            # Another story saved: a new site generation (related stories, menus, facts).
            other.save(update_fields=["headline"])

        def edit_section() -> None:
            # A section saved: every page's own part too (its kicker, its default level).
            if section is not None:
                section.save(update_fields=["name"])

        quarter = chosen[: max(len(chosen) // 4, 1)]
        report = {
            "articles": len(paths),
            "page_bytes": size,
            "warm": _measure(client.get, chosen, redis_client),
            "after another story's save": _measure(client.get, quarter, redis_client, edit_story),
            "after a section's save": _measure(client.get, quarter, redis_client, edit_section),
            "whole render (fragments off)": _whole(client, chosen, redis_client),
            "baseline (/bench/page/, same bytes)": _measure(
                client.get, [f"/bench/page/?size={size}"] * args.pages, redis_client
            ),
        }
        print(json.dumps(report, indent=1))
        if args.tree:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            for path in paths:  # after the cold rows: keep every fragment again
                client.get(path)
            for path in chosen[: args.pages // 4]:
                if args.tree == "cold":
                    edit_section()
                with profiler:
                    client.get(path)
            print(profiler.output_text(color=False, unicode=False))
    finally:
        launcher.stop(redis_server.name, postgres.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
