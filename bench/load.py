"""Driving wrk: one bounded run against one URL, figures back as a dict."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "wrk" / "requests.lua"


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    errors: int

    @property
    def rate(self) -> float:
        """Requests per second over the whole run."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok_share(self) -> float:
        """The share of answers that were 2xx (1.0 when all were)."""
        ok = sum(n for code, n in self.statuses.items() if code.startswith("2"))
        return ok / self.requests if self.requests else 0.0


def run_wrk(
    url: str, requests_file: Path, *, seconds: int, connections: int = 32, threads: int = 1
) -> Load:
    """Run wrk against ``url`` replaying ``requests_file``; return what it measured.

    Raises RuntimeError when wrk fails. The run is bounded: ``seconds`` plus wrk's timeout.
    """
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        env = {**os.environ, "REQUESTS_FILE": str(requests_file), "RESULT_FILE": result.name}
        done = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                str(LUA),
                url,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
        figures = json.loads(Path(result.name).read_text())
    errors = sum(figures[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        statuses={str(code): n for code, n in figures["statuses"].items()},
        errors=errors,
    )


def request_file(path: Path, method: str, url_paths: list[str]) -> Path:
    """Write a requests file of plain ``method`` requests for ``url_paths``; return it."""
    path.write_text("".join(f"{method}\t{url_path}\t\t\t\n" for url_path in url_paths))
    return path
