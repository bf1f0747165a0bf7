"""The production shape on one machine, started and stopped from Python.

PostgreSQL (a private cluster), Redis, the app server (granian or gunicorn) and nginx with
the shipped configuration, each on a port of 127.0.0.1. The benchmarks and
``tests/production`` use it; ``scripts/prod.sh`` does the same in shell for a person.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
VENV_BIN = Path(PYTHON).parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    """Return once 127.0.0.1:port accepts connections; raise TimeoutError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    return versions[-1]


def _as_postgres(command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as the postgres user when we are root (PostgreSQL refuses root)."""
    argv = (
        ["su", "postgres", "-s", "/bin/sh", "-c", command]
        if os.geteuid() == 0
        else [
            "/bin/sh",
            "-c",
            command,
        ]
    )
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)


@dataclass
class Postgres:
    """A private PostgreSQL cluster in ``directory`` listening on 127.0.0.1:``port``."""

    directory: Path
    port: int

    @property
    def data(self) -> Path:
        """The cluster's data folder."""
        return self.directory / "pg"

    def url(self, database: str = "masthead") -> str:
        """Return the ``DATABASE_URL`` of ``database`` on this cluster."""
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Create the cluster if needed and start it; raise RuntimeError when it fails."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
            self.directory.chmod(0o755)
        if not (self.data / "PG_VERSION").exists():
            done = _as_postgres(f"{_pg_bin()}/initdb -D '{self.data}' -U postgres --auth=trust")
            if done.returncode:
                raise RuntimeError(f"initdb failed: {done.stderr}")
        if _as_postgres(f"{_pg_bin()}/pg_ctl -D '{self.data}' status").returncode == 0:
            return  # left running by an interrupted run: reuse it
        options = (
            f"-p {self.port} -k '{self.data}' -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        done = _as_postgres(
            f"{_pg_bin()}/pg_ctl -D '{self.data}' -w -t 30 -l '{self.data}/log' "
            f'-o "{options}" start'
        )
        if done.returncode:
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster (``fast`` disconnects everyone; ``immediate`` is a crash)."""
        _as_postgres(f"{_pg_bin()}/pg_ctl -D '{self.data}' -m {mode} -w stop")

    def drop_database(self, name: str) -> None:
        """Drop ``name`` if it exists, disconnecting its sessions."""
        if not name.isidentifier():
            raise ValueError(f"not a database name: {name!r}")
        psql = f"{_pg_bin()}/psql -h 127.0.0.1 -p {self.port} -U postgres -d postgres -qc"
        done = _as_postgres(f"{psql} 'DROP DATABASE IF EXISTS {name} WITH (FORCE)'")
        if done.returncode:
            raise RuntimeError(f"dropdb failed: {done.stderr}")

    def create_database(self, name: str = "masthead") -> None:
        """Create ``name`` unless it exists; raise ValueError for a name that is not a word."""
        if not name.isidentifier():
            raise ValueError(f"not a database name: {name!r}")
        psql = f"{_pg_bin()}/psql -h 127.0.0.1 -p {self.port} -U postgres -d postgres -tAc"
        exists = _as_postgres(f"{psql} \"SELECT 1 FROM pg_database WHERE datname='{name}'\"")  # noqa: S608
        if exists.stdout.strip() != "1":
            done = _as_postgres(f"{psql} 'CREATE DATABASE {name}'")
            if done.returncode:
                raise RuntimeError(f"createdb failed: {done.stderr}")


@dataclass
class Redis:
    """A Redis server without persistence on 127.0.0.1:``port``."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The ``REDIS_URL`` of this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server in the foreground of a child process; return once it listens."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        """Stop the server and wait for it to exit."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@dataclass
class AppServer:
    """The Masthead WSGI app under ``kind`` (granian or gunicorn) with ``workers`` processes."""

    port: int
    env: dict[str, str]
    kind: str = "granian"
    workers: int = 2
    threads: int = 1
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    extra: list[str] = field(default_factory=list)

    def command(self) -> list[str]:
        """Return the command line that starts the server."""
        if self.kind == "gunicorn":
            return [
                str(VENV_BIN / "gunicorn"),
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                *self.extra,
                "masthead.wsgi:application",
            ]
        return [
            str(VENV_BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--blocking-threads",
            str(self.threads),
            "--backlog",
            "2048",
            "--no-ws",
            *self.extra,
            "masthead.wsgi:application",
        ]

    def start(self, timeout: float = 30.0) -> None:
        """Start the server; return once it answers HTTP, raise RuntimeError if it dies."""
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/robots.txt", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"{self.kind} did not answer on port {self.port}")

    def worker_pids(self) -> list[int]:
        """Return the process ids of the workers (children of the server process)."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        """Stop the server and its workers."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None


@dataclass
class Nginx:
    """nginx with deploy/nginx.conf rendered for this machine, in ``run_dir``."""

    run_dir: Path
    port: int
    upstream: str
    static_root: Path
    media_root: Path
    workers: str = "auto"
    access_log: str = ""
    process: subprocess.Popen[bytes] | None = None

    def render(self) -> Path:
        """Write the configuration into the run folder and return its path."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        arguments = [
            "--listen",
            f"127.0.0.1:{self.port}",
            "--upstream",
            self.upstream,
            "--run-dir",
            str(self.run_dir),
            "--static-root",
            str(self.static_root),
            "--media-root",
            str(self.media_root),
            "--workers",
            self.workers,
        ]
        if self.access_log:
            arguments += ["--access-log", self.access_log]
        rendered = subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "render_nginx.py"), *arguments],
            capture_output=True,
            text=True,
            check=True,
        )
        config = self.run_dir / "nginx.conf"
        config.write_text(rendered.stdout)
        return config

    def start(self) -> None:
        """Render, check and start nginx in the foreground of a child process."""
        config = self.render()
        argv = ["nginx", "-p", str(self.run_dir), "-c", str(config)]
        subprocess.run([*argv, "-t", "-q"], check=True, capture_output=True)
        self.process = subprocess.Popen([*argv, "-g", "daemon off;"])
        wait_for_port(self.port)

    def stop(self) -> None:
        """Stop nginx (fast shutdown) and wait for it."""
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
            self.process = None


def app_env(**settings: str) -> dict[str, str]:
    """Return a clean environment for the app: ``PATH`` plus ``settings``."""
    env = {
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
    }
    env.update(settings)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``manage.py ARGS`` under ``env``; return its output, raise on failure."""
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout
