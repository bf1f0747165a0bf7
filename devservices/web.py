"""The HTTP side: the WSGI app server (granian, or gunicorn for comparison) and nginx."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from devservices.base import ROOT, Service, StartError
from devservices.registry import register

# The virtualenv's programs when there is one, else those next to this interpreter.
_VENV_BIN = ROOT / ".venv" / "bin"
BIN = _VENV_BIN if _VENV_BIN.exists() else Path(sys.executable).parent


def answers_http(url: str) -> bool:
    """True when ``url`` answers with a status below 500."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback URL
            return True
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


@dataclass
class AppServer(Service):
    """The Masthead WSGI app on 127.0.0.1; the base of ``granian`` and ``gunicorn``.

    ``env`` is the whole environment of the server (None: the launcher's own); it is not
    saved in the state file, since it may carry secrets.
    """

    start_timeout = 60.0

    app: str = "masthead.wsgi:application"
    workers: int = 2
    threads: int = 1
    extra: list[str] = field(default_factory=list)
    ready_path: str = "/robots.txt"
    # The log's folder when it is not the service folder (make prod keeps var/prod/app.log).
    log: Path | None = None
    environment: dict[str, str] | None = field(default=None, metadata={"state": False})

    def command(self) -> list[str]:
        """The command line that starts the server."""
        raise NotImplementedError

    def log_file(self) -> Path | None:
        """The server's output: ``log`` if given, else ``app.log`` in its folder."""
        return self.log or self.folder / "app.log"

    def launch(self) -> None:
        """Start the server in a session of its own (stopping it stops its workers)."""
        self.spawn(self.command(), env=self.environment)

    def ready(self) -> bool:
        """True once ``ready_path`` answers."""
        return answers_http(f"http://127.0.0.1:{self.port}{self.ready_path}")

    def env(self) -> dict[str, str]:
        """APP_URL and APP_PORT."""
        return {"APP_URL": f"http://127.0.0.1:{self.port}", "APP_PORT": str(self.port)}

    def worker_pids(self) -> list[int]:
        """The process ids of the workers (children of the server process)."""
        if not self.processes:
            return []
        pid = self.processes[0].pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(child) for child in children.read_text().split()] if children.exists() else []


@register
@dataclass
class Granian(AppServer):
    """granian: the production app server (WSGI; ``interface=asgi`` for the gateway)."""

    kind = "granian"

    # "asgi" with app=masthead.gateway.asgi:application serves the gateway (docs/gateway.md).
    interface: str = "wsgi"

    def command(self) -> list[str]:
        """granian with ``workers`` processes of ``threads`` blocking threads each."""
        if self.interface not in {"wsgi", "asgi"}:
            raise StartError(f"{self.name}: interface must be wsgi or asgi, not {self.interface}")
        return [
            str(BIN / "granian"),
            "--interface",
            self.interface,
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
            self.app,
        ]


@register
@dataclass
class Gunicorn(AppServer):
    """gunicorn's sync workers with deploy/gunicorn.conf.py (the bench compares it)."""

    kind = "gunicorn"

    def command(self) -> list[str]:
        """gunicorn with the shipped configuration and ``workers`` processes."""
        return [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            *self.extra,
            self.app,
        ]


@register
@dataclass
class Nginx(Service):
    """nginx running deploy/nginx.conf as deploy/render_nginx.py fills it in.

    The service folder is nginx's prefix: the rendered configuration, pid, logs, temp
    files and the cache live there.
    """

    kind = "nginx"
    start_timeout = 20.0

    upstream: str = ""  # host:port of the app server (Masthead's WSGI app)
    # Gateway mode: host:port of the gateway's ASGI app, which then answers every path but
    # Masthead's own (deploy/nginx.conf, docs/gateway.md); "" for the native site.
    gateway_upstream: str = ""
    static_root: Path | None = None
    media_root: Path | None = None
    workers: str = "auto"
    access_log: str = ""  # "off", a path, or "" for access.log in the folder
    extra: list[str] = field(default_factory=list)  # more render_nginx.py options

    def log_file(self) -> Path | None:
        """nginx's error log (the rendered configuration puts it in the folder)."""
        return self.folder / "error.log"

    def render(self) -> Path:
        """Write the configuration into the folder and return its path."""
        if not self.upstream or self.static_root is None or self.media_root is None:
            raise StartError(f"{self.name}: nginx needs upstream, static_root and media_root")
        arguments = [
            "--listen",
            f"127.0.0.1:{self.port}",
            "--upstream",
            self.upstream,
            "--run-dir",
            str(self.folder),
            "--static-root",
            str(self.static_root),
            "--media-root",
            str(self.media_root),
            "--workers",
            self.workers,
            *(["--access-log", self.access_log] if self.access_log else []),
            *(["--gateway-upstream", self.gateway_upstream] if self.gateway_upstream else []),
            *self.extra,
        ]
        rendered = subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "render_nginx.py"), *arguments],
            capture_output=True,
            text=True,
            check=False,
        )
        if rendered.returncode:
            raise StartError(f"{self.name}: render_nginx.py failed:\n{rendered.stderr}")
        config = self.folder / "nginx.conf"
        config.write_text(rendered.stdout)
        return config

    def launch(self) -> None:
        """Render and check the configuration, then run nginx in the foreground."""
        config = self.render()
        argv = ["nginx", "-p", str(self.folder), "-c", str(config)]
        checked = subprocess.run([*argv, "-t", "-q"], capture_output=True, text=True, check=False)
        if checked.returncode:
            raise StartError(f"{self.name}: nginx -t refused {config}:\n{checked.stderr}")
        # nginx logs to error.log itself; its own stdout/stderr only matter at start-up.
        self.spawn([*argv, "-g", "daemon off;"], env=dict(os.environ))

    def env(self) -> dict[str, str]:
        """NGINX_URL and NGINX_PORT."""
        return {"NGINX_URL": f"http://127.0.0.1:{self.port}", "NGINX_PORT": str(self.port)}
