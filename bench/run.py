"""make bench: every figure against a baseline measured in the same run, on the same server.

    .venv/bin/python -m bench.run [--seconds 10] [--rounds 2] [--workers 2]

Starts a private stack in var/bench through the launcher (PostgreSQL, Redis, granian,
nginx with the shipped configuration), loads the demo, generates reader populations, drives
wrk against the app and the cache, opens articles in Chromium, then prints a table and writes
bench/results/latest.json (docs/design.md, "Stable interfaces") plus latest-runs.json
(every wrk run).
Everything listens on 127.0.0.1; the whole run is bounded (about 5 minutes by default).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import browser
from bench.load import Load, request_file, run_wrk
from bench.report import Figures, machine, print_table
from bench.stack import ROOT, app_env, manage
from devservices import AppServer, Granian, Gunicorn, Launcher, Nginx, Postgres, Redis, free_port

VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
POPULATIONS = [
    "warm",
    "redis-1",
    "redis-2",
    "noevents-1",
    "noevents-2",
    "events-1",
    "events-2",
    "pg-1",
    "pg-2",
    "expoff-1",
    "expoff-2",
    "expon-1",
    "expon-2",
]
# What PAYWALL_EXPERIMENT_ARMS names while the experiment figure has it on; every other
# figure is measured with it empty (no experiment), as before issue 15.
EXPERIMENT_ARMS = "masthead.experiments.assignment.arm_for"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Masthead benchmarks (loopback only)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each measured run")
    parser.add_argument("--warmup", type=int, default=3, help="length of each warm-up run")
    parser.add_argument("--rounds", type=int, default=2, help="baseline/check pairs per store")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="app worker processes")
    parser.add_argument("--threads", type=int, default=1, help="blocking threads per worker")
    parser.add_argument("--server", choices=["granian", "gunicorn"], default="granian")
    parser.add_argument("--browser-runs", type=int, default=15)
    parser.add_argument(
        "--sim-readers",
        type=int,
        default=100_000,
        help="readers for the simulate_100k_readers_30_days_s figure (0: skip it)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    return parser.parse_args(argv)


class Bench:
    """One benchmark run: the stack, the populations and the figures gathered so far."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.figures = Figures()
        self.runs: list[dict[str, Any]] = []
        VAR.mkdir(parents=True, exist_ok=True)
        VAR.chmod(0o755)
        secret = VAR / "secret_key"
        if not secret.exists():
            secret.write_text(secrets.token_urlsafe(50))
        # Everything this run starts is recorded in var/bench/services and stopped at the end.
        self.launcher = Launcher(VAR / "services")
        self.postgres = self.launcher.add(
            Postgres(port=free_port(), data_dir=VAR / "pg", database="masthead_bench")
        )
        self.redis = self.launcher.add(Redis(port=free_port(Redis.port_offsets)))
        self.app_port, nginx_port = free_port(), free_port()
        self.env = app_env(
            DJANGO_SETTINGS_MODULE="bench.settings",
            MASTHEAD_VAR_DIR=str(VAR / "var"),
            MASTHEAD_MEDIA_ROOT=str(VAR / "media"),
            MASTHEAD_SECRET_KEY_FILE=str(secret),
            DATABASE_URL=self.postgres.url("masthead_bench"),
            REDIS_URL=self.redis.url,
            MASTHEAD_ALLOWED_HOSTS="127.0.0.1,localhost",
            MASTHEAD_TRUSTED_PROXIES="127.0.0.1/32",
            MASTHEAD_SECURE_COOKIES="False",
            MASTHEAD_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            BILLING_PROVIDER="stripe",
            # Placeholders: the benchmarks never reach Stripe.
            BILLING_STRIPE_SECRET_KEY="sk_test_placeholder",  # noqa: S106
            BILLING_STRIPE_WEBHOOK_SECRET="whsec_placeholder",  # noqa: S106
            PAYWALL_METER_STORE="redis",
            PAYWALL_EXPERIMENT_ARMS="",
            # The populations carry reader passes made at the start (bench.population):
            # they must outlive the whole run (20 minutes at most).
            PAYWALL_READER_PASS_MINUTES="60",  # noqa: S106 - minutes, not a password
            MASTHEAD_LOG_LEVEL="ERROR",
        )
        self.nginx = Nginx(
            directory=VAR / "nginx",
            port=nginx_port,
            upstream=f"127.0.0.1:{self.app_port}",
            static_root=VAR / "var" / "static",
            media_root=VAR / "media",
            workers="1",
            access_log="off",
        )
        self.app: AppServer | None = None

    # --- the stack ---------------------------------------------------------------------

    def prepare(self) -> None:
        """Start PostgreSQL and Redis, build a fresh database, write the populations."""
        print("==> PostgreSQL, Redis, a fresh database with the demo newsroom", flush=True)
        self.launcher.start(self.postgres)
        self.postgres.drop_database("masthead_bench")
        self.postgres.create_database("masthead_bench")
        self.launcher.start(self.redis)
        manage(self.env, "migrate", "--noinput", "-v", "0")
        manage(self.env, "load_demo")
        manage(self.env, "collectstatic", "--noinput", "-v", "0")
        print("==> reader populations", flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.population", str(VAR / "population"), *POPULATIONS],
            env=self.env,
            cwd=ROOT,
            check=True,
        )
        self.articles = json.loads((VAR / "population" / "articles.json").read_text())

    def start_app(self, **overrides: str) -> AppServer:
        """(Re)start the app server with ``overrides`` on the same port."""
        if self.app is not None:
            self.app.stop()
        server = Gunicorn if self.args.server == "gunicorn" else Granian
        self.app = self.launcher.start(
            server(
                name="app",
                port=self.app_port,
                environment={**self.env, **overrides},
                workers=self.args.workers,
                threads=self.args.threads,
                log=VAR / "app.log",
            )
        )
        return self.app

    def stop(self) -> None:
        """Stop everything this run started (the launcher goes on past a failure)."""
        try:
            self.launcher.stop()
        except RuntimeError as exc:
            print(f"while stopping: {exc}", file=sys.stderr)

    # --- load ----------------------------------------------------------------------------

    def load(self, label: str, url: str, requests: Path, seconds: int | None = None) -> Load:
        """Run wrk once, remember the run, and return it."""
        result = run_wrk(
            url, requests, seconds=seconds or self.args.seconds, connections=self.args.connections
        )
        self.runs.append({"label": label, **asdict(result), "rate": result.rate})
        print(
            f"    {label:<28} {result.rate:9.0f}/s  p50 {result.p50_ms:6.1f} ms  "
            f"p99 {result.p99_ms:7.1f} ms  2xx {result.ok_share:6.1%}",
            flush=True,
        )
        return result

    def population(self, name: str) -> Path:
        """The requests file of population ``name`` (or ``baseline``)."""
        folder = VAR / "population"
        return folder / ("baseline.txt" if name == "baseline" else f"requests-{name}.txt")

    def checks_against_baseline(self, store: str, populations: list[str]) -> None:
        """Alternate baseline and check runs; each figure is the mean over its runs."""
        app_url = f"http://127.0.0.1:{self.app_port}/"
        self.load("warm-up", app_url, self.population("warm"), self.args.warmup)
        self.load("warm-up baseline", app_url, self.population("baseline"), self.args.warmup)
        baselines, checks = [], []
        for name in populations[: self.args.rounds]:
            baselines.append(self.load(f"baseline ({store})", app_url, self.population("baseline")))
            checks.append(self.load(f"checks ({store}, {name})", app_url, self.population(name)))
        # Means over runs taken turn about: a neighbour's load lands on both sides alike.
        baseline, check = _mean(baselines), _mean(checks)
        name = f"access_checks_{store}"
        self.figures.throughput(name, check.rate, baseline.rate, "checks/s")
        self.figures.latency(f"{name}_p50", check.p50_ms, baseline.p50_ms)
        self.figures.latency(f"{name}_p99", check.p99_ms, baseline.p99_ms)

    def previews(self) -> None:
        """Cached previews vs nginx static; rendered previews vs a fixed Django page."""
        entry = next(a for a in self.articles if a["level"] == "metered")
        page = urllib.request.urlopen(f"http://127.0.0.1:{self.app_port}{entry['url']}").read()
        static_dir = VAR / "var" / "static" / "bench"
        static_dir.mkdir(parents=True, exist_ok=True)
        (static_dir / "preview.html").write_bytes(page)
        folder = VAR / "population"
        nginx_url, app_url = (
            f"http://127.0.0.1:{self.nginx.port}/",
            f"http://127.0.0.1:{self.app_port}/",
        )
        cached = request_file(folder / "cached.txt", "GET", [entry["url"]])
        static = request_file(folder / "static.txt", "GET", ["/static/bench/preview.html"])
        urllib.request.urlopen(nginx_url.rstrip("/") + entry["url"]).read()  # into the cache
        self.load("warm-up nginx", nginx_url, cached, self.args.warmup)
        runs: dict[str, list[Load]] = {"cached": [], "static": [], "rendered": [], "page": []}
        urls = [a["url"] for a in self.articles if a["level"] != "free"]
        rendered = request_file(folder / "rendered.txt", "GET", urls)
        same_size = request_file(folder / "page.txt", "GET", [f"/bench/page/?size={len(page)}"])
        for _ in range(self.args.rounds):
            runs["static"].append(self.load("nginx static file", nginx_url, static))
            runs["cached"].append(self.load("preview via nginx cache", nginx_url, cached))
            runs["page"].append(self.load("Django fixed page", app_url, same_size))
            runs["rendered"].append(self.load("preview rendered (no cache)", app_url, rendered))
        top = {kind: _mean(loads) for kind, loads in runs.items()}
        self.figures.throughput("preview_cached", top["cached"].rate, top["static"].rate, "pages/s")
        self.figures.throughput(
            "preview_rendered", top["rendered"].rate, top["page"].rate, "pages/s"
        )
        self.preview_bytes = len(page)

    def time_to_full_text(self) -> None:
        """Chromium, subscriber, through nginx: median navigation start to gated text."""
        cookie = (VAR / "population" / "subscriber-cookie.txt").read_text().strip()
        walled = [a for a in self.articles if a["level"] == "subscriber"]
        timing = browser.measure(
            f"http://127.0.0.1:{self.nginx.port}",
            cookie,
            walled,
            "/static/bench/preview.html",
            runs=self.args.browser_runs,
        )
        print(
            f"    time to full text {timing.full_text_ms:.0f} ms (static page "
            f"{timing.static_ms:.0f} ms; the check sent at {timing.check_sent_ms:.0f} ms, "
            f"answered in {timing.check_ms:.0f} ms), every page unlocked: {timing.all_unlocked}"
        )
        self.runs.append({"label": "browser", **asdict(timing)})
        if not timing.all_unlocked:
            raise RuntimeError("a subscriber page did not show its gated text")
        self.figures.latency("time_to_full_text", timing.full_text_ms, timing.static_ms)

    def events_on_and_off(self) -> None:
        """Checks with analytics events off, then on, alternating servers; means of each."""
        app_url = f"http://127.0.0.1:{self.app_port}/"
        runs: dict[str, list[Load]] = {"False": [], "True": []}
        for round_number in range(1, self.args.rounds + 1):
            for enabled, name in (("False", "noevents"), ("True", "events")):
                self.start_app(ANALYTICS_ENABLED=enabled)
                self.load("warm-up", app_url, self.population("warm"), self.args.warmup)
                label = f"checks (events {'on' if enabled == 'True' else 'off'})"
                population = self.population(f"{name}-{round_number}")
                runs[enabled].append(self.load(label, app_url, population))
        self.figures.throughput(
            "access_checks_with_events",
            _mean(runs["True"]).rate,
            _mean(runs["False"]).rate,
            "checks/s",
        )

    def experiment_on_and_off(self) -> None:
        """Checks with no experiment, then with an A/A one running, alternating servers; means.

        The same database holds the running experiment throughout; the "off" server has
        ``PAYWALL_EXPERIMENT_ARMS`` empty, so the only difference is the arm look-up (and
        the exposure rows and counters it writes for readers met for the first time).
        """
        subprocess.run(
            [sys.executable, "-m", "bench.experiment"], env=self.env, cwd=ROOT, check=True
        )
        app_url = f"http://127.0.0.1:{self.app_port}/"
        runs: dict[str, list[Load]] = {"off": [], "on": []}
        for round_number in range(1, self.args.rounds + 1):
            for state, arms in (("off", ""), ("on", EXPERIMENT_ARMS)):
                self.start_app(PAYWALL_EXPERIMENT_ARMS=arms)
                self.load("warm-up", app_url, self.population("warm"), self.args.warmup)
                population = self.population(f"exp{state}-{round_number}")
                runs[state].append(self.load(f"checks (experiment {state})", app_url, population))
        self.figures.throughput(
            "access_checks_experiment", _mean(runs["on"]).rate, _mean(runs["off"]).rate, "checks/s"
        )

    def simulation(self) -> None:
        """Time ``simulate_readers`` at 100,000 readers x 30 days (no database on its loop)."""
        started = time.monotonic()
        manage(
            self.env, "simulate_readers", "--readers", str(self.args.sim_readers), "--days", "30"
        )
        seconds = time.monotonic() - started
        self.runs.append({"label": "simulate_readers", "seconds": round(seconds, 2)})
        # The budget is the baseline: 60 s for 100,000 readers x 30 days on this machine.
        self.figures.latency("simulate_100k_readers_30_days_s", seconds, 60.0, unit="s")

    def run(self) -> None:
        """Measure everything, in an order that keeps each comparison inside one server."""
        self.prepare()
        self.launcher.start(self.nginx)
        print("==> Redis meter, analytics events on", flush=True)
        app = self.start_app()
        rss_before = max(_rss_mb(pid) for pid in app.worker_pids())
        self.checks_against_baseline("redis", ["redis-1", "redis-2"])
        print("==> previews", flush=True)
        self.previews()
        print("==> Chromium", flush=True)
        self.time_to_full_text()
        rss_after = max(_rss_mb(pid) for pid in app.worker_pids())
        self.figures.latency("worker_rss", rss_after, rss_before, unit="MB")
        print("==> analytics events off and on, alternating", flush=True)
        self.events_on_and_off()
        print("==> experiment off and on, alternating", flush=True)
        self.experiment_on_and_off()
        print("==> PostgreSQL meter", flush=True)
        self.start_app(PAYWALL_METER_STORE="sql")
        self.checks_against_baseline("postgres", ["pg-1", "pg-2"])
        if self.args.sim_readers:
            print("==> the reader simulator", flush=True)
            self.simulation()


def _mean(runs: list[Load]) -> Load:
    """Return one Load whose rate and percentiles are the means of ``runs``."""
    count = len(runs)
    return Load(
        requests=sum(run.requests for run in runs),
        seconds=sum(run.seconds for run in runs),
        p50_ms=sum(run.p50_ms for run in runs) / count,
        p99_ms=sum(run.p99_ms for run in runs) / count,
        statuses={},
        errors=sum(run.errors for run in runs),
    )


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str]) -> int:
    """Run the benchmarks; write the results; 0 on success."""
    args = _arguments(argv)
    bench = Bench(args)
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    try:
        bench.run()
    finally:
        bench.stop()
    details = {
        "server": args.server,
        "workers": args.workers,
        "threads_per_worker": args.threads,
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "preview_bytes": getattr(bench, "preview_bytes", None),
        "duration_s": round((dt.datetime.now(dt.UTC) - started).total_seconds()),
        # The machine is shared: its load (1/5/15-minute averages) says how noisy the run was.
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    result = {
        "when": started.isoformat(timespec="seconds"),
        "machine": machine(details),
        "figures": bench.figures.as_dict(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    runs = args.out.with_name(args.out.stem + "-runs.json")
    runs.write_text(json.dumps({"when": result["when"], "runs": bench.runs}, indent=1) + "\n")
    print_table(result)
    print(
        f"\nwritten: {args.out.relative_to(ROOT)} and {runs.relative_to(ROOT)} "
        f"({details['duration_s']} s, {platform.node()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
