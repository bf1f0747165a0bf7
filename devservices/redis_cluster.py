"""A Redis Cluster on loopback: primaries and their replicas, each a redis-server we own.

Every node gets a free port whose cluster bus port (port + 10000) is free too, keeps its
files (``nodes.conf``, logs) in its own folder under the service folder, and announces
127.0.0.1. ``redis-cli --cluster create`` joins them; the service is ready once every node
says ``cluster_state:ok`` and every replica has finished its first sync, so a test may
kill a primary at once and expect its replica to take over. A short node timeout makes
that failover take about a second or two.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from devservices.base import Proc, Service, StartError, wait_until
from devservices.ports import free_port, port_is_free
from devservices.redis import CLUSTER_BUS_OFFSET, ping
from devservices.registry import register


def _bulk_reply(port: int, *words: str, host: str = "127.0.0.1") -> str:
    """Send one inline command to ``host:port`` and return its bulk-string reply ("" on error).

    The launcher stays free of client libraries: this is all the protocol readiness needs.
    """
    try:
        with socket.create_connection((host, port), timeout=0.5) as connection:
            connection.sendall((" ".join(words) + "\r\n").encode())
            data = b""
            while b"\r\n" not in data:
                chunk = connection.recv(4096)
                if not chunk:
                    return ""
                data += chunk
            header, _, rest = data.partition(b"\r\n")
            if not header.startswith(b"$"):
                return ""
            length = int(header[1:])
            while len(rest) < length:
                chunk = connection.recv(65536)
                if not chunk:
                    return ""
                rest += chunk
            return rest[:length].decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""


def _fields(text: str) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


@register
@dataclass
class RedisCluster(Service):
    """``primaries`` Redis primaries with ``replicas`` replicas each, in cluster mode.

    ``port`` is the first node's; ``ports`` lists every node's (chosen when empty). Its
    variable is ``REDIS_CLUSTER_NODES``: the nodes as comma-separated ``host:port``.
    """

    kind = "redis-cluster"
    port_offsets = (CLUSTER_BUS_OFFSET,)
    start_timeout = 60.0

    primaries: int = 3
    replicas: int = 1
    # How long a primary may stay silent before the others mark it failed; the replica's
    # election follows within about another second.
    node_timeout_ms: int = 1000
    ports: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many nodes the cluster has."""
        return self.primaries * (1 + self.replicas)

    def nodes(self) -> list[str]:
        """Every node as ``127.0.0.1:port``."""
        return [f"127.0.0.1:{port}" for port in self.ports]

    def env(self) -> dict[str, str]:
        """REDIS_CLUSTER_NODES."""
        return {"REDIS_CLUSTER_NODES": ",".join(self.nodes())}

    def log_file(self) -> Path | None:
        """The log of the first node (the others sit beside it, one per node folder)."""
        return self.folder / "cluster.log"

    def node_folder(self, port: int) -> Path:
        """The folder of the node on ``port`` (its nodes.conf and log)."""
        return self.folder / "nodes" / str(port)

    def process_of(self, port: int) -> Proc:
        """The recorded process of the node on ``port`` (to stop one node in a failover test)."""
        return self.processes[self.ports.index(port)]

    def pick_ports(self) -> None:
        """Choose free ports (each with its bus port free) for the nodes not given one."""
        if self.primaries < 3:
            raise StartError(f"{self.name}: Redis Cluster needs at least 3 primaries")
        self.ports = [int(port) for port in self.ports]
        if self.port and not self.ports:
            self.ports = [self.port]
        for port in self.ports:
            if not (port_is_free(port) and port_is_free(port + CLUSTER_BUS_OFFSET)):
                raise StartError(
                    f"{self.name}: port {port} (or its bus port) on 127.0.0.1 is in use by "
                    "something this launcher did not start; leave ports out to get free ones"
                )
        while len(self.ports) < self.size:
            port = free_port(self.port_offsets)
            if port not in self.ports:
                self.ports.append(port)
        self.port = self.ports[0]

    def launch(self) -> None:
        """Start every node, join them with ``redis-cli --cluster create``."""
        # A node remembers its cluster in nodes.conf: an earlier run's files would make the
        # new nodes believe in peers on ports that are someone else's now.
        shutil.rmtree(self.folder / "nodes", ignore_errors=True)
        for port in self.ports:
            folder = self.node_folder(port)
            folder.mkdir(parents=True)
            self.spawn(self._node_argv(port, folder))
        # Failures below stop the nodes already started (``_fail``) before raising.
        if not wait_until(lambda: all(ping(port) for port in self.ports) or not self.alive(), 15):
            self._fail("did not answer PING on every node within 15 s")
        if not self.alive():
            self._fail("lost a node during start-up")
        create = subprocess.run(
            [
                "redis-cli",
                "--cluster",
                "create",
                *self.nodes(),
                "--cluster-replicas",
                str(self.replicas),
                "--cluster-yes",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        log = self.log_file()
        if log is not None:
            with log.open("a") as output:
                output.write(create.stdout + create.stderr)
        if create.returncode:
            self._fail("could not be joined by redis-cli --cluster create")

    def _node_argv(self, port: int, folder: Path) -> list[str]:
        return [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--logfile",
            str(folder / "redis.log"),
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            str(folder / "nodes.conf"),
            "--cluster-node-timeout",
            str(self.node_timeout_ms),
            "--cluster-announce-ip",
            "127.0.0.1",
            # A replica takes over however long ago it last heard its primary (a test
            # kills one soon after start), and the slots of the other primaries keep
            # answering while one primary's slots wait for their replica.
            "--cluster-replica-validity-factor",
            "0",
            "--cluster-require-full-coverage",
            "no",
            # The first sync starts at once instead of after the default 5 s pause.
            "--repl-diskless-sync-delay",
            "0",
        ]

    def ready(self) -> bool:
        """True once every node says the cluster is ok and every replica is in sync."""
        for port in self.ports:
            if _fields(_bulk_reply(port, "CLUSTER", "INFO")).get("cluster_state") != "ok":
                return False
            # Every node must know every replica as one (gossip spreads it): the primaries
            # vote in a failover only for a replica they know.
            flags = [line.split()[2] for line in _bulk_reply(port, "CLUSTER", "NODES").splitlines()]
            if sum("slave" in flag for flag in flags) != self.primaries * self.replicas:
                return False
            replication = _fields(_bulk_reply(port, "INFO", "replication"))
            role = replication.get("role")
            if role == "slave" and replication.get("master_link_status") != "up":
                return False
            if role == "master" and int(replication.get("connected_slaves", "0")) < self.replicas:
                return False
            if role is None:
                return False
        return True
