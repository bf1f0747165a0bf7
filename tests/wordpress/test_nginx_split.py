"""Gateway mode's nginx sends exactly Masthead's own paths to the WSGI app.

The shipped configuration rendered with ``--gateway-upstream`` (deploy/nginx.conf) has two
upstreams: Masthead's WSGI app and the gateway. Two stand-in servers that answer with
their own name take their places; every path the gateway counts as Masthead's
(``masthead.gateway.proxy.is_masthead_path``) must reach the WSGI stand-in and every other
path the gateway stand-in, so the two lists cannot drift apart. No WordPress is needed.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from devservices import Launcher, Nginx, free_port
from masthead.gateway.proxy import MASTHEAD_PREFIXES, is_masthead_path

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")

# Origin paths, some of them close to Masthead's names (a WordPress page may be /subscribers/).
ORIGIN_PATHS = [
    "/",
    "/2026/12/01/walled-story/",
    "/wp-json/wp/v2/posts",
    "/wp-content/uploads/2026/12/secret-chart.png",
    "/feed/",
    "/?s=harbour",
    "/subscribers/",
    "/accounts-policy/",
    "/administration/",
    "/apis/",
    "/wp-admin/",
    "/category/news/",
]


def _named_server(name: str, *, cacheable: bool = False) -> ThreadingHTTPServer:
    """A stand-in that answers its name (``cacheable``: its name and the request line, public)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            body = f"{name} {self.path}".encode() if cacheable else name.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header(
                "Cache-Control", "public, max-age=60" if cacheable else "private, no-store"
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def split_nginx() -> Iterator[str]:
    """nginx in gateway mode in front of the two stand-ins; its URL."""
    yield from _split_nginx(cacheable=False)


@pytest.fixture(scope="module")
def caching_nginx() -> Iterator[str]:
    """The same, with a gateway stand-in whose answers nginx may cache."""
    yield from _split_nginx(cacheable=True)


def _split_nginx(*, cacheable: bool) -> Iterator[str]:
    wsgi, gateway = _named_server("wsgi"), _named_server("gateway", cacheable=cacheable)
    # nginx's unprivileged workers must enter the folder (pytest's tmp_path is private).
    folder = Path(tempfile.mkdtemp(prefix="masthead-split-"))
    folder.chmod(0o755)
    (folder / "static").mkdir()
    (folder / "static" / "probe.txt").write_text("static")
    try:
        with Launcher(folder / "services") as launcher:
            nginx = launcher.start(
                Nginx(
                    directory=folder / "nginx",
                    port=free_port(),
                    upstream=f"127.0.0.1:{wsgi.server_address[1]}",
                    gateway_upstream=f"127.0.0.1:{gateway.server_address[1]}",
                    static_root=folder / "static",
                    media_root=folder,
                    workers="1",
                    extra=["--no-purge"],
                )
            )
            yield f"http://127.0.0.1:{nginx.port}"
    finally:
        wsgi.shutdown()
        gateway.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def _served_by(url: str, path: str, method: str = "GET") -> str:
    request = urllib.request.Request(
        url + path, method=method, data=b"{}" if method == "POST" else None
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return str(answer.read().decode())
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"


def _masthead_paths() -> list[str]:
    paths = []
    for prefix in MASTHEAD_PREFIXES:
        if prefix == "/static/":
            continue  # nginx serves it from disk: below
        paths += [prefix, prefix.rstrip("/") or "/", prefix + "some/page/"]
    return paths


def test_masthead_paths_go_to_the_wsgi_app_and_the_rest_to_the_gateway(split_nginx: str) -> None:
    for path in _masthead_paths():
        assert is_masthead_path(path.split("?")[0]), path
        assert _served_by(split_nginx, path) == "wsgi", path
    for path in ORIGIN_PATHS:
        assert not is_masthead_path(path.split("?")[0]), path
        assert _served_by(split_nginx, path) == "gateway", path


def test_the_access_check_reaches_the_wsgi_app(split_nginx: str) -> None:
    assert _served_by(split_nginx, "/api/access/", "POST") == "wsgi"


def test_static_files_come_from_disk(split_nginx: str) -> None:
    assert _served_by(split_nginx, "/static/probe.txt") == "static"


def test_a_query_wordpress_routes_on_is_cached_apart_from_the_article(caching_nginx: str) -> None:
    # WordPress answers a post's path with ?feed= (or ?rest_route=, ?p=) with another
    # document: stored under the article's key it would be every later reader's page.
    article = "/2026/12/01/walled-story/"
    assert _served_by(caching_nginx, article + "?feed=rss2") == f"gateway {article}?feed=rss2"
    assert _served_by(caching_nginx, article) == f"gateway {article}"
    route = article + "?rest_route=/wp/v2/posts"
    assert _served_by(caching_nginx, route) == f"gateway {route}"
    assert _served_by(caching_nginx, article) == f"gateway {article}"  # still its own


def test_tracking_tags_still_share_the_articles_cached_copy(caching_nginx: str) -> None:
    article = "/2026/12/02/shared-story/"
    tagged = article + "?utm_source=newsletter&utm_medium=email"
    assert _served_by(caching_nginx, tagged) == f"gateway {tagged}"
    assert _served_by(caching_nginx, article) == f"gateway {tagged}"  # the one cached copy
