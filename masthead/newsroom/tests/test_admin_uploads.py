"""Uploads through the newsroom admin: each field takes only what it is for, by content.

An HTML page named ``.mp4`` or ``.jpg``, an SVG with script named ``.png``, a renamed
executable and a cut-off photo are refused with a message next to the field, and nothing
is written to storage; the demo's own photos and video go in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masthead.accounts.models import User
from masthead.core.tests.test_uploads import ELF, HTML, PE, SVG, picture
from masthead.newsroom.models import Article, Author, Block, Video

pytestmark = pytest.mark.django_db

DEMO_MEDIA = Path(__file__).resolve().parents[2] / "demo" / "media"
WEBM = DEMO_MEDIA / "video" / "signal-test.webm"
PHOTO = DEMO_MEDIA / "images" / "bridge.jpg"


@pytest.fixture
def editor(settings: Any, tmp_path: Path) -> Client:
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(User.objects.create_superuser("boss@example.com", "pw-boss-12345"))
    return client


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _add_video(client: Client, file: SimpleUploadedFile, poster: SimpleUploadedFile | None = None):
    data: dict[str, Any] = {"title": "Signal test", "file": file}
    if poster is not None:
        data["poster"] = poster
    return client.post("/admin/newsroom/video/add/", data)


def _stored(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    "upload",
    [("page.mp4", HTML), ("logo.mp4", SVG), ("tool.mp4", ELF), ("tool.webm", PE)],
    ids=["html", "svg", "elf", "pe"],
)
def test_the_video_field_refuses_what_is_not_a_video(
    editor: Client, tmp_path: Path, upload: tuple[str, bytes]
) -> None:
    response = _add_video(editor, _file(*upload))
    assert response.status_code == 200
    assert "This file is not a video we accept: upload a WebM, MP4 or Ogg video." in (
        response.content.decode()
    )
    assert not Video.objects.exists()
    assert _stored(tmp_path) == []


def test_the_video_field_refuses_a_webm_named_mp4(editor: Client) -> None:
    response = _add_video(editor, _file("signal.mp4", WEBM.read_bytes()))
    assert "holds a WebM video but its name ends in “.mp4”" in response.content.decode()
    assert not Video.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [("poster.jpg", HTML), ("poster.png", SVG), ("poster.jpg", ELF), ("poster.gif", PE)],
    ids=["html", "svg", "elf", "pe"],
)
def test_the_poster_refuses_what_is_not_a_picture(
    editor: Client, upload: tuple[str, bytes]
) -> None:
    response = _add_video(editor, _file("signal.webm", WEBM.read_bytes()), _file(*upload))
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert "not an image" in response.content.decode() or "not a picture" in (
        response.content.decode()
    )
    assert not Video.objects.exists()


def test_the_demo_video_and_poster_go_in(editor: Client, tmp_path: Path) -> None:
    poster = DEMO_MEDIA / "video" / "signal-test-poster.jpg"
    response = _add_video(
        editor, _file(WEBM.name, WEBM.read_bytes()), _file(poster.name, poster.read_bytes())
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    video = Video.objects.get()
    assert video.file.name.endswith(".webm") and video.poster.name.endswith(".jpg")
    # Saving again without a new file does not re-read the stored one, and still passes.
    again = editor.post(
        f"/admin/newsroom/video/{video.pk}/change/", {"title": "Signal test, again"}
    )
    assert again.status_code == 302


def test_an_author_photo_refuses_a_bmp_and_a_truncated_jpeg(editor: Client) -> None:
    whole = picture("JPEG", size=(400, 300))
    for upload, expected in (
        (_file("face.bmp", picture("BMP")), "This is a BMP image; upload a JPEG, PNG, WebP or GIF"),
        (_file("face.jpg", whole[: len(whole) // 2]), "This image is damaged or incomplete"),
        (_file("face.png", picture("JPEG")), "holds a JPEG image but its name ends in “.png”"),
    ):
        response = editor.post(
            "/admin/newsroom/author/add/", {"name": "Ruth", "slug": "ruth", "photo": upload}
        )
        assert response.status_code == 200
        assert expected in response.content.decode()
    assert not Author.objects.exists()


def _article_form(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "headline": "Upload test",
        "slug": "upload-test",
        "status": "draft",
        "blocks-TOTAL_FORMS": "1",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
        "blocks-0-kind": "image",
        "blocks-0-position": "1",
        "blocks-0-alt": "A picture",
    }
    data.update(extra)
    return data


def test_a_lead_image_and_an_image_block_check_their_content(editor: Client) -> None:
    refused = editor.post(
        "/admin/newsroom/article/add/",
        _article_form(
            lead_image=_file("lead.png", SVG), **{"blocks-0-image": _file("block.jpg", HTML)}
        ),
    )
    assert refused.status_code == 200
    assert refused.content.decode().count('class="errorlist') >= 2
    assert not Article.objects.exists()
    accepted = editor.post(
        "/admin/newsroom/article/add/",
        _article_form(
            lead_image=_file(PHOTO.name, PHOTO.read_bytes()),
            **{"blocks-0-image": _file("chart.webp", picture("WEBP"))},
        ),
    )
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    assert Block.objects.get().image.name.endswith(".webp")
