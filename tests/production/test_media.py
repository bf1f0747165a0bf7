"""Protected media through the shipped nginx: /media/ asks the app, bytes come from disk.

The leak suite's media tests (``tests/leak/test_media.py``) run through the app; these run
the same promise through nginx and granian in the production shape: a gated, draft,
scheduled or just-unpublished file is a 404 for every reader kind of
``tests/leak/readers.py`` (accounts are the demo's: the media view reads no cookie, so
the many subscriber variants of the leak suite are tried as the demo's three logins);
``/internal-media/`` is unreachable from outside; the subscriber's signed URL works and
a tampered, expired or borrowed one does not; answers carry ``nosniff`` and an
allow-listed type, never HTML or SVG, and no seven-day expiry.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.core import signing

from bench.stack import PYTHON, ROOT
from tests.leak.readers import READERS, ReaderKind
from tests.production.conftest import Stack

pytestmark = pytest.mark.services

SIGNED = re.compile(r"(/media/[^\"'?\s]+\?expires=\d+&(?:amp;)?signature=[A-Za-z0-9_-]+)")
PROTECTED = ("gated_image", "gated_video", "draft_lead", "scheduled_lead")
# The demo's logins standing in for the leak suite's accounts.
DEMO_LOGINS = {"subscriber": "subscriber@example.com", "bare_staff": "editor@example.com"}


def _world(stack: Stack, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "tests.production.media_world", *args],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


@pytest.fixture(scope="module")
def probe(stack: Stack) -> dict[str, Any]:
    """The probe stories and their files, made once for this module."""
    return json.loads(_world(stack, "setup"))


@pytest.fixture(scope="module")
def sessions(stack: Stack) -> dict[str, requests.Session]:
    """Logged-in clients: the demo's reader, subscriber and editor."""
    return {
        "reader": stack.log_in("reader@example.com"),
        "subscriber": stack.log_in("subscriber@example.com"),
        "bare_staff": stack.log_in("editor@example.com"),
    }


def _client(
    stack: Stack, reader: ReaderKind, sessions: dict[str, requests.Session]
) -> requests.Session:
    client = requests.Session()
    client.headers.update(reader.headers)
    if reader.account:
        login = (
            "subscriber"
            if reader.account == "subscriber"
            else ("bare_staff" if reader.account == "bare_staff" else "reader")
        )
        client.cookies.set("sessionid", sessions[login].cookies["sessionid"])
    values = {"subscriber": sessions["subscriber"].cookies["sessionid"]}
    for name, value in (reader.cookies(values) if reader.cookies else {}).items():
        client.cookies.set(name, value)
    return client


def _get(client: requests.Session | None, url: str) -> requests.Response:
    return (client or requests).get(url, timeout=10, allow_redirects=False)


def _assert_shut(answer: requests.Response, what: str) -> None:
    assert answer.status_code == 404, what
    assert b"PRODUCTION-MEDIA-PROBE" not in answer.content, what
    assert "X-Accel-Redirect" not in answer.headers, what


def test_no_reader_gets_a_protected_file_through_nginx(
    stack: Stack, probe: dict[str, Any], sessions: dict[str, requests.Session]
) -> None:
    names = probe["names"]
    for reader in READERS:
        client = _client(stack, reader, sessions)
        for key in PROTECTED:
            for suffix in ("", "?expires=4102444800&signature=forged"):
                _assert_shut(
                    _get(client, f"{stack.url}/media/{names[key]}{suffix}"), f"{reader.name} {key}"
                )


def test_the_internal_location_is_unreachable(stack: Stack, probe: dict[str, Any]) -> None:
    for key in (*PROTECTED, "public_lead"):
        _assert_shut(_get(None, f"{stack.url}/internal-media/{probe['names'][key]}"), key)


def test_a_public_file_comes_from_disk_cacheable_for_minutes(
    stack: Stack, probe: dict[str, Any]
) -> None:
    name = probe["names"]["public_lead"]
    answer = _get(None, f"{stack.url}/media/{name}")
    assert answer.status_code == 200
    assert answer.content == (stack.nginx.media_root / name).read_bytes()
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.headers["Cache-Control"] == "public, max-age=300"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Expires" not in answer.headers
    assert "X-Accel-Redirect" not in answer.headers


def test_a_story_unpublished_a_moment_ago_shuts_its_files_at_once(
    stack: Stack, probe: dict[str, Any]
) -> None:
    url = f"{stack.url}/media/{probe['names']['unpublish_lead']}"
    assert _get(None, url).status_code == 200
    assert _get(None, url).status_code == 200  # nothing about it is kept by nginx
    _world(stack, "unpublish", str(probe["unpublish_id"]))
    _assert_shut(_get(None, url), "just unpublished")


def test_the_subscribers_signed_url_works_and_nothing_else_does(
    stack: Stack, probe: dict[str, Any], sessions: dict[str, requests.Session]
) -> None:
    subscriber = sessions["subscriber"]
    answer = subscriber.post(
        f"{stack.url}/api/access/", json={"article": probe["gated_id"]}, timeout=10
    ).json()
    assert answer["granted"] is True
    urls = {u.replace("&amp;", "&") for u in SIGNED.findall(answer["html"])}
    by_path = {urlsplit(u).path: u for u in urls}
    names = probe["names"]
    assert set(by_path) == {f"/media/{names['gated_image']}", f"/media/{names['gated_video']}"}
    for key, kind in (("gated_image", "image/png"), ("gated_video", "video/webm")):
        url = by_path[f"/media/{names[key]}"]
        fetched = _get(None, stack.url + url)  # no cookie: an <img> or <video> load
        assert fetched.status_code == 200, key
        assert fetched.content == (stack.nginx.media_root / names[key]).read_bytes()
        assert fetched.headers["Content-Type"] == kind
        assert fetched.headers["Cache-Control"].startswith("private, max-age=")
        assert fetched.headers["X-Content-Type-Options"] == "nosniff"
        assert "Expires" not in fetched.headers
    # The reader without a subscription gets no URL at all.
    denied = (
        sessions["reader"]
        .post(f"{stack.url}/api/access/", json={"article": probe["gated_id"]}, timeout=10)
        .text
    )
    assert "signature=" not in denied and names["gated_image"] not in denied
    # Tampered, borrowed from another file, and expired (signed with the stack's own key).
    image = by_path[f"/media/{names['gated_image']}"]
    query = parse_qs(urlsplit(image).query)
    expires, signature = query["expires"][0], query["signature"][0]
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    key = Path(stack.env["MASTHEAD_SECRET_KEY_FILE"]).read_text().strip()
    past = int(time.time()) - 60
    expired = (
        signing.Signer(key=key, salt="masthead.access.media.url")
        .sign(f"{past}/{names['gated_image']}")
        .rsplit(":", 1)[1]
    )
    for bad in (
        f"/media/{names['gated_image']}?expires={expires}&signature={flipped}",
        f"/media/{names['gated_video']}?expires={expires}&signature={signature}",
        f"/media/{names['gated_image']}?expires={int(expires) + 60}&signature={signature}",
        f"/media/{names['gated_image']}?expires={past}&signature={expired}",
    ):
        _assert_shut(_get(None, stack.url + bad), bad)
    assert settings.SECRET_KEY != key  # the test signed with the stack's key, not its own


def test_nothing_is_served_as_html_or_svg(stack: Stack, probe: dict[str, Any]) -> None:
    for key in ("html_as_image", "svg_as_image", "html_as_png", "html_as_video"):
        answer = _get(None, f"{stack.url}/media/{probe['names'][key]}")
        assert answer.status_code == 200, key
        assert answer.headers["Content-Type"] == "application/octet-stream", key
        assert answer.headers["Content-Disposition"] == "attachment", key
        assert answer.headers["X-Content-Type-Options"] == "nosniff", key
