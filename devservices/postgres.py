"""A private PostgreSQL cluster owned by the postgres user, on 127.0.0.1.

PostgreSQL refuses to run as root, so as root every PostgreSQL command runs as the
postgres user, and the cluster's folder must be one that user can reach: a checkout inside
a private (0700) folder cannot hold it, which is why the test services live under /tmp.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from devservices.base import (
    Proc,
    Service,
    StartError,
    accepts_connections,
    log_tail,
    wait_until,
)
from devservices.registry import register

# Throwaway clusters trade crash safety for speed; `durable` keeps PostgreSQL's defaults.
_FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def pg_bin() -> Path:
    """The newest installed PostgreSQL's bin folder; raise StartError when there is none."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if not versions:
        raise StartError("PostgreSQL is not installed (apt-get install postgresql)")
    return versions[-1]


def as_postgres(argv: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` as the postgres user when we are root, else as ourselves.

    Output is captured here, outside ``su``: a redirect inside the command would have to
    be writable by the postgres user and fails silently when it is not.
    """
    if os.geteuid() == 0:
        argv = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]
    return subprocess.run(
        argv, capture_output=True, text=True, check=False, timeout=timeout, cwd="/"
    )


def _postmaster(data: Path) -> tuple[int, int] | None:
    """The (pid, port) of the server running on ``data``, from its postmaster.pid."""
    try:
        lines = (data / "postmaster.pid").read_text().splitlines()
        return int(lines[0]), int(lines[3])
    except (OSError, IndexError, ValueError):
        return None


@register
@dataclass
class Postgres(Service):
    """A PostgreSQL cluster in ``data_dir`` (default: the service folder's ``pg``)."""

    kind = "postgres"
    start_timeout = 60.0

    data_dir: Path | None = None
    database: str = "masthead"  # created when missing, named in PG_URL
    durable: bool = False
    max_connections: int = 200
    stop_mode: str = "fast"  # fast disconnects clients; immediate is a crash (tests)
    settings: list[str] = field(default_factory=list)  # more "-c name=value" settings

    @property
    def data(self) -> Path:
        """The cluster's data folder."""
        return self.data_dir if self.data_dir is not None else self.folder / "pg"

    def url(self, database: str | None = None) -> str:
        """Return the ``DATABASE_URL`` of ``database`` (default: ``self.database``)."""
        return f"postgres://postgres@127.0.0.1:{self.port}/{database or self.database}"

    def env(self) -> dict[str, str]:
        """PG_URL and PG_PORT."""
        return {"PG_URL": self.url(), "PG_PORT": str(self.port)}

    def log_file(self) -> Path | None:
        """PostgreSQL's server log, inside the data folder (the postgres user writes it)."""
        return self.data / "postgresql.log"

    def start(self, timeout: float | None = None) -> None:
        """Start the cluster, reusing one an interrupted run left running in its folder."""
        running = _postmaster(self.data)
        if running and not self.alive():
            pid, port = running
            if accepts_connections(port) and self.port in (0, port):
                # Our own folder, so our own cluster: take it over instead of failing.
                self.port = port
                self.processes = [Proc.of(pid, group=False)]
                self.create_database(self.database)
                self._changed()
                return
            self.processes = [Proc.of(pid, group=False)] if Path(f"/proc/{pid}").exists() else []
            self.halt()
        super().start(timeout)

    def _prepare(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self.data.parent.chmod(0o755)
            shutil.chown(self.data, "postgres")
            self.data.chmod(0o700)
            if as_postgres(["test", "-w", str(self.data)]).returncode:
                raise StartError(
                    f"{self.name}: the postgres user cannot reach {self.data} (is it inside a "
                    "private folder?); give the cluster a data_dir it can reach, e.g. under /tmp"
                )
        if not (self.data / "PG_VERSION").exists():
            initdb = [str(pg_bin() / "initdb"), "-D", str(self.data), "-U", "postgres"]
            done = as_postgres([*initdb, "--auth=trust"])
            if done.returncode:
                raise StartError(f"{self.name}: initdb failed:\n{done.stdout}{done.stderr}")

    def launch(self) -> None:
        """Create the cluster when needed, start it and wait for it (pg_ctl -w)."""
        self._prepare()
        settings = [
            "listen_addresses=127.0.0.1",
            f"max_connections={self.max_connections}",
            *([] if self.durable else _FAST),
            *self.settings,
        ]
        options = f"-p {self.port} -k {shlex.quote(str(self.data))} " + " ".join(
            f"-c {shlex.quote(setting)}" for setting in settings
        )
        log = self.log_file()
        done = as_postgres(
            [
                str(pg_bin() / "pg_ctl"),
                "-D",
                str(self.data),
                "-w",
                "-t",
                str(int(self.start_timeout)),
                "-l",
                str(log),
                "-o",
                options,
                "start",
            ]
        )
        running = _postmaster(self.data)
        if done.returncode or running is None:
            raise StartError(
                f"{self.name} (postgres) did not start: {done.stdout}{done.stderr}\n"
                f"Last lines of {log}:\n{log_tail(log)}"
            )
        self.processes.append(Proc.of(running[0], group=False))
        self.create_database(self.database)

    def halt(self) -> None:
        """Stop the cluster with pg_ctl (``stop_mode``); signal the postmaster if that fails."""
        done = as_postgres(
            [str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", self.stop_mode, "-w", "stop"]
        )
        if done.returncode and any(proc.alive() for proc in self.processes):
            quick = signal.SIGQUIT if self.stop_mode == "immediate" else signal.SIGINT
            for proc in self.processes:
                proc.signal(quick)
        wait_until(lambda: not any(proc.alive() for proc in self.processes), self.stop_timeout)

    def stop(self, mode: str | None = None) -> None:
        """Stop the cluster; ``mode`` overrides ``stop_mode`` for this once."""
        saved = self.stop_mode
        self.stop_mode = mode or saved
        try:
            super().stop()
        finally:
            self.stop_mode = saved

    def _psql(self, sql: str) -> subprocess.CompletedProcess[str]:
        psql = str(pg_bin() / "psql")
        target = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres"]
        return as_postgres([psql, *target, "-tAqc", sql])

    def create_database(self, name: str = "masthead") -> None:
        """Create ``name`` unless it exists; raise ValueError for a name that is not a word."""
        if not name.isidentifier():
            raise ValueError(f"not a database name: {name!r}")
        exists = self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")  # noqa: S608
        if exists.stdout.strip() != "1":
            done = self._psql(f"CREATE DATABASE {name}")
            if done.returncode:
                raise RuntimeError(f"createdb {name} failed: {done.stderr}")

    def drop_database(self, name: str) -> None:
        """Drop ``name`` if it exists, disconnecting its sessions."""
        if not name.isidentifier():
            raise ValueError(f"not a database name: {name!r}")
        done = self._psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if done.returncode:
            raise RuntimeError(f"dropdb {name} failed: {done.stderr}")


# The role a replica streams as; created on the primary when missing.
REPLICATION_ROLE = "replicator"


@register
@dataclass
class PostgresReplica(Postgres):
    """A hot standby of a running ``postgres`` service, streaming from it on 127.0.0.1.

    Its data folder is a fresh ``pg_basebackup -R`` of the primary at every start (a
    throwaway copy for tests: seconds for a test-sized cluster, and never a stale copy of
    an older primary). The primary is the service named ``primary`` in the same run
    folder, or the server on ``primary_port`` when given. Starting prepares the primary
    (a replication role, an hba line for 127.0.0.1, a check of ``wal_level``) and returns
    once the replica is in recovery and its WAL receiver is streaming.
    """

    kind = "postgres-replica"

    primary: str = "postgres"  # the primary's service name in this run folder
    primary_port: int = 0  # or its port, for a primary the launcher did not start

    def start(self, timeout: float | None = None) -> None:
        """Start a fresh copy; a copy an interrupted run left running is stopped first.

        Unlike a primary's cluster, such a copy is not taken over: its primary may have
        been restarted since, on another port, and it would wait for it forever.
        """
        if not self.alive() and _postmaster(self.data) is not None:
            self.halt()
        super().start(timeout)

    def env(self) -> dict[str, str]:
        """PG_REPLICA_URL and PG_REPLICA_PORT (MASTHEAD_TEST_PG_REPLICA_URL with --print-env)."""
        return {"PG_REPLICA_URL": self.url(), "PG_REPLICA_PORT": str(self.port)}

    def _primary(self) -> Postgres:
        if self.primary_port:
            return Postgres(name="primary", port=self.primary_port, directory=self.folder)
        # Imported here: the launcher module imports the registry this module fills.
        from devservices.launcher import Launcher

        found = Launcher(self.folder.parent).recorded().get(self.primary)
        if not isinstance(found, Postgres) or isinstance(found, PostgresReplica):
            raise StartError(
                f"{self.name}: no running postgres service named {self.primary!r} in "
                f"{self.folder.parent} (start it first, or give primary_port=N)"
            )
        if not found.alive() and not accepts_connections(found.port):
            raise StartError(f"{self.name}: the primary {self.primary!r} is not running")
        return found

    def _ready_primary(self, primary: Postgres) -> None:
        """Give the primary what streaming replication needs, or say what is missing."""
        level = primary._psql("SHOW wal_level").stdout.strip()
        if level not in {"replica", "logical"}:
            raise StartError(
                f"{self.name}: the primary runs with wal_level={level or '?'}; a replica "
                "needs wal_level=replica (restart it with settings=wal_level=replica)"
            )
        role = primary._psql(
            f"SELECT 1 FROM pg_roles WHERE rolname = '{REPLICATION_ROLE}'"  # noqa: S608
        )
        if role.stdout.strip() != "1":
            done = primary._psql(f"CREATE ROLE {REPLICATION_ROLE} WITH REPLICATION LOGIN")
            if done.returncode:
                raise StartError(f"{self.name}: cannot create the replication role: {done.stderr}")
        rule = primary._psql(
            "SELECT 1 FROM pg_hba_file_rules WHERE 'replication' = ANY(database) "
            "AND address = '127.0.0.1' AND error IS NULL LIMIT 1"
        )
        if rule.stdout.strip() != "1":
            hba = primary._psql("SHOW hba_file").stdout.strip()
            if not hba:
                raise StartError(f"{self.name}: cannot find the primary's pg_hba.conf")
            line = f"host replication {REPLICATION_ROLE} 127.0.0.1/32 trust\n"
            with open(hba, "a", encoding="utf-8") as rules:
                rules.write(line)
            primary._psql("SELECT pg_reload_conf()")

    def _prepare(self) -> None:
        primary = self._primary()
        self._ready_primary(primary)
        if self.data.exists():
            shutil.rmtree(self.data)  # a fresh copy every start (see the class docstring)
        self.data.mkdir(parents=True)
        if os.geteuid() == 0:
            self.data.parent.chmod(0o755)
            shutil.chown(self.data, "postgres")
        self.data.chmod(0o700)
        backup = [
            str(pg_bin() / "pg_basebackup"),
            *("-D", str(self.data), "-h", "127.0.0.1", "-p", str(primary.port)),
            *("-U", REPLICATION_ROLE, "-R", "-X", "stream", "-c", "fast"),
        ]
        done = as_postgres(backup, timeout=self.start_timeout)
        if done.returncode:
            raise StartError(f"{self.name}: pg_basebackup failed:\n{done.stdout}{done.stderr}")
        # The copy carries the primary's log; start this server's own.
        (self.data / "postgresql.log").unlink(missing_ok=True)

    def create_database(self, name: str = "masthead") -> None:
        """Nothing to create: a standby is read-only and has the primary's databases."""

    def ready(self) -> bool:
        """True once the server is a standby in recovery whose WAL receiver streams."""
        if not accepts_connections(self.port):
            return False
        state = self._psql(
            "SELECT pg_is_in_recovery()::text || ' ' || "
            "coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')"
        )
        return state.stdout.strip() == "true streaming"
