"""Protected media as a service of the paywall: types, signatures, placeholders, answers.

The content and media sources here are ``fake_media_world`` (dicts), not the newsroom:
the service must work for any content source behind the ports. The newsroom's side is
in ``masthead/newsroom/tests/test_protected_media.py``, the leak suite's in
``tests/leak/test_media.py``.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.test import Client

from masthead.access import FREE, METERED, SITE_ASSET, SUBSCRIBER, MediaUse, media

from . import fake_media_world as world

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
HTML = b"<!doctype html><script>fetch('/api/me/')</script>"
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
FAKE = "masthead.access.tests.fake_media_world"


@pytest.fixture
def files(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A media folder with a few files, and the fake ports in place."""
    world.reset()
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PAYWALL_CONTENT_SOURCE = FAKE
    settings.PAYWALL_MEDIA_SOURCES = [f"{FAKE}.media_uses"]
    settings.PAYWALL_MEDIA_ACCEL_REDIRECT = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    for name, body in {
        "images/public.png": PNG,
        "images/gated.jpg": JPEG,
        "images/draft.png": PNG,
        "images/free-gated.png": PNG,
        "images/portrait.png": PNG,
        "images/orphan.png": PNG,
        "images/page.html": HTML,
        "images/disguised.png": HTML,
        "images/drawing.svg": b"<svg onload='alert(1)'/>",
        "video/clip.webm": b"\x1a\x45\xdf\xa3" + b"\x00" * 40,
    }.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    world.ARTICLES.update({1: (SUBSCRIBER, LONG_AGO), 2: (METERED, NOW + dt.timedelta(days=1))})
    world.ARTICLES[3] = (FREE, LONG_AGO)
    world.USES.update(
        {
            "images/public.png": [MediaUse(1, gated=False)],
            "images/gated.jpg": [MediaUse(1, gated=True)],
            "images/draft.png": [MediaUse(2, gated=False)],
            "images/free-gated.png": [MediaUse(3, gated=True)],
            "images/portrait.png": [SITE_ASSET],
            "images/page.html": [SITE_ASSET],
            "images/disguised.png": [SITE_ASSET],
            "images/drawing.svg": [SITE_ASSET],
            "video/clip.webm": [MediaUse(1, gated=True), MediaUse(4, gated=False)],
        }
    )
    yield tmp_path
    world.reset()


def _get(url: str, **extra: Any) -> Any:
    return Client().get(url, **extra)


# --- which files are public ---------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_public_files_are_served_to_anyone_and_cacheable(files: Path) -> None:
    for name in ("images/public.png", "images/portrait.png", "images/free-gated.png"):
        answer = _get(f"/media/{name}")
        assert answer.status_code == 200, name
        assert b"".join(answer.streaming_content) == (files / name).read_bytes()
        assert answer["Cache-Control"] == "public, max-age=300"
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert answer["Content-Type"] == "image/png"
        assert "Set-Cookie" not in answer and "Vary" not in answer


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_protected_files_answer_404_like_missing_ones(files: Path) -> None:
    # Gated only; an article not live yet; a use in an article that does not exist; no use
    # at all; nothing on disk; a climb out of the folder.
    for name in (
        "images/gated.jpg",
        "images/draft.png",
        "video/clip.webm",
        "images/orphan.png",
        "images/none.png",
        "../secret_key",
        "images/../images/gated.jpg",
        "images//gated.jpg",
    ):
        answer = _get(f"/media/{name}")
        assert answer.status_code == 404, name
        assert answer["Cache-Control"] == "private, no-store"
        assert JPEG not in answer.content and PNG not in answer.content


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_scheduled_articles_files_open_at_its_time(files: Path) -> None:
    assert _get("/media/images/draft.png").status_code == 404
    with time_machine.travel(NOW + dt.timedelta(days=1, seconds=1), tick=False):
        assert _get("/media/images/draft.png").status_code == 200


@pytest.mark.django_db
def test_a_media_source_that_fails_keeps_the_file_shut(files: Path) -> None:
    world.BROKEN.add("images/public.png")
    assert _get("/media/images/public.png").status_code == 404


@pytest.mark.django_db
def test_only_get_and_head(files: Path) -> None:
    assert Client().post("/media/images/public.png").status_code == 405
    assert Client().head("/media/images/public.png").status_code == 200


# --- signed URLs ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_url_works_until_it_expires(files: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        url = media.signed_url("images/gated.jpg", NOW)
        answer = _get(url)
        assert answer.status_code == 200
        assert b"".join(answer.streaming_content) == JPEG
        assert answer["Content-Type"] == "image/jpeg"
        assert answer["Cache-Control"].startswith("private, max-age=")
        assert int(answer["Cache-Control"].rsplit("=", 1)[1]) <= media.url_seconds() + 60
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])
    with time_machine.travel(dt.datetime.fromtimestamp(expires - 1, dt.UTC), tick=False):
        assert _get(url).status_code == 200
    with time_machine.travel(dt.datetime.fromtimestamp(expires, dt.UTC), tick=False):
        assert _get(url).status_code == 404


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_tampered_and_borrowed_signatures_fail(files: Path) -> None:
    url = media.signed_url("images/gated.jpg", NOW)
    query = parse_qs(urlsplit(url).query)
    expires, signature = query["expires"][0], query["signature"][0]
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    later = str(int(expires) + 3600)
    other = parse_qs(urlsplit(media.signed_url("images/draft.png", NOW)).query)
    for bad in (
        f"/media/images/gated.jpg?expires={expires}&signature={flipped}",
        f"/media/images/gated.jpg?expires={later}&signature={signature}",
        f"/media/images/gated.jpg?expires={expires}",
        f"/media/images/gated.jpg?signature={signature}",
        "/media/images/gated.jpg?expires=&signature=",
        f"/media/images/gated.jpg?expires={other['expires'][0]}&signature={other['signature'][0]}",
        f"/media/images/draft.png?expires={expires}&signature={signature}",
        # A bad signature on a public file fails too: a signature is judged alone.
        f"/media/images/public.png?expires={expires}&signature={flipped}",
    ):
        assert _get(bad).status_code == 404, bad


@pytest.mark.django_db
def test_a_signature_made_with_a_retired_key_still_works(files: Path, settings: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        url = media.signed_url("images/gated.jpg", NOW)
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "a-brand-new-key-" + "x" * 40
        assert _get(url).status_code == 200
        settings.SECRET_KEY_FALLBACKS = []
        assert _get(url).status_code == 404


def test_signed_urls_are_bound_to_an_expiry_not_a_reader(settings: Any) -> None:
    # Within one minute the URL is the same (the browser's cache still works for it).
    first = media.signed_url("images/gated.jpg", NOW + dt.timedelta(seconds=1))
    assert first == media.signed_url("images/gated.jpg", NOW + dt.timedelta(seconds=59))
    assert "expires=" in first and "signature=" in first
    assert first.startswith("/media/images/gated.jpg?")


# --- placeholders -----------------------------------------------------------------------


def test_placeholders_become_signed_urls_when_sent() -> None:
    html = f'<img src="{media.placeholder("images/gated.jpg")}" alt="">'
    assert "/media/" not in html and "signature" not in html
    signed = media.sign_placeholders(html, NOW)
    url = signed.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == "/media/images/gated.jpg"
    assert media.verify("images/gated.jpg", query["expires"][0], query["signature"][0], NOW)


def test_a_placeholder_typed_by_hand_never_gets_a_signature() -> None:
    real = media.placeholder("images/gated.jpg")
    forged = real.replace("gated.jpg", "other.jpg")
    made_up = "masthead-media:" + "A" * 43 + ":images/gated.jpg"
    for text in (forged, made_up):
        signed = media.sign_placeholders(f"<p>{text}</p>", NOW)
        assert "signature" not in signed and "/media/" not in signed


def test_a_placeholder_names_odd_files_safely() -> None:
    name = "images/a file & more.png"
    signed = media.sign_placeholders(f'<img src="{media.placeholder(name)}">', NOW)
    assert "/media/images/a%20file%20%26%20more.png?expires=" in signed
    assert "&amp;signature=" in signed


# --- types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.jpg", JPEG, ("image/jpeg", False)),
        ("a.JPEG", JPEG, ("image/jpeg", False)),
        ("a.png", PNG, ("image/png", False)),
        ("a.gif", b"GIF89a....", ("image/gif", False)),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", ("image/webp", False)),
        ("a.webm", b"\x1a\x45\xdf\xa3\x00", ("video/webm", False)),
        ("a.mp4", b"\x00\x00\x00\x18ftypmp42", ("video/mp4", False)),
        ("a.ogv", b"OggS\x00\x02", ("video/ogg", False)),
        ("a.vtt", b"WEBVTT\n\n", ("text/vtt; charset=utf-8", False)),
        ("a.png", HTML, ("application/octet-stream", True)),
        ("a.webm", HTML, ("application/octet-stream", True)),
        ("a.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ", ("application/octet-stream", True)),
        ("a.html", HTML, ("application/octet-stream", True)),
        ("a.htm", HTML, ("application/octet-stream", True)),
        ("a.svg", b"<svg/>", ("application/octet-stream", True)),
        ("a.svgz", b"\x1f\x8b", ("application/octet-stream", True)),
        ("a.exe", b"MZ", ("application/octet-stream", True)),
        ("png", PNG, ("application/octet-stream", True)),
        ("dir.png/file", PNG, ("application/octet-stream", True)),
    ],
)
def test_the_type_comes_from_an_allow_list(
    name: str, head: bytes, expected: tuple[str, bool]
) -> None:
    assert media.media_type(name, head) == expected


@pytest.mark.django_db
def test_nothing_is_served_as_html_or_svg(files: Path) -> None:
    for name in ("images/page.html", "images/disguised.png", "images/drawing.svg"):
        answer = _get(f"/media/{name}")
        assert answer.status_code == 200
        assert answer["Content-Type"] == "application/octet-stream"
        assert answer["Content-Disposition"] == "attachment"
        assert answer["X-Content-Type-Options"] == "nosniff"


# --- production: nginx sends the bytes ------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_behind_nginx_the_app_answers_with_x_accel_redirect(files: Path, settings: Any) -> None:
    settings.PAYWALL_MEDIA_ACCEL_REDIRECT = "/internal-media/"
    public = _get("/media/images/public.png")
    assert public.status_code == 200 and public.content == b""
    assert public["X-Accel-Redirect"] == "/internal-media/images/public.png"
    assert public["Cache-Control"] == "public, max-age=300"
    signed = _get(media.signed_url("images/gated.jpg", NOW))
    assert signed["X-Accel-Redirect"] == "/internal-media/images/gated.jpg"
    assert signed["Content-Type"] == "image/jpeg"
    assert signed["Cache-Control"].startswith("private, max-age=")
    assert "expires" not in signed["Cache-Control"]
    html = _get("/media/images/page.html")
    assert html["Content-Disposition"] == "attachment"
    assert html["Content-Type"] == "application/octet-stream"
    assert _get("/media/images/gated.jpg").status_code == 404


def test_a_signed_part_is_kept_only_within_its_minute_and_its_key(settings: Any) -> None:
    # The hot path signs each answer's part; the same part within the same minute is the
    # same bytes (kept), a new minute or a new key signs it again.
    html = f'<img src="{media.placeholder("images/gated.jpg")}" alt="">'
    first = media.sign_placeholders(html, NOW + dt.timedelta(seconds=1))
    assert first == media.sign_placeholders(html, NOW + dt.timedelta(seconds=59))
    later = media.sign_placeholders(html, NOW + dt.timedelta(seconds=61))
    assert later != first
    assert _query(later)["expires"] > _query(first)["expires"]
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]  # the placeholder's key
    settings.SECRET_KEY = "a-rotated-key-" + "y" * 40
    rotated = media.sign_placeholders(html, NOW + dt.timedelta(seconds=61))
    assert _query(rotated)["signature"] != _query(later)["signature"]
    query = _query(rotated)
    assert media.verify("images/gated.jpg", query["expires"], query["signature"], NOW)


def _query(signed: str) -> dict[str, str]:
    url = signed.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(url).query)
    return {"expires": query["expires"][0], "signature": query["signature"][0]}


# --- S3: presigned URLs (a fake storage; no real bucket is reachable here) --------------------


class FakePresigningStorage(FileSystemStorage):
    """A folder that hands out "presigned" URLs the way the S3 storage does."""

    calls: list[dict[str, Any]] = []

    def presigned_url(
        self, name: str, *, seconds: int, content_type: str, attachment: bool, private: bool
    ) -> str:
        FakePresigningStorage.calls.append(
            {
                "name": name,
                "seconds": seconds,
                "type": content_type,
                "attachment": attachment,
                "private": private,
            }
        )
        return f"https://bucket.example.net/{name}?X-Amz-Expires={seconds}&X-Amz-Signature=fake"


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_with_a_presigning_storage_urls_are_presigned(files: Path, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FakePresigningStorage"},
    }
    FakePresigningStorage.calls.clear()
    signed = media.sign_placeholders(f'<img src="{media.placeholder("images/gated.jpg")}">', NOW)
    assert "https://bucket.example.net/images/gated.jpg?X-Amz-Expires=" in signed
    assert FakePresigningStorage.calls[-1]["private"] is True
    assert FakePresigningStorage.calls[-1]["type"] == "image/jpeg"
    assert 0 < FakePresigningStorage.calls[-1]["seconds"] <= media.url_seconds() + 60
    # Presigned parts are never kept: each answer asks the storage again.
    media.sign_placeholders(f'<img src="{media.placeholder("images/gated.jpg")}">', NOW)
    assert len(FakePresigningStorage.calls) == 2
    # The site's URL of a public file redirects to a presigned one; a protected one is 404.
    public = _get("/media/images/public.png")
    assert public.status_code == 302
    assert public["Location"].startswith("https://bucket.example.net/images/public.png?")
    assert FakePresigningStorage.calls[-1]["private"] is False
    assert _get("/media/images/gated.jpg").status_code == 404
    # A file outside the allow-list is presigned as a download.
    html = _get("/media/images/page.html")
    assert FakePresigningStorage.calls[-1]["attachment"] is True
    assert html.status_code == 302


def test_the_s3_storage_presigns_with_the_allow_listed_headers(
    monkeypatch: Any, settings: Any
) -> None:
    # django-storages is not installed here: a stand-in base class records what the
    # subclass asks of it, which is all the subclass adds.
    seen: dict[str, Any] = {}

    class StandIn:
        def url(
            self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None
        ) -> str:
            seen.update(name=name, parameters=parameters, expire=expire)
            return "https://s3.example.net/signed"

    fake = types.ModuleType("storages.backends.s3")
    fake.S3Storage = StandIn  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "storages", types.ModuleType("storages"))
    monkeypatch.setitem(sys.modules, "storages.backends", types.ModuleType("storages.backends"))
    monkeypatch.setitem(sys.modules, "storages.backends.s3", fake)
    monkeypatch.delitem(sys.modules, "masthead.media_s3", raising=False)
    from masthead.media_s3 import ProtectedS3Storage

    storage = ProtectedS3Storage()
    assert isinstance(storage, media.PresigningStorage)
    assert storage.url("images/a b.jpg") == "/media/images/a%20b.jpg"
    url = storage.presigned_url(
        "images/x.html",
        seconds=120,
        content_type="application/octet-stream",
        attachment=True,
        private=True,
    )
    assert url == "https://s3.example.net/signed"
    assert seen == {
        "name": "images/x.html",
        "expire": 120,
        "parameters": {
            "ResponseContentType": "application/octet-stream",
            "ResponseCacheControl": "private, max-age=120",
            "ResponseContentDisposition": "attachment",
        },
    }
    monkeypatch.delitem(sys.modules, "masthead.media_s3", raising=False)


def test_the_s3_option_keeps_the_bucket_private(monkeypatch: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from masthead.media import media_storage

    monkeypatch.setenv("MASTHEAD_S3_BUCKET", "news")
    config = media_storage("s3")
    assert config["BACKEND"] == "masthead.media_s3.ProtectedS3Storage"
    assert config["OPTIONS"]["querystring_auth"] is True
    assert config["OPTIONS"]["default_acl"] == "private"
    monkeypatch.setenv("MASTHEAD_S3_CUSTOM_DOMAIN", "media.example.net")
    with pytest.raises(ImproperlyConfigured, match="CUSTOM_DOMAIN"):
        media_storage("s3")


def test_a_mistyped_media_source_is_refused_like_any_port(settings: Any) -> None:
    from masthead.access.checks import check_ports

    settings.PAYWALL_MEDIA_SOURCES = [
        "masthead.newsroom.media_uses.media_uses",
        "masthead.ads.media.media_usez",
    ]
    [error] = check_ports()
    assert error.id == "access.E006"
    assert "PAYWALL_MEDIA_SOURCES[1]" in error.msg
