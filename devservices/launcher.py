"""The launcher: starts services into a run folder, records them, stops only those.

The run folder holds ``state.json`` (what was started: kind, settings, ports and the
processes, each with its start time so a reused pid is never mistaken for ours) and one
folder per service. Every start and stop updates the state under a lock, so the command
line in one process can stop what the Python API started in another.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from devservices.base import ROOT, Service
from devservices.registry import definition

S = TypeVar("S", bound=Service)


def default_run_dir() -> Path:
    """The test services' folder: ``MASTHEAD_SERVICES_DIR``, else one per checkout in /tmp.

    Outside the checkout, because PostgreSQL runs as the postgres user, who cannot enter
    a checkout below a private folder (``mktemp -d`` makes them 0700).
    """
    chosen = os.environ.get("MASTHEAD_SERVICES_DIR")
    if chosen:
        return Path(chosen)
    digest = hashlib.sha1(str(ROOT).encode(), usedforsecurity=False).hexdigest()[:12]
    return Path("/tmp/masthead-services") / digest  # noqa: S108 - a per-checkout folder


@dataclass(frozen=True)
class Status:
    """One recorded service as ``status`` reports it."""

    name: str
    kind: str
    port: int
    pids: tuple[int, ...]
    running: bool


class Launcher:
    """Start, record and stop services in ``run_dir``.

    Used as a context manager it stops, on exit, every service it started (in reverse
    order) and nothing else.
    """

    def __init__(self, run_dir: Path | str | None = None) -> None:
        self.run_dir = Path(run_dir) if run_dir is not None else default_run_dir()
        self.state_file = self.run_dir / "state.json"
        self._live: dict[str, Service] = {}

    # --- the state file ----------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        self._make_run_dir()
        with open(self.run_dir / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}
            except ValueError:
                state = {}  # a torn write from a killed run: nothing trustworthy in it
            services: dict[str, Any] = state.setdefault("services", {})
            yield services
            scratch = self.state_file.with_suffix(".tmp")
            scratch.write_text(json.dumps(state, indent=1) + "\n")
            scratch.replace(self.state_file)

    def _make_run_dir(self) -> None:
        fresh = not self.run_dir.exists()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if fresh and os.geteuid() == 0:
            # Services that drop root (PostgreSQL, nginx's workers) must pass through it.
            self.run_dir.chmod(0o755)
            if self.run_dir.parent.name == "masthead-services":
                self.run_dir.parent.chmod(0o755)

    def _saved(self, service: Service) -> None:
        # Called by the service itself on every start and stop, also when a test stops and
        # restarts it directly: the state file and this object's list follow it.
        with self._locked() as services:
            if service.processes:
                services[service.name] = service.record()
                self._live[service.name] = service
            else:
                services.pop(service.name, None)
                self._live.pop(service.name, None)

    def recorded(self) -> dict[str, Service]:
        """The services the state file holds, rebuilt (live objects where this run has them)."""
        with self._locked() as services:
            saved = dict(services)
        rebuilt: dict[str, Service] = {}
        for name, record in saved.items():
            live = self._live.get(name)
            if live is not None and live.processes:
                rebuilt[name] = live
            else:
                try:
                    cls = definition(record["kind"])
                except KeyError:
                    # A kind this version does not know: its processes can still be stopped.
                    cls = Service
                rebuilt[name] = cls.from_record(record)
        return rebuilt

    # --- starting and stopping -----------------------------------------------------------

    def add(self, service: S) -> S:
        """Give ``service`` its folder in the run folder (unless it has one) and return it."""
        if service.directory is None:
            service.directory = self.run_dir / service.name
        service._on_change = self._saved
        return service

    def start(self, service: S, timeout: float | None = None) -> S:
        """Start ``service`` and record it; return it.

        When the state file already holds a running service of that name and kind (and, if
        a port was asked for, on that port), it is reused, not started twice.
        """
        self.add(service)
        existing = self.recorded().get(service.name)
        if existing is not None and existing.alive():
            same = existing.kind == service.kind and service.port in (0, existing.port)
            if same and existing is not service:
                service.port = existing.port
                service.processes = existing.processes
                service.directory = existing.directory
                self._live[service.name] = service
                return service
            if not same:
                existing.stop()  # ours (it is in our state file), and in the way
        service.start(timeout)
        self._live[service.name] = service
        return service

    def start_all(self, *services: Service, timeout: float | None = None) -> list[Service]:
        """Start ``services`` in order; on a failure stop those this call started, re-raise."""
        started: list[Service] = []
        try:
            for service in services:
                started.append(self.start(service, timeout))
        except BaseException:
            for service in reversed(started):
                service.stop()
            raise
        return started

    def stop(self, *names: str) -> list[str]:
        """Stop the recorded services called ``names`` (all when none); return their names.

        Only what the state file records is stopped, and only processes whose start time
        still matches: a server someone else started is never touched.
        """
        recorded = self.recorded()
        chosen = list(names) if names else list(reversed(list(recorded)))
        stopped: list[str] = []
        failures: list[str] = []
        for name in chosen:
            service = recorded.get(name)
            if service is None:
                continue
            self.add(service)
            try:
                service.stop()
            except (OSError, RuntimeError, subprocess.SubprocessError) as error:
                # Keep stopping the others: one stuck service must not leave them all up.
                failures.append(f"{name}: {error}")
                continue
            self._live.pop(name, None)
            stopped.append(name)
        if failures:
            raise RuntimeError("could not stop " + "; ".join(failures))
        return stopped

    def status(self) -> list[Status]:
        """What the state file records, and whether each still runs."""
        return [
            Status(
                name,
                service.kind or "?",
                service.port,
                tuple(proc.pid for proc in service.processes),
                service.alive(),
            )
            for name, service in self.recorded().items()
        ]

    def env(self, prefix: str = "") -> dict[str, str]:
        """Every running recorded service's variables, each name prefixed with ``prefix``."""
        variables: dict[str, str] = {}
        for service in self.recorded().values():
            if service.alive():
                variables.update({prefix + key: value for key, value in service.env().items()})
        return variables

    def __enter__(self) -> Launcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Stop what this launcher object started, newest first."""
        for name in reversed(list(self._live)):
            self.stop(name)
