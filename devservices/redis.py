"""Redis without persistence, in the foreground of a process the launcher owns."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from devservices.base import Service
from devservices.registry import register

# A Redis Cluster node also listens on port + 10000 (the cluster bus): free ports for
# Redis are picked with that one free as well, so a cluster can later use the same scheme.
CLUSTER_BUS_OFFSET = 10000


def ping(port: int, host: str = "127.0.0.1") -> bool:
    """True when the Redis server at ``host:port`` answers PING with PONG."""
    try:
        with socket.create_connection((host, port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@register
@dataclass
class Redis(Service):
    """A Redis server on 127.0.0.1 that keeps nothing on disk (``--save ''``)."""

    kind = "redis"
    port_offsets = (CLUSTER_BUS_OFFSET,)
    start_timeout = 15.0

    database: int = 0
    extra: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The ``REDIS_URL`` of this server."""
        return f"redis://127.0.0.1:{self.port}/{self.database}"

    def launch(self) -> None:
        """Run redis-server in the foreground; its log is its standard output."""
        self.spawn(
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
                str(self.folder),
                *self.extra,
            ]
        )

    def ready(self) -> bool:
        """True once the server answers PING."""
        return ping(self.port)

    def env(self) -> dict[str, str]:
        """REDIS_URL and REDIS_PORT."""
        return {"REDIS_URL": self.url, "REDIS_PORT": str(self.port)}
