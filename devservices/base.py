"""What every service definition shares: ports, processes, readiness, logs and a record.

A definition is a dataclass. Its fields are its settings (a port of 0 means "pick a free
one"); ``launch`` starts its processes, ``ready`` says when it answers, ``env`` names how
to reach it, and ``halt`` stops it. ``Service.start`` wraps these with the checks every
kind needs: the port is free, the service answers within the timeout, and a failure
raises StartError carrying the tail of the service's log.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NoReturn, TypeVar

from devservices.ports import free_port, port_is_free

ROOT = Path(__file__).resolve().parent.parent

S = TypeVar("S", bound="Service")

# Written into a service's log before each start: a failure shows that attempt's lines.
MARKER = "--- devservices:"


class StartError(RuntimeError):
    """A service did not start; the message says which, why, and ends with its log's tail."""


def log_tail(path: Path | None, lines: int = 25) -> str:
    """Return the last ``lines`` lines of ``path`` (or a note that there is no log)."""
    if path is None or not path.exists():
        return "(no log written)"
    with path.open("rb") as log:
        log.seek(0, os.SEEK_END)
        log.seek(max(0, log.tell() - 16_384))
        text = log.read().decode("utf-8", "replace")
    kept = text.splitlines()
    starts = [number for number, line in enumerate(kept) if line.startswith(MARKER)]
    if starts:
        kept = kept[starts[-1] :]  # this attempt only, not an older run's lines
    return "\n".join(kept[-lines:]) or "(the log is empty)"


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and brackets: split after its last ')'.
    return raw[raw.rindex(")") + 2 :].split()


@dataclass
class Proc:
    """One process a service started, told apart from a later process reusing its pid.

    ``ticks`` is the process's start time (clock ticks since boot, /proc/PID/stat field
    22): a pid with another start time is someone else's and is never signalled.
    """

    pid: int
    ticks: int
    group: bool = True  # started as a session leader: signal its whole group

    @classmethod
    def of(cls, pid: int, group: bool = True) -> Proc:
        """Describe the running process ``pid``; raise ProcessLookupError when it is gone."""
        fields = _stat_fields(pid)
        if fields is None:
            raise ProcessLookupError(pid)
        return cls(pid, int(fields[19]), group)

    def alive(self) -> bool:
        """True while this very process runs (a zombie or a reused pid is not it)."""
        fields = _stat_fields(self.pid)
        return fields is not None and fields[0] != "Z" and int(fields[19]) == self.ticks

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the process (its group when it leads one), if it still runs."""
        if not self.alive():
            return
        try:
            if self.group:
                os.killpg(self.pid, signum)
            else:
                os.kill(self.pid, signum)
        except ProcessLookupError:
            pass


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Call ``check`` until it is true (return True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def accepts_connections(port: int, host: str = "127.0.0.1") -> bool:
    """True when ``host:port`` accepts a TCP connection."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Service:
    """A local service on 127.0.0.1: the base of every definition in the registry.

    Subclasses set ``kind`` and implement ``launch``, ``ready`` and ``env``; most keep the
    default ``halt`` (SIGTERM to each process group, SIGKILL after ``stop_timeout``).
    Fields hold settings and are saved in the launcher's state file, except those marked
    ``field(metadata={"state": False})`` (environments may hold secrets).
    """

    kind: ClassVar[str] = ""
    # Companion ports that must be free too when a port is picked (port + offset).
    port_offsets: ClassVar[tuple[int, ...]] = ()
    start_timeout: ClassVar[float] = 30.0
    stop_timeout: ClassVar[float] = 15.0

    name: str = ""
    port: int = 0
    # The service's own folder (logs, data, pid files); the launcher fills it in.
    directory: Path | None = None
    processes: list[Proc] = field(default_factory=list)
    _children: dict[int, subprocess.Popen[bytes]] = field(
        default_factory=dict, repr=False, compare=False, metadata={"state": False}
    )
    _on_change: Callable[[Service], None] | None = field(
        default=None, repr=False, compare=False, metadata={"state": False}
    )

    def __post_init__(self) -> None:
        if not self.name:
            self.name = self.kind

    # --- what a definition provides ---------------------------------------------------

    def launch(self) -> None:
        """Start the service's processes (record them with ``spawn`` or ``adopt``)."""
        raise NotImplementedError

    def ready(self) -> bool:
        """True once the service answers; the default: its port accepts connections."""
        return accepts_connections(self.port)

    def env(self) -> dict[str, str]:
        """Variables (without prefix) that say how to reach the service, e.g. REDIS_URL."""
        return {}

    def log_file(self) -> Path | None:
        """The file whose tail explains a failed start."""
        return self.folder / f"{self.kind}.log"

    def halt(self) -> None:
        """Stop every recorded process: SIGTERM, then SIGKILL after ``stop_timeout``."""
        for proc in self.processes:
            proc.signal(signal.SIGTERM)
        done = wait_until(self._all_gone, self.stop_timeout)
        if not done:
            for proc in self.processes:
                proc.signal(signal.SIGKILL)
            wait_until(self._all_gone, 5)

    # --- shared machinery --------------------------------------------------------------

    @property
    def folder(self) -> Path:
        """The service's folder; raise when the launcher has not given it one."""
        if self.directory is None:
            raise RuntimeError(f"{self.name}: no directory (add it to a Launcher first)")
        return self.directory

    def alive(self) -> bool:
        """True when every recorded process still runs (and there is at least one)."""
        return bool(self.processes) and all(proc.alive() for proc in self.processes)

    def _all_gone(self) -> bool:
        for pid, child in list(self._children.items()):
            if child.poll() is not None:  # reap our own children, or they stay zombies
                del self._children[pid]
        return not any(proc.alive() for proc in self.processes)

    def pick_ports(self) -> None:
        """Choose a free port when none was given; refuse a given port that is taken."""
        if self.port == 0:
            self.port = free_port(self.port_offsets)
        elif not port_is_free(self.port):
            raise StartError(
                f"{self.name}: port {self.port} on 127.0.0.1 is in use by something this "
                "launcher did not start; choose another port, or leave it out to get a "
                "free one"
            )

    def spawn(self, argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
        """Start ``argv`` in a session of its own, output appended to ``log_file()``.

        A session of its own: a Ctrl-C in the terminal does not reach the service (the
        launcher stops it in order), and stopping its group takes its workers too.
        """
        log = self.log_file()
        with open(log if log else os.devnull, "ab") as output:
            # A marker, so that the tail shown after a failure starts at this attempt.
            output.write(f"{MARKER} {self.name} starting: {shlex.join(argv)}\n".encode())
            output.flush()
            child = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._children[child.pid] = child
        self.processes.append(Proc.of(child.pid))

    def start(self, timeout: float | None = None) -> None:
        """Start the service and return once it answers; raise StartError otherwise."""
        if self.alive():
            return
        self.processes = []
        self.pick_ports()
        self.folder.mkdir(parents=True, exist_ok=True)
        limit = self.start_timeout if timeout is None else timeout
        try:
            self.launch()
        except StartError:
            raise
        except (OSError, subprocess.SubprocessError, RuntimeError) as error:
            self._fail(f"could not be launched ({error})")
        if not wait_until(lambda: self.ready() or not self.alive(), limit):
            self._fail(f"did not answer on 127.0.0.1:{self.port} within {limit:.0f} s")
        if not self.alive():
            self._fail("exited during start-up")
        self._changed()

    def _fail(self, why: str) -> NoReturn:
        self.halt()
        log = self.log_file()
        raise StartError(f"{self.name} ({self.kind}) {why}. Last lines of {log}:\n{log_tail(log)}")

    def stop(self) -> None:
        """Stop the service (only the processes it recorded) and forget them."""
        if self.processes:
            self.halt()
        self.processes = []
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self)

    # --- the state file ----------------------------------------------------------------

    def record(self) -> dict[str, Any]:
        """Return the JSON-ready description the launcher keeps in its state file."""
        saved: dict[str, Any] = {"kind": self.kind}
        for spec in dataclasses.fields(self):
            if spec.metadata.get("state", True) is False:
                continue
            value = getattr(self, spec.name)
            if spec.name == "processes":
                value = [dataclasses.asdict(proc) for proc in value]
            elif isinstance(value, Path):
                value = str(value)
            saved[spec.name] = value
        return saved

    @classmethod
    def from_record(cls: type[S], saved: dict[str, Any]) -> S:
        """Rebuild a definition from ``record()`` output (to stop it from another process)."""
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            if spec.name not in saved or spec.metadata.get("state", True) is False:
                continue
            value = saved[spec.name]
            if spec.name == "processes":
                value = [Proc(**proc) for proc in value]
            elif value is not None and "Path" in str(spec.type):
                value = Path(value)
            values[spec.name] = value
        return cls(**values)
