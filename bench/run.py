"""make bench: every figure against a baseline measured in the same run, on the same server.

    .venv/bin/python -m bench.run [--seconds 8] [--rounds 3] [--workers 2]

Starts a private stack in var/bench through the launcher (PostgreSQL, Redis, granian,
nginx with the shipped configuration), loads the demo, generates reader populations, drives
wrk against the app and the cache, opens articles in Chromium, then prints a table and writes
bench/results/latest.json (docs/design.md, "Stable interfaces") plus latest-runs.json
(every wrk run). Everything listens on 127.0.0.1; about 13 minutes with the defaults.

Each figure is a *step*: a small function marked ``@step(title, ...)`` below, run in the
order they are defined. A step measures with the ``Bench`` toolkit — ``compare`` runs its
baseline and its own load turn about for ``--rounds`` rounds and records the median of the
rounds' ratios with their spread — and names the reader populations it needs (one fresh
population per round). bench/README.md, "Adding a figure", shows one.
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
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import browser
from bench.load import Load, request_file, run_wrk
from bench.report import Figures, machine, print_table
from bench.stack import ROOT, app_env, manage
from devservices import (
    AppServer,
    Granian,
    Gunicorn,
    Launcher,
    Nginx,
    Postgres,
    Redis,
    RedisCluster,
    free_port,
)

VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
# What PAYWALL_EXPERIMENT_ARMS names while the experiment figure has it on; every other
# figure is measured with it empty (no experiment), as before issue 15.
EXPERIMENT_ARMS = "masthead.experiments.assignment.arm_for"
# The peak the machine arithmetic is for (issue 13): election night, about 40x a day's
# average of 30 million checks.
PEAK_CHECKS_PER_SECOND = 14_000


@dataclass(frozen=True)
class Step:
    """One part of the run: a title, what it measures, the populations it needs.

    ``series`` names populations used once per round (``redis`` -> ``redis-1``, ``redis-2``,
    ...); ``once`` names populations used once in the whole run.
    """

    title: str
    measure: Callable[[Bench], None]
    series: tuple[str, ...] = ()
    once: tuple[str, ...] = ()


STEPS: list[Step] = []


def step(
    title: str, *, series: tuple[str, ...] = (), once: tuple[str, ...] = ()
) -> Callable[[Callable[[Bench], None]], Callable[[Bench], None]]:
    """Register the decorated function as the next step of the run."""

    def register(measure: Callable[[Bench], None]) -> Callable[[Bench], None]:
        STEPS.append(Step(title, measure, series, once))
        return measure

    return register


def selected(only: list[str]) -> list[Step]:
    """The steps to run: all of them, or those whose title or function name holds one of
    the words in ``only`` (case ignored)."""
    if not only:
        return list(STEPS)
    words = [word.lower() for word in only]
    return [
        each
        for each in STEPS
        if any(word in f"{each.title} {each.measure.__name__}".lower() for word in words)
    ]


def population_names(rounds: int, steps: list[Step] | None = None) -> list[str]:
    """Every population ``steps`` (default: all) need for ``rounds`` rounds, "warm" first."""
    names = ["warm"]
    for each in STEPS if steps is None else steps:
        names += [f"{series}-{number}" for series in each.series for number in range(1, rounds + 1)]
        names += list(each.once)
    return names


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Masthead benchmarks (loopback only)")
    parser.add_argument("--seconds", type=int, default=8, help="length of each measured run")
    parser.add_argument("--warmup", type=int, default=3, help="length of each warm-up run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="baseline/measured pairs per figure (median)"
    )
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
    parser.add_argument(
        "--profile-checks",
        type=int,
        default=60,
        help="checks per reader kind for the queries_per_check figures (0: skip them)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="WORD",
        help="run only the steps whose title or function name holds WORD (repeatable; "
        "e.g. --only gateway); the stack and the populations are prepared as always",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.seconds < 1:
        parser.error("--rounds and --seconds must be at least 1")
    return args


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
        self.articles: list[dict[str, Any]] = []
        self.rss_before = 0.0  # MB, the largest worker just after the first start
        self.preview_bytes: int | None = None
        self.steps = selected(args.only)
        if not self.steps:
            raise SystemExit(f"--only {' '.join(args.only)}: no step matches")

    # --- the stack ---------------------------------------------------------------------

    @property
    def app_url(self) -> str:
        """The app server's root URL (no cache in front)."""
        return f"http://127.0.0.1:{self.app_port}/"

    @property
    def nginx_url(self) -> str:
        """nginx's root URL (the shared cache in front of the app)."""
        return f"http://127.0.0.1:{self.nginx.port}/"

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
        names = population_names(self.args.rounds, self.steps)
        print(f"==> reader populations ({len(names)})", flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.population", str(VAR / "population"), *names],
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

    # --- the toolkit a step measures with --------------------------------------------------

    def load(
        self,
        label: str,
        url: str,
        requests: Path,
        seconds: int | None = None,
        connections: int | None = None,
    ) -> Load:
        """Run wrk once (``--seconds`` and ``--connections`` unless given), remember the run,
        and return it."""
        result = run_wrk(
            url,
            requests,
            seconds=seconds or self.args.seconds,
            connections=connections or self.args.connections,
        )
        self.runs.append({"label": label, **asdict(result), "rate": result.rate})
        print(
            f"    {label:<28} {result.rate:9.0f}/s  p50 {result.p50_ms:6.1f} ms  "
            f"p99 {result.p99_ms:7.1f} ms  2xx {result.ok_share:6.1%}",
            flush=True,
        )
        return result

    def warm(self, *requests: Path, url: str | None = None) -> None:
        """Short unmeasured runs: connections, imports and caches warm before measuring."""
        for each in requests:
            self.load("warm-up", url or self.app_url, each, self.args.warmup)

    def population(self, name: str) -> Path:
        """The requests file of population ``name`` (or ``baseline``)."""
        folder = VAR / "population"
        return folder / ("baseline.txt" if name == "baseline" else f"requests-{name}.txt")

    def compare(
        self,
        name: str,
        unit: str,
        baseline: Callable[[int], Load],
        measured: Callable[[int], Load],
        *,
        percentiles: bool = False,
    ) -> tuple[list[Load], list[Load]]:
        """Run ``baseline(round)`` then ``measured(round)`` for each round; record ``name``.

        Taken turn about, a neighbour's load lands on both sides alike; the figure is the
        median of the rounds' ratios, with their spread. ``percentiles`` adds
        ``name_p50`` and ``name_p99`` (the baseline's latency over the measured one's).
        Returns the loads of each side, in round order.
        """
        baselines: list[Load] = []
        loads: list[Load] = []
        for number in range(1, self.args.rounds + 1):
            baselines.append(baseline(number))
            loads.append(measured(number))
        self.figures.throughput(name, [x.rate for x in loads], [x.rate for x in baselines], unit)
        if percentiles:
            self.figures.latency(
                f"{name}_p50", [x.p50_ms for x in loads], [x.p50_ms for x in baselines]
            )
            self.figures.latency(
                f"{name}_p99", [x.p99_ms for x in loads], [x.p99_ms for x in baselines]
            )
        return baselines, loads

    def checks_against_baseline(self, store: str, series: str) -> tuple[list[Load], list[Load]]:
        """``access_checks_<store>`` (+ p50, p99): the baseline view, then a fresh population
        of checks, turn about, on the app server as it runs now."""
        self.warm(self.population("warm"), self.population("baseline"))
        return self.compare(
            f"access_checks_{store}",
            "checks/s",
            lambda _: self.load(f"baseline ({store})", self.app_url, self.population("baseline")),
            lambda number: self.load(
                f"checks ({store}, {series}-{number})",
                self.app_url,
                self.population(f"{series}-{number}"),
            ),
            percentiles=True,
        )

    def on_and_off(self, name: str, off: dict[str, str], on: dict[str, str], series: str) -> None:
        """Checks on an app started with ``off`` (the baseline), then with ``on``, each round
        on a fresh population of its own (``series``-off-N, ``series``-on-N)."""

        def run(state: str, overrides: dict[str, str], number: int) -> Load:
            self.start_app(**overrides)
            self.warm(self.population("warm"))
            population = self.population(f"{series}{state}-{number}")
            return self.load(f"checks ({series} {state})", self.app_url, population)

        self.compare(
            name,
            "checks/s",
            lambda number: run("off", off, number),
            lambda number: run("on", on, number),
        )

    def run(self) -> None:
        """Prepare the stack, then run every step in order."""
        self.prepare()
        self.launcher.start(self.nginx)
        self.start_app()
        for each in self.steps:
            print(f"==> {each.title}", flush=True)
            before = os.getloadavg()
            each.measure(self)
            after = os.getloadavg()
            self.runs.append(
                {
                    "label": "load average",
                    "step": each.title,
                    "before": [round(x, 2) for x in before],
                    "after": [round(x, 2) for x in after],
                }
            )


# --- the steps, in the order they run -------------------------------------------------------


@step("Redis meter, analytics events on", series=("redis",))
def redis_checks(bench: Bench) -> None:
    """access_checks_redis (+ p50, p99) and machines_for_14k_checks."""
    app = bench.app or bench.start_app()
    bench.rss_before = max(_rss_mb(pid) for pid in app.worker_pids())
    baselines, checks = bench.checks_against_baseline("redis", "redis")
    # Machines like this one for the peak, at the checks' rate (and at the baseline's).
    bench.figures.latency(
        "machines_for_14k_checks",
        [PEAK_CHECKS_PER_SECOND / x.rate for x in checks],
        [PEAK_CHECKS_PER_SECOND / x.rate for x in baselines],
        unit="machines",
    )


@step("SQL queries per check at steady state (in process)", once=("profile",))
def queries_per_check(bench: Bench) -> None:
    """queries_per_check_{anonymous,registered,subscriber}: bench.profile_check's counts."""
    if not bench.args.profile_checks:
        return
    out = VAR / "profile.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.profile_check",
            "--in-bench",
            "--population",
            "profile",
            "--checks",
            str(bench.args.profile_checks),
            "--json",
            str(out),
        ],
        env={**bench.env, "MASTHEAD_ALLOWED_HOSTS": "testserver"},
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    profile = json.loads(out.read_text())
    bench.runs.append({"label": "profile_check", **profile})
    for kind in ("anonymous", "registered", "subscriber"):
        if kind in profile:
            queries = profile[kind]["sql_per_check"] + profile[kind]["health_checks_per_check"]
            bench.figures.count(f"queries_per_check_{kind}", queries, "queries", baseline=0)


@step("previews")
def previews(bench: Bench) -> None:
    """preview_cached (nginx cache vs nginx static) and preview_rendered (app vs fixed page)."""
    entry = next(a for a in bench.articles if a["level"] == "metered")
    page = urllib.request.urlopen(bench.app_url.rstrip("/") + entry["url"]).read()
    static_dir = VAR / "var" / "static" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "preview.html").write_bytes(page)
    folder = VAR / "population"
    cached = request_file(folder / "cached.txt", "GET", [entry["url"]])
    static = request_file(folder / "static.txt", "GET", ["/static/bench/preview.html"])
    urllib.request.urlopen(bench.nginx_url.rstrip("/") + entry["url"]).read()  # into the cache
    bench.warm(cached, url=bench.nginx_url)
    urls = [a["url"] for a in bench.articles if a["level"] != "free"]
    rendered = request_file(folder / "rendered.txt", "GET", urls)
    same_size = request_file(folder / "page.txt", "GET", [f"/bench/page/?size={len(page)}"])
    # Like the checks' warm-up: an article's first page renders its fragments into the
    # shared cache (bench/profile_page.py measures that cost); then every worker reads
    # them and the gating facts once. The runs measure the pages after that.
    for url in urls:
        urllib.request.urlopen(bench.app_url.rstrip("/") + url).read()
    bench.warm(rendered)
    bench.compare(
        "preview_cached",
        "pages/s",
        lambda _: bench.load("nginx static file", bench.nginx_url, static),
        lambda _: bench.load("preview via nginx cache", bench.nginx_url, cached),
    )
    bench.compare(
        "preview_rendered",
        "pages/s",
        lambda _: bench.load("Django fixed page", bench.app_url, same_size),
        lambda _: bench.load("preview rendered (no cache)", bench.app_url, rendered),
    )
    bench.preview_bytes = len(page)


@step("Chromium")
def time_to_full_text(bench: Bench) -> None:
    """time_to_full_text (subscriber, through nginx: median navigation start to gated text);
    then worker_rss (the largest worker after the checks, previews and browser runs)."""
    cookie = (VAR / "population" / "subscriber-cookie.txt").read_text().strip()
    walled = [a for a in bench.articles if a["level"] == "subscriber"]
    timing = browser.measure(
        bench.nginx_url.rstrip("/"),
        cookie,
        walled,
        "/static/bench/preview.html",
        runs=bench.args.browser_runs,
    )
    print(
        f"    time to full text {timing.full_text_ms:.0f} ms (static page "
        f"{timing.static_ms:.0f} ms; the check sent at {timing.check_sent_ms:.0f} ms, "
        f"answered in {timing.check_ms:.0f} ms), every page unlocked: {timing.all_unlocked}"
    )
    bench.runs.append({"label": "browser", **asdict(timing)})
    if not timing.all_unlocked:
        raise RuntimeError("a subscriber page did not show its gated text")
    bench.figures.latency("time_to_full_text", timing.full_text_ms, timing.static_ms)
    if bench.app is not None and bench.rss_before:
        rss_after = max(_rss_mb(pid) for pid in bench.app.worker_pids())
        bench.figures.latency("worker_rss", rss_after, bench.rss_before, unit="MB")


@step("analytics events off and on, alternating", series=("noevents", "events"))
def events_on_and_off(bench: Bench) -> None:
    """access_checks_with_events: checks with events on against the same with them off."""

    def run(enabled: str, population: str) -> Load:
        bench.start_app(ANALYTICS_ENABLED=enabled)
        bench.warm(bench.population("warm"))
        label = f"checks (events {'on' if enabled == 'True' else 'off'})"
        return bench.load(label, bench.app_url, bench.population(population))

    bench.compare(
        "access_checks_with_events",
        "checks/s",
        lambda number: run("False", f"noevents-{number}"),
        lambda number: run("True", f"events-{number}"),
    )


@step("experiment off and on, alternating", series=("expoff", "expon"))
def experiment_on_and_off(bench: Bench) -> None:
    """access_checks_experiment: checks with an A/A experiment running against none.

    The same database holds the running experiment throughout; the "off" server has
    ``PAYWALL_EXPERIMENT_ARMS`` empty, so the only difference is the arm look-up (and the
    exposure rows and counters it writes for readers met for the first time).
    """
    subprocess.run([sys.executable, "-m", "bench.experiment"], env=bench.env, cwd=ROOT, check=True)
    bench.on_and_off(
        "access_checks_experiment",
        {"PAYWALL_EXPERIMENT_ARMS": ""},
        {"PAYWALL_EXPERIMENT_ARMS": EXPERIMENT_ARMS},
        "exp",
    )


@step("PostgreSQL meter", series=("pg",))
def postgres_checks(bench: Bench) -> None:
    """access_checks_postgres (+ p50, p99): the same checks with the meter in PostgreSQL."""
    bench.start_app(PAYWALL_METER_STORE="sql")
    bench.checks_against_baseline("postgres", "pg")


@step("Redis Cluster meter against one Redis, alternating", series=("cluster",))
def cluster_checks(bench: Bench) -> None:
    """access_checks_cluster: checks with the meter, rate limit and cache on a Redis Cluster
    (three primaries, three replicas, loopback) against one Redis.

    In each round both servers replay the same fresh population (each store meets it with
    untouched meters, so both sides do the same work); the app restarts between sides.
    """
    cluster = bench.launcher.start(RedisCluster(name="redis-cluster"))
    on_cluster = {"MASTHEAD_REDIS_CLUSTER_NODES": ",".join(cluster.nodes())}

    def run(label: str, overrides: dict[str, str], number: int) -> Load:
        if overrides:
            _copy_reader_generations(bench.redis.url, cluster.nodes())
        bench.start_app(**overrides)
        bench.warm(bench.population("warm"))
        return bench.load(f"checks ({label})", bench.app_url, bench.population(f"cluster-{number}"))

    bench.compare(
        "access_checks_cluster",
        "checks/s",
        lambda number: run("one Redis", {}, number),
        lambda number: run("Redis Cluster", on_cluster, number),
    )
    bench.start_app()


def _copy_reader_generations(url: str, nodes: list[str]) -> None:
    """Copy the readers' pass generations (``gen:{u:<id>}``) from one Redis to the cluster.

    The populations' reader passes carry generations made in the bench's Redis (the
    population is built once, for every step). On the cluster those keys would be missing,
    so every logged-in check there would take the ordinary path and get a new pass that
    wrk never replays: a different workload from the one-Redis side's.
    """
    import redis
    from redis.cluster import ClusterNode
    from redis.cluster import RedisCluster as ClusterClient

    source = redis.Redis.from_url(url)
    pairs = [node.rsplit(":", 1) for node in nodes]
    startup = [ClusterNode(host, int(port)) for host, port in pairs]  # type: ignore[no-untyped-call]
    target = ClusterClient(startup_nodes=startup)
    try:
        for key in source.scan_iter(match="*gen:{u:*}", count=1000):
            value, ttl = source.get(key), source.pttl(key)
            if value is not None:
                target.set(key, value, px=ttl if ttl > 0 else None)
    finally:
        source.close()
        target.close()


@step("the reader simulator")
def simulation(bench: Bench) -> None:
    """simulate_100k_readers_30_days_s: simulate_readers at 100,000 readers x 30 days."""
    if not bench.args.sim_readers:
        return
    started = time.monotonic()
    manage(bench.env, "simulate_readers", "--readers", str(bench.args.sim_readers), "--days", "30")
    seconds = time.monotonic() - started
    bench.runs.append({"label": "simulate_readers", "seconds": round(seconds, 2)})
    # The budget is the baseline: 60 s for 100,000 readers x 30 days on this machine.
    bench.figures.latency("simulate_100k_readers_30_days_s", seconds, 60.0, unit="s")


@step("gateway: the leak firewall's scan (in process)")
def firewall_scan(bench: Bench) -> None:
    """firewall_scan_ms_per_100kb: masthead.gateway.firewall_bench's scan of a 100 KB REST
    body against 2,000 walled articles, against pure-Python shingling of the same body."""
    done = subprocess.run(
        [sys.executable, "-m", "masthead.gateway.firewall_bench"],
        env=bench.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode:
        print(f"    firewall_bench failed: {done.stderr.strip()[-500:]}", flush=True)
        bench.figures.missing("firewall_scan_ms_per_100kb", "ms", "firewall_bench failed")
        return
    measured = json.loads(done.stdout)
    bench.runs.append({"label": "firewall_bench", **measured})
    print(
        f"    scan {measured['firewall_scan_ms_per_100kb']} ms, whole filter "
        f"{measured['firewall_filter_pass_ms_per_100kb']} ms, pure-Python shingles "
        f"{measured['pure_python_shingles_ms_per_100kb']} ms per 100 KB",
        flush=True,
    )
    bench.figures.latency(
        "firewall_scan_ms_per_100kb",
        measured["firewall_scan_ms_per_100kb"],
        measured["pure_python_shingles_ms_per_100kb"],
    )


# The gateway's figures, in the order they are measured, with their units.
GATEWAY_FIGURES = {
    "gateway_preview_cached": "pages/s",
    "gateway_access_checks": "checks/s",
    "gateway_firewall": "pages/s",
}


@step("gateway in front of WordPress", series=("gwnative", "gateway"))
def gateway(bench: Bench) -> None:
    """gateway_preview_cached, gateway_access_checks and gateway_firewall.

    Starts MariaDB and WordPress (the launcher's seeded site), the gateway under granian
    (ASGI) twice — with the firewall and without —, Masthead's WSGI app with the gateway's
    environment, and an nginx in gateway mode in front of the first gateway and the WSGI
    app; stops them afterwards. Anything that fails on the way (a WordPress that will
    not start) records the figures not yet measured as missing: the run goes on.
    """
    started: list[str] = []
    try:
        _gateway_figures(bench, started)
    except Exception as exc:  # noqa: BLE001 - any failure here must not end the whole run
        why = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
        print(f"    the gateway step failed: {why}", flush=True)
        for name, unit in GATEWAY_FIGURES.items():
            if bench.figures.get(name) is None:
                bench.figures.missing(name, unit, why[:300])
    finally:
        if started:
            try:
                bench.launcher.stop(*reversed(started))
            except RuntimeError as exc:
                print(f"    while stopping the gateway's services: {exc}", file=sys.stderr)


def _gateway_figures(bench: Bench, started: list[str]) -> None:
    from bench.gateway import origin_population, proxied_requests
    from devservices import MariaDB, WordPress

    # Shorter runs than the other figures' (each side of each round), so the three
    # figures and the services' start stay within about three minutes at the defaults.
    seconds = max(2, round(bench.args.seconds * 0.6))
    folder = VAR / "population"
    print("    MariaDB and WordPress (the first start takes about 30 s)", flush=True)
    # Each name is noted before its start: a service that fails half-way is stopped too.
    started.append("gw-mariadb")
    bench.launcher.start(MariaDB(name="gw-mariadb", port=free_port()))
    started.append("gw-wordpress")
    wordpress = bench.launcher.start(WordPress(name="gw-wordpress", port=free_port()))
    origin = wordpress.env()
    gateway_env = {
        **bench.env,
        "GATEWAY_ORIGIN_URL": origin["WP_URL"],
        "GATEWAY_ORIGIN_USER": origin["WP_ADMIN_USER"],
        "GATEWAY_ORIGIN_PASSWORD": origin["WP_APP_PASSWORD"],
        # The seeded posts' shortest lead-in is one paragraph (as in make gateway-demo).
        "GATEWAY_LEAD_PARAGRAPHS": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "bench.gateway", "rules"], env=gateway_env, cwd=ROOT, check=True
    )
    manage(gateway_env, "gateway_sync")
    subprocess.run(
        [sys.executable, "-m", "bench.gateway", "catalogue", str(folder / "origin.json")],
        env=gateway_env,
        cwd=ROOT,
        check=True,
    )
    origin_articles = json.loads((folder / "origin.json").read_text())
    print(f"    {len(origin_articles)} origin articles synced", flush=True)

    def gateway_server(name: str, **overrides: str) -> AppServer:
        started.append(name)
        return bench.launcher.start(
            Granian(
                name=name,
                port=free_port(),
                interface="asgi",
                app="masthead.gateway.asgi:application",
                environment={**gateway_env, **overrides},
                workers=bench.args.workers,
                threads=bench.args.threads,
                log=VAR / f"{name}.log",
            )
        )

    with_firewall = gateway_server("gateway")
    without_firewall = gateway_server("gateway-nofw", GATEWAY_FIREWALL="")
    gateway_url = f"http://127.0.0.1:{with_firewall.port}/"
    # Masthead's own paths in gateway mode: the WSGI app (the native app server's kind,
    # workers and threads) with the gateway's environment, so its content source is the
    # gateway's. nginx sends those paths to it and the origin's to the gateway.
    started.append("gateway-wsgi")
    masthead_app = bench.launcher.start(
        (Gunicorn if bench.args.server == "gunicorn" else Granian)(
            name="gateway-wsgi",
            port=free_port(),
            environment=gateway_env,
            workers=bench.args.workers,
            threads=bench.args.threads,
            log=VAR / "gateway-wsgi.log",
        )
    )
    masthead_url = f"http://127.0.0.1:{masthead_app.port}/"
    started.append("gateway-nginx")
    cache = bench.launcher.start(
        Nginx(
            name="gateway-nginx",
            directory=VAR / "gateway-nginx",
            port=free_port(),
            upstream=f"127.0.0.1:{masthead_app.port}",
            gateway_upstream=f"127.0.0.1:{with_firewall.port}",
            static_root=VAR / "var" / "static",
            media_root=VAR / "media",
            workers="1",
            access_log="off",
        )
    )
    cache_url = f"http://127.0.0.1:{cache.port}/"

    # gateway_preview_cached: a walled post's preview from nginx's cache, against nginx
    # serving the same bytes as a static file.
    walled = next(a for a in origin_articles if a["level"] == "subscriber")
    page = urllib.request.urlopen(gateway_url.rstrip("/") + walled["url"]).read()
    static_dir = VAR / "var" / "static" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "gateway-preview.html").write_bytes(page)
    cached = request_file(folder / "gateway-cached.txt", "GET", [walled["url"]])
    static = request_file(
        folder / "gateway-static.txt", "GET", ["/static/bench/gateway-preview.html"]
    )
    urllib.request.urlopen(cache_url.rstrip("/") + walled["url"]).read()  # into the cache
    bench.warm(cached, static, url=cache_url)
    bench.compare(
        "gateway_preview_cached",
        "pages/s",
        lambda _: bench.load("nginx static file", cache_url, static, seconds),
        lambda _: bench.load("gateway preview via nginx", cache_url, cached, seconds),
    )

    # gateway_access_checks: the same reader mix on origin articles on the gateway's WSGI
    # app (where nginx sends /api/ in gateway mode), against native checks on the native
    # app server, same Redis, fresh populations each round. Like with like: both straight
    # to their app server, no nginx in front of either.
    def towards_origin(name: str) -> Path:
        return origin_population(
            bench.population(name), folder / f"origin-{name}.txt", bench.articles, origin_articles
        )

    bench.warm(bench.population("warm"))
    bench.warm(towards_origin("warm"), url=masthead_url)
    bench.compare(
        "gateway_access_checks",
        "checks/s",
        lambda number: bench.load(
            "native checks", bench.app_url, bench.population(f"gwnative-{number}"), seconds
        ),
        lambda number: bench.load(
            "origin checks, gateway WSGI",
            masthead_url,
            towards_origin(f"gateway-{number}"),
            seconds,
        ),
    )

    # gateway_firewall: uncached proxied pages (REST, feeds, archives, search) with the
    # firewall on, against the same gateway with it off. Every request reaches WordPress
    # (php-fpm, 4 workers, some 40 ms a page on a quiet machine): 8 connections keep it
    # busy without queueing seconds deep, which would leave a short run only a few dozen
    # answers to count.
    proxied = proxied_requests(folder / "gateway-proxied.txt")
    off_url = f"http://127.0.0.1:{without_firewall.port}/"
    few = min(8, bench.args.connections)
    bench.warm(proxied, url=off_url)
    bench.warm(proxied, url=gateway_url)
    bench.compare(
        "gateway_firewall",
        "pages/s",
        lambda _: bench.load("proxied, firewall off", off_url, proxied, seconds, few),
        lambda _: bench.load("proxied, firewall on", gateway_url, proxied, seconds, few),
    )


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _shown(path: Path) -> str:
    """``path`` relative to the checkout when it is inside it, else absolute."""
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(resolved)


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
        "preview_bytes": bench.preview_bytes,
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
        f"\nwritten: {_shown(args.out)} and {_shown(runs)} "
        f"({details['duration_s']} s, {platform.node()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
