"""One launcher for the local services Masthead's tests, ``make prod`` and the bench run.

    from devservices import Launcher, Postgres, Redis

    with Launcher(run_dir) as launcher:
        postgres = launcher.start(Postgres())       # a free port, a private cluster
        redis = launcher.start(Redis(port=6390))    # or the port you ask for
        ...                                          # leaving the block stops both

    python -m devservices start postgres redis --print-env   # the same from a shell

Each kind of service is a definition in a small registry (``devservices.registry``):
PostgreSQL, Redis, granian, gunicorn, nginx, MariaDB and WordPress. See docs/operations.md.
"""

from devservices.base import Proc, Service, StartError, log_tail
from devservices.launcher import Launcher, Status, default_run_dir
from devservices.ports import free_port, port_is_free
from devservices.postgres import Postgres
from devservices.redis import Redis
from devservices.registry import KINDS, definition, register
from devservices.web import AppServer, Granian, Gunicorn, Nginx
from devservices.wordpress import MariaDB, WordPress

__all__ = [
    "KINDS",
    "AppServer",
    "Granian",
    "Gunicorn",
    "Launcher",
    "MariaDB",
    "Nginx",
    "Postgres",
    "Proc",
    "Redis",
    "Service",
    "StartError",
    "Status",
    "WordPress",
    "default_run_dir",
    "definition",
    "free_port",
    "log_tail",
    "port_is_free",
    "register",
]
