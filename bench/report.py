"""The results file (docs/design.md, "Stable interfaces") and the table on screen."""

from __future__ import annotations

import os
import platform
import subprocess
from typing import Any

# What each figure must reach (issue 6), as a ratio to its baseline; None: reported only.
TARGETS: dict[str, float | None] = {
    "access_checks_redis": 0.8,
    "access_checks_postgres": 0.6,
    "access_checks_redis_p99": 1 / 1.5,
    "access_checks_postgres_p99": 1 / 1.5,
    "preview_cached": 0.8,
    # Issue 13: an article page rendered by the app (fragments warm, nginx's cache skipped).
    "preview_rendered": 0.15,
    # Issue 15: an experiment running costs at most 5 % of the checks' rate.
    "access_checks_experiment": 0.95,
}
# Absolute limits (value in its unit).
LIMITS: dict[str, float] = {
    "time_to_full_text": 150.0,
    "worker_rss": 150.0,
    "simulate_100k_readers_30_days_s": 60.0,
}


class Figures:
    """Figures in the order they were measured, each with its same-run baseline."""

    def __init__(self) -> None:
        self._figures: dict[str, dict[str, Any]] = {}

    def throughput(self, name: str, value: float, baseline: float, unit: str) -> None:
        """Record a rate: ratio = value / baseline (higher is better)."""
        self._add(name, value, baseline, unit, value / baseline if baseline else None)

    def latency(self, name: str, value: float, baseline: float, unit: str = "ms") -> None:
        """Record a cost (time, memory): ratio = baseline / value (higher is better)."""
        self._add(name, value, baseline, unit, baseline / value if value else None)

    def _add(
        self, name: str, value: float, baseline: float, unit: str, ratio: float | None
    ) -> None:
        self._figures[name] = {
            "value": round(value, 2),
            "unit": unit,
            "baseline": round(baseline, 2),
            "ratio": None if ratio is None else round(ratio, 3),
        }

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
    """Return 'ok', 'MISSED' or '' (no target) for one figure."""
    if name in LIMITS:
        return "ok" if figure["value"] <= LIMITS[name] else "MISSED"
    target = TARGETS.get(name)
    if target is None or figure["ratio"] is None:
        return ""
    return "ok" if figure["ratio"] >= target else "MISSED"


def print_table(result: dict[str, Any]) -> None:
    """Print the figures, their baselines, ratios and targets."""
    print(
        f"\nMasthead benchmarks, {result['when']} "
        f"({result['machine']['cpus']} CPUs, {result['machine']['server']})"
    )
    header = f"{'figure':<30} {'value':>12} {'baseline':>12} {'unit':<10} {'ratio':>7}  target"
    print(header)
    print("-" * len(header))
    for name, figure in result["figures"].items():
        target = TARGETS.get(name)
        wanted = (
            f"<= {LIMITS[name]:.0f} {figure['unit']}"
            if name in LIMITS
            else f">= {target:.2f}"
            if target
            else ""
        )
        print(
            f"{name:<30} {figure['value']:>12,.1f} {figure['baseline']:>12,.1f} "
            f"{figure['unit']:<10} {figure['ratio'] or 0:>7.2f}  {wanted} {verdict(name, figure)}"
        )
