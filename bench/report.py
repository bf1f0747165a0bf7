"""The results file (docs/design.md, "Stable interfaces") and the table on screen."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from collections.abc import Sequence
from typing import Any

# What each figure must reach, as a ratio to its baseline (issues 6, 13, 15); figures not
# named here are reported only.
TARGETS: dict[str, float] = {
    "access_checks_redis": 0.8,
    "access_checks_postgres": 0.6,
    "access_checks_redis_p99": 1 / 1.5,
    "access_checks_postgres_p99": 1 / 1.5,
    "preview_cached": 0.8,
    # Issue 13: an article page rendered by the app (fragments warm, nginx's cache skipped).
    "preview_rendered": 0.15,
    # Issue 15: an experiment running costs at most 5 % of the checks' rate.
    "access_checks_experiment": 0.95,
    # Issue 13: the meter and the cache on a Redis Cluster, against one Redis.
    "access_checks_cluster": 0.7,
    # Issue 14: the gateway in front of WordPress.
    "gateway_preview_cached": 0.8,
    "gateway_access_checks": 0.9,
    "gateway_firewall": 0.8,
}
# Absolute limits (value in its unit, at most).
LIMITS: dict[str, float] = {
    "time_to_full_text": 150.0,
    "worker_rss": 150.0,
    "simulate_100k_readers_30_days_s": 60.0,
    # Issue 13: no SQL on the access check's hot path, at steady state.
    "queries_per_check_anonymous": 0,
    "queries_per_check_registered": 0,
    "queries_per_check_subscriber": 0,
    # Issue 13: an election-night peak of 14,000 checks/s on at most five such machines.
    "machines_for_14k_checks": 5,
}

Measured = float | Sequence[float]


def _listed(measured: Measured) -> list[float]:
    return [float(measured)] if isinstance(measured, int | float) else [float(x) for x in measured]


class Figures:
    """Figures in the order they were measured, each with its same-run baseline.

    A figure measured over several rounds (value and baseline taken turn about, one pair
    per round) is given as two lists: ``value`` and ``baseline`` are the medians of each
    side, ``ratio`` the median of the rounds' own ratios, and ``ratios`` (each round's)
    with ``ratio_min`` and ``ratio_max`` report the spread.
    """

    def __init__(self) -> None:
        self._figures: dict[str, dict[str, Any]] = {}

    def throughput(self, name: str, value: Measured, baseline: Measured, unit: str) -> None:
        """Record a rate: ratio = value / baseline (higher is better)."""
        values, baselines = _listed(value), _listed(baseline)
        ratios = [v / b if b else None for v, b in zip(values, baselines, strict=True)]
        self._add(name, values, baselines, unit, ratios)

    def latency(self, name: str, value: Measured, baseline: Measured, unit: str = "ms") -> None:
        """Record a cost (time, memory): ratio = baseline / value (higher is better)."""
        values, baselines = _listed(value), _listed(baseline)
        ratios = [b / v if v else None for v, b in zip(values, baselines, strict=True)]
        self._add(name, values, baselines, unit, ratios)

    def count(self, name: str, value: float, unit: str, baseline: float | None = None) -> None:
        """Record a count with no ratio (a number of queries; judged against ``LIMITS``)."""
        self._figures[name] = {
            "value": round(value, 2),
            "unit": unit,
            "baseline": None if baseline is None else round(baseline, 2),
            "ratio": None,
        }

    def _add(
        self,
        name: str,
        values: list[float],
        baselines: list[float],
        unit: str,
        ratios: list[float | None],
    ) -> None:
        known = [r for r in ratios if r is not None]
        figure: dict[str, Any] = {
            "value": round(statistics.median(values), 2),
            "unit": unit,
            "baseline": round(statistics.median(baselines), 2),
            "ratio": round(statistics.median(known), 3) if known else None,
        }
        if len(values) > 1:
            figure["rounds"] = len(values)
            figure["ratios"] = [None if r is None else round(r, 3) for r in ratios]
            figure["ratio_min"] = round(min(known), 3) if known else None
            figure["ratio_max"] = round(max(known), 3) if known else None
        self._figures[name] = figure

    def missing(self, name: str, unit: str, why: str) -> None:
        """Record that ``name`` could not be measured in this run, and why (no value)."""
        self._figures[name] = {
            "value": None,
            "unit": unit,
            "baseline": None,
            "ratio": None,
            "missing": why,
        }

    def get(self, name: str) -> dict[str, Any] | None:
        """Return the figure called ``name`` if it was recorded."""
        return self._figures.get(name)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Return the figures as the results file holds them."""
        return dict(self._figures)


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "missing"
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else ""
    )


def machine(details: dict[str, Any]) -> dict[str, Any]:
    """Describe the machine and the set-up the figures were measured on."""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    except OSError:
        pass
    memory_kb = 0
    try:
        with open("/proc/meminfo") as info:
            memory_kb = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    import django

    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "nginx": _version(["nginx", "-v"]),
        "redis": _version(["redis-server", "--version"]),
        "postgresql": _version(["sh", "-c", "ls /usr/lib/postgresql | sort -V | tail -1"]),
        "load_generator": f"wrk -t1 -c{details.get('connections')} (Lua: bench/wrk/requests.lua)",
        **details,
    }


def verdict(name: str, figure: dict[str, Any]) -> str:
    """Return 'ok', 'MISSED', 'MISSING' (not measured) or '' (no target) for one figure."""
    if figure["value"] is None:
        return "MISSING"
    if name in LIMITS:
        return "ok" if figure["value"] <= LIMITS[name] else "MISSED"
    target = TARGETS.get(name)
    if target is None or figure["ratio"] is None:
        return ""
    return "ok" if figure["ratio"] >= target else "MISSED"


def wanted(name: str, unit: str) -> str:
    """Return the target of figure ``name`` as the table prints it ('' when none)."""
    if name in LIMITS:
        return f"<= {LIMITS[name]:g} {unit}"
    target = TARGETS.get(name)
    return f">= {target:.2f}" if target is not None else ""


def print_table(result: dict[str, Any]) -> None:
    """Print the figures, their baselines, ratios (with the rounds' spread) and targets."""
    where = result["machine"]
    print(
        f"\nMasthead benchmarks, {result['when']} ({where['cpus']} CPUs, {where['server']}, "
        f"{where.get('rounds')} rounds of {where.get('seconds')} s; load average "
        f"{where.get('load_average_before')} before, {where.get('load_average_after')} after)"
    )
    header = (
        f"{'figure':<32} {'value':>11} {'baseline':>11} {'unit':<9} {'ratio':>6} "
        f"{'min-max':>11}  target"
    )
    print(header)
    print("-" * (len(header) + 12))
    for name, figure in result["figures"].items():
        if figure["value"] is None:
            reason = figure.get("missing", "")
            print(f"{name:<32} {'-':>11} {'':>11} {figure['unit']:<9} MISSING: {reason}")
            continue
        ratio = "" if figure["ratio"] is None else f"{figure['ratio']:.2f}"
        spread = ""
        if figure.get("ratio_min") is not None:
            spread = f"{figure['ratio_min']:.2f}-{figure['ratio_max']:.2f}"
        baseline = "" if figure["baseline"] is None else f"{figure['baseline']:,.1f}"
        print(
            f"{name:<32} {figure['value']:>11,.1f} {baseline:>11} {figure['unit']:<9} "
            f"{ratio:>6} {spread:>11}  {wanted(name, figure['unit'])} {verdict(name, figure)}"
        )
