"""The service launcher: free ports, its state file, stopping only what it started, errors."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from devservices import (
    Launcher,
    Postgres,
    PostgresReplica,
    Proc,
    Redis,
    Service,
    StartError,
    free_port,
    port_is_free,
)
from devservices.__main__ import main, parse_spec
from devservices.base import wait_until
from devservices.redis import ping
from devservices.registry import register

needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


@register
@dataclass
class Sleeper(Service):
    """A stand-in service: a Python process that may print and exit, or serve TCP."""

    kind = "test-sleeper"
    start_timeout = 5.0

    code: str = "import time; time.sleep(60)"

    def launch(self) -> None:
        self.spawn([sys.executable, "-c", self.code.replace("PORT", str(self.port))])


_SERVE = (
    "import socket, time; s = socket.socket(); "
    "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
    "s.bind(('127.0.0.1', PORT)); s.listen(); time.sleep(60)"
)


@pytest.fixture
def foreign_redis() -> Iterator[int]:
    """A Redis server started by hand, not through the launcher."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: ping(port), 10), "the hand-started Redis answers"
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_picked_port_leaves_its_companion_ports_free() -> None:
    for _ in range(20):
        port = free_port((10000,))
        assert port + 10000 <= 65535
        assert port_is_free(port) and port_is_free(port + 10000)


def test_a_port_with_a_listener_is_not_free() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert not port_is_free(listener.getsockname()[1])


def test_it_refuses_a_given_port_that_something_else_holds(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        taken = listener.getsockname()[1]
        with Launcher(tmp_path) as launcher, pytest.raises(StartError, match=str(taken)):
            launcher.start(Sleeper(port=taken, code=_SERVE))
        assert launcher.status() == []


def test_a_failing_start_reports_the_tail_of_the_services_log(tmp_path: Path) -> None:
    failing = Sleeper(code="print('cannot open the frobnicator', flush=True); raise SystemExit(3)")
    old_log = tmp_path / "test-sleeper" / "test-sleeper.log"
    old_log.parent.mkdir()
    old_log.write_text("--- devservices: an older start\nan older run's complaint\n")
    with Launcher(tmp_path) as launcher, pytest.raises(StartError) as failure:
        launcher.start(failing)
    message = str(failure.value)
    assert "test-sleeper" in message and "exited during start-up" in message
    assert "cannot open the frobnicator" in message
    assert "older run" not in message, "only this attempt's lines"
    assert launcher.status() == []


def test_a_start_that_never_answers_times_out_and_is_stopped(tmp_path: Path) -> None:
    silent = Sleeper(code="print('still thinking', flush=True); import time; time.sleep(60)")
    with Launcher(tmp_path) as launcher, pytest.raises(StartError, match="still thinking"):
        launcher.start(silent, timeout=0.5)
    assert silent.processes == [] or not any(proc.alive() for proc in silent.processes)


@needs_redis
def test_it_stops_only_what_it_started(tmp_path: Path, foreign_redis: int) -> None:
    launcher = Launcher(tmp_path)
    ours = launcher.start(Redis())
    assert ours.port != foreign_redis and ping(ours.port)
    # Another process (the command line) stops everything the state file records.
    assert main(["--run-dir", str(tmp_path), "stop"], {}) == 0
    assert not ping(ours.port)
    assert ping(foreign_redis), "the Redis started by hand still runs"


@needs_redis
def test_a_port_held_by_a_foreign_redis_is_refused(tmp_path: Path, foreign_redis: int) -> None:
    with Launcher(tmp_path) as launcher, pytest.raises(StartError, match="in use"):
        launcher.start(Redis(port=foreign_redis))
    assert ping(foreign_redis)


@needs_redis
def test_the_command_line_prints_exports_and_honours_the_port_variable(tmp_path: Path) -> None:
    port = free_port()
    printed = io.StringIO()
    with redirect_stdout(printed):
        status = main(
            ["--run-dir", str(tmp_path), "start", "redis", "--print-env"],
            {"MASTHEAD_TEST_REDIS_PORT": str(port)},
        )
    try:
        assert status == 0
        assert printed.getvalue().splitlines() == [
            f"export MASTHEAD_TEST_REDIS_URL=redis://127.0.0.1:{port}/0",
            f"export MASTHEAD_TEST_REDIS_PORT={port}",
        ]
        # Starting again reuses the running server instead of failing on its port.
        assert main(["--run-dir", str(tmp_path), "start", "redis"], {}) == 0
        assert [row.port for row in Launcher(tmp_path).status()] == [port]
    finally:
        Launcher(tmp_path).stop()
    assert not ping(port)


def test_it_never_signals_a_process_whose_start_time_differs(tmp_path: Path) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        # A state file from a run long gone, whose pid now belongs to someone else.
        stale = Sleeper(name="stale", processes=[Proc(bystander.pid, ticks=1, group=False)])
        launcher = Launcher(tmp_path)
        launcher.add(stale)._changed()
        assert [row.running for row in launcher.status()] == [False]
        assert launcher.stop() == ["stale"]
        assert bystander.poll() is None, "the bystander still runs"
    finally:
        bystander.kill()
        bystander.wait()


def test_leaving_the_block_stops_what_it_started(tmp_path: Path) -> None:
    with Launcher(tmp_path) as launcher:
        service = launcher.start(Sleeper(code=_SERVE))
        assert service.alive() and not port_is_free(service.port)
    assert not service.processes
    assert Launcher(tmp_path).status() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the cluster to postgres")
def test_it_explains_a_cluster_folder_the_postgres_user_cannot_reach(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    launcher = Launcher(tmp_path / "run")
    with pytest.raises(StartError, match="postgres user cannot reach"):
        launcher.start(Postgres(data_dir=private / "inner" / "pg"))
    assert launcher.status() == []


def test_a_spec_on_the_command_line_sets_typed_fields() -> None:
    service = parse_spec("nginx:port=8080,upstream=127.0.0.1:8081,static_root=/srv/static")
    assert (service.kind, service.port) == ("nginx", 8080)
    assert service.upstream == "127.0.0.1:8081"  # type: ignore[attr-defined]
    assert service.static_root == Path("/srv/static")  # type: ignore[attr-defined]
    postgres = parse_spec("postgres:name=replica,durable=true,settings=work_mem=8MB fsync=on")
    assert postgres.name == "replica" and postgres.durable  # type: ignore[attr-defined]
    assert postgres.settings == ["work_mem=8MB", "fsync=on"]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="no setting 'colour'"):
        parse_spec("redis:colour=red")
    with pytest.raises(ValueError, match="no service kind"):
        parse_spec("mongodb")


def test_it_still_stops_a_recorded_service_of_a_kind_it_no_longer_knows(tmp_path: Path) -> None:
    launcher = Launcher(tmp_path)
    service = launcher.start(Sleeper(name="old", code=_SERVE))
    state = tmp_path / "state.json"
    state.write_text(state.read_text().replace('"test-sleeper"', '"retired-kind"'))
    other = Launcher(tmp_path)
    assert [(row.name, row.kind, row.running) for row in other.status()] == [("old", "?", True)]
    assert other.stop() == ["old"]
    assert not any(proc.alive() for proc in service.processes)


def test_a_replica_without_its_primary_says_so(tmp_path: Path) -> None:
    with Launcher(tmp_path / "run") as launcher, pytest.raises(StartError, match="no running"):
        launcher.start(PostgresReplica())


@pytest.mark.skipif(not Path("/usr/lib/postgresql").exists(), reason="PostgreSQL is missing")
def test_a_replica_streams_what_its_primary_writes() -> None:
    # Under /tmp and open to the postgres user (pytest's tmp_path may be private).
    run_dir = Path(tempfile.mkdtemp(prefix="masthead-replica-test-", dir="/tmp"))
    run_dir.chmod(0o755)
    try:
        with Launcher(run_dir) as launcher:
            primary = launcher.start(Postgres())
            replica = launcher.start(PostgresReplica())
            assert replica.port != primary.port
            assert replica.env()["PG_REPLICA_URL"].endswith(f":{replica.port}/masthead")
            assert primary._psql("CREATE TABLE seen (n int); INSERT INTO seen VALUES (7)")
            assert wait_until(
                lambda: replica._psql("SELECT n FROM seen").stdout.strip() == "7", 20
            )
            refused = replica._psql("INSERT INTO seen VALUES (8)")
            assert "read-only" in refused.stderr
        assert not replica.alive() and not primary.alive()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
