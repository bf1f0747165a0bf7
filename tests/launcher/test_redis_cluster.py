"""The launcher's Redis Cluster: six nodes joined, every slot served, stopped as one service."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from devservices import Launcher, RedisCluster
from devservices.__main__ import main, parse_spec
from devservices.redis import ping
from devservices.redis_cluster import _bulk_reply, _fields

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def test_the_command_line_starts_a_cluster_and_prints_its_nodes(tmp_path: Path) -> None:
    output = io.StringIO()
    with redirect_stdout(output):
        assert main(["--run-dir", str(tmp_path), "start", "redis-cluster", "--print-env"], {}) == 0
    launcher = Launcher(tmp_path)
    try:
        line = output.getvalue().strip()
        assert line.startswith("export MASTHEAD_TEST_REDIS_CLUSTER_NODES=127.0.0.1:")
        nodes = line.split("=", 1)[1].split(",")
        ports = [int(node.rsplit(":", 1)[1]) for node in nodes]
        assert len(set(ports)) == 6
        info = _fields(_bulk_reply(ports[0], "CLUSTER", "INFO"))
        assert info["cluster_state"] == "ok"
        assert (info["cluster_size"], info["cluster_slots_assigned"]) == ("3", "16384")
        roles = [_fields(_bulk_reply(port, "INFO", "replication"))["role"] for port in ports]
        assert sorted(roles) == ["master"] * 3 + ["slave"] * 3
        # Its files stay in its own folder.
        assert all(
            (tmp_path / "redis-cluster" / "nodes" / str(p) / "nodes.conf").exists() for p in ports
        )
    finally:
        assert launcher.stop() == ["redis-cluster"]
    assert not any(ping(port) for port in ports)


def test_a_cluster_needs_three_primaries(tmp_path: Path) -> None:
    from devservices import StartError

    cluster = parse_spec("redis-cluster:primaries=2")
    assert isinstance(cluster, RedisCluster)
    with pytest.raises(StartError, match="at least 3 primaries"):
        Launcher(tmp_path).start(cluster)
