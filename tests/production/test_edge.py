"""Through the shipped nginx: X-Forwarded-For is set at the edge, never taken from the client.

The app believes X-Forwarded-For from MASTHEAD_TRUSTED_PROXIES (here 127.0.0.1, nginx).
A client connecting from an address in that range — another process on the proxy's own
machine, a balancer's neighbour — would have its forged header believed if nginx only
appended to it; nginx replaces it, so the address the app sees is the one nginx saw.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
import requests

from bench.stack import PYTHON, ROOT, manage
from devservices import Launcher, Nginx, free_port
from tests.production.conftest import Stack

pytestmark = pytest.mark.services


def _address_seen(port: int, source: str, forwarded_for: str) -> str:
    """Return the client address the app saw for a request from ``source`` via ``port``."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    connection.request("GET", "/bench/address/", headers={"X-Forwarded-For": forwarded_for})
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return str(answer["address"])


def test_a_forged_header_from_a_trusted_address_is_replaced(stack: Stack) -> None:
    # 127.0.0.1 is a trusted proxy for the app: with an appended header the app would
    # walk past it to the forged entry.
    assert _address_seen(stack.nginx.port, "127.0.0.1", "203.0.113.9") == "127.0.0.1"
    assert _address_seen(stack.nginx.port, "127.0.0.1", "203.0.113.9, 127.0.0.1") == "127.0.0.1"


def test_forged_headers_buy_no_more_access_checks(stack: Stack) -> None:
    # The real app's own observable: the access check's limit per client address. Each
    # request names another client in X-Forwarded-For; all of them are one client.
    limit = int(stack.env.get("PAYWALL_CHECK_RATE_LIMIT", "120"))
    headers = {"Origin": stack.url, "Sec-Fetch-Site": "same-origin"}
    statuses = []
    try:
        with requests.Session() as client:
            # Twice the limit and one: a window boundary met on the way still leaves one
            # window with more than the limit in it.
            for number in range(2 * limit + 1):
                forged = f"10.{number // 250}.{number % 250}.{uuid.uuid4().int % 250 + 1}"
                answer = client.post(
                    f"{stack.url}/api/access/",
                    json={},
                    headers={**headers, "X-Forwarded-For": forged},
                    timeout=10,
                )
                statuses.append(answer.status_code)
                if answer.status_code == 429:
                    break
        assert statuses[-1] == 429, statuses[-5:]
    finally:
        # Give 127.0.0.1 its checks back for the tests that follow.
        manage(
            stack.env,
            "shell",
            "-c",
            "from masthead.core import ratelimit\n"
            "from masthead.access.views import CHECK_LIMIT_SCOPE, CHECK_LIMIT_WINDOW_SECONDS\n"
            "from django.conf import settings\n"
            "ratelimit.forget(ratelimit.Limit(CHECK_LIMIT_SCOPE,"
            " int(settings.PAYWALL_CHECK_RATE_LIMIT), CHECK_LIMIT_WINDOW_SECONDS), '127.0.0.1')\n",
        )
    # Another client, connecting from its own address, is not held back.
    other = stack.session(address="127.0.0.3")
    assert other.post(f"{stack.url}/api/access/", json={}, timeout=10).status_code == 400


def test_behind_a_cdn_the_real_ip_set_up_names_the_client(stack: Stack) -> None:
    # A second nginx in front of the same app, rendered for a CDN at 127.0.0.5. Its
    # folder must be open to nginx's unprivileged workers (pytest's tmp_path is not).
    tmp_path = Path(tempfile.mkdtemp(prefix="masthead-edge-"))
    tmp_path.chmod(0o755)
    upstream = f"127.0.0.1:{stack.app.port}"
    with Launcher(tmp_path / "services") as launcher:
        edge = launcher.start(
            Nginx(
                directory=tmp_path / "nginx",
                port=free_port(),
                upstream=upstream,
                static_root=tmp_path,
                media_root=tmp_path,
                workers="1",
                extra=["--real-ip-from", "127.0.0.5/32", "--no-purge"],
            )
        )
        # The CDN appends the address that connected to it; what the client wrote is left.
        assert _address_seen(edge.port, "127.0.0.5", "10.1.1.1, 198.51.100.7") == "198.51.100.7"
        # Anyone else is not the CDN: their header is ignored.
        assert _address_seen(edge.port, "127.0.0.6", "198.51.100.7") == "127.0.0.6"
    shutil.rmtree(tmp_path, ignore_errors=True)


def _render(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            PYTHON,
            str(ROOT / "deploy" / "render_nginx.py"),
            "--upstream",
            "127.0.0.1:1",
            "--run-dir",
            str(tmp_path),
            "--static-root",
            str(tmp_path),
            "--media-root",
            str(tmp_path),
            *options,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_shipped_configuration_believes_no_client_header(tmp_path: Path) -> None:
    rendered = _render(tmp_path).stdout
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in rendered
    assert "$proxy_add_x_forwarded_for" not in rendered
    assert "real_ip" not in rendered
    behind_cdn = _render(tmp_path, "--real-ip-from", "192.0.2.0/24").stdout
    assert "set_real_ip_from 192.0.2.0/24;" in behind_cdn
    assert "real_ip_header X-Forwarded-For;" in behind_cdn
    assert "real_ip_recursive on;" in behind_cdn
    refused = _render(tmp_path, "--real-ip-from", "cdn.example.net")
    assert refused.returncode != 0
    assert "--real-ip-from" in refused.stderr
