"""Finding TCP ports on 127.0.0.1 that nothing listens on."""

from __future__ import annotations

import socket
from collections.abc import Iterable

HIGHEST_PORT = 65535


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Return True when a server could listen on ``host:port`` right now.

    SO_REUSEADDR as the servers set it: a port whose old connections linger in TIME_WAIT
    (a server just stopped) counts as free, one with a listener does not.
    """
    if not 0 < port <= HIGHEST_PORT:
        return False
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(offsets: Iterable[int] = (), attempts: int = 200) -> int:
    """Return a free port on 127.0.0.1 such that every ``port + offset`` is free as well.

    The kernel chooses (bind to port 0); ``offsets`` reserve companions, such as a Redis
    Cluster's bus port (port + 10000). Raise RuntimeError when no such port turns up.
    """
    extra = [offset for offset in offsets if offset]
    for _ in range(attempts):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if all(port_is_free(port + offset) for offset in extra):
            return port
    raise RuntimeError(f"no free port with free companions at offsets {extra}")
