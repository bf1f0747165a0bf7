"""Protected media through the app: no file behind the gate reaches a reader by its URL.

Files of every protected kind (an image and a video only the gated part shows, the lead
image and a body image of a draft, the lead image of a scheduled story, the lead image of
a story unpublished a moment ago) are asked for at ``/media/<name>`` by every reader kind
in ``readers.py``, with and without forged signatures: each answer is a 404 that holds
none of the file's bytes. The positive controls: a public file (a live story's lead image)
reaches every reader, and the subscriber's signed URLs from the access check work until
they expire, while a tampered, expired or other file's signature fails. The same tried
through nginx is ``tests/production/test_media.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from masthead.newsroom.models import Article, Block, Video

from .access import answer_of, check_access
from .fixtures import IMAGE_NAME, LeakWorld
from .readers import (
    FEW_READERS,
    GOOGLEBOT_ADDRESS,
    GOOGLEBOT_UA,
    READERS,
    READERS_BY_NAME,
    ReaderKind,
)

VERIFIED_GOOGLEBOT = ReaderKind(
    "verified_googlebot", headers={"User-Agent": GOOGLEBOT_UA}, remote_addr=GOOGLEBOT_ADDRESS
)
SIGNED = re.compile(r"(/media/[^\"'?\s]+\?expires=\d+&(?:amp;)?signature=[A-Za-z0-9_-]+)")
# Bytes no public file holds: found in an answer, the file leaked.
SECRET_BYTES = b"\x89PNG\r\n\x1a\nPROTECTED-MEDIA-LEAK-SUITE"
WEBM_BYTES = b"\x1a\x45\xdf\xa3PROTECTED-MEDIA-LEAK-SUITE"


def _store(folder: str, body: bytes, suffix: str) -> str:
    return default_storage.save(f"{folder}/leak-{suffix}", ContentFile(body))


@pytest.fixture
def files(world: LeakWorld) -> Iterator[dict[str, str]]:
    """Attach a file of each protected kind (and a public control) inside this test."""
    names: dict[str, str] = {"gated_image": IMAGE_NAME}
    media = world.articles["media"].article
    video_block = media.blocks.get(kind=Block.Kind.VIDEO)
    video: Video = video_block.video
    names["gated_video"] = _store("video", WEBM_BYTES, "gated.webm")
    video.file = names["gated_video"]
    video.save()
    draft = world.articles["draft"].article
    names["draft_lead"] = _store("images", SECRET_BYTES, "draft-lead.png")
    draft.lead_image = names["draft_lead"]
    draft.save()
    names["draft_block"] = _store("images", SECRET_BYTES, "draft-block.png")
    Block.objects.create(
        article=draft, position=0, kind=Block.Kind.IMAGE, image=names["draft_block"]
    )
    scheduled = world.articles["scheduled"].article
    names["scheduled_lead"] = _store("images", SECRET_BYTES, "scheduled-lead.png")
    scheduled.lead_image = names["scheduled_lead"]
    scheduled.save()
    names["public_lead"] = _store("images", SECRET_BYTES, "public-lead.png")
    live = world.articles["subscriber"].article
    live.lead_image = names["public_lead"]
    live.save()
    yield names
    for name in names.values():
        if name != IMAGE_NAME:
            default_storage.delete(name)


PROTECTED = ("gated_image", "gated_video", "draft_lead", "draft_block", "scheduled_lead")


def _assert_shut(answer: object, what: str) -> None:
    assert answer.status_code == 404, what  # type: ignore[attr-defined]
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content  # type: ignore[attr-defined]
    assert b"PROTECTED-MEDIA-LEAK-SUITE" not in body, what
    assert b"\x89PNG" not in body, what
    assert "X-Accel-Redirect" not in answer, what  # type: ignore[operator]


def test_no_reader_gets_a_protected_file_by_its_url(
    files: dict[str, str], leak_sessions: dict[str, str]
) -> None:
    for reader in (*READERS, VERIFIED_GOOGLEBOT):
        client = reader.client(leak_sessions)
        for key in PROTECTED:
            _assert_shut(client.get(f"/media/{files[key]}"), f"{reader.name} {key}")


def test_no_forged_signature_opens_a_protected_file(
    files: dict[str, str], leak_sessions: dict[str, str]
) -> None:
    far = int((timezone.now() + dt.timedelta(days=3650)).timestamp())
    forgeries = (
        f"?expires={far}&signature=forged",
        f"?expires={far}&signature=",
        "?expires=&signature=x",
        "?signature=x",
        f"?expires={far}",
        "?expires=-1&signature=x",
        f"?expires={far}&signature=x&signature=y",
    )
    for name in FEW_READERS:
        client = READERS_BY_NAME[name].client(leak_sessions)
        for key in PROTECTED:
            for forgery in forgeries:
                _assert_shut(client.get(f"/media/{files[key]}{forgery}"), f"{name} {key} {forgery}")


def test_a_public_file_reaches_every_reader(
    files: dict[str, str], leak_sessions: dict[str, str]
) -> None:
    # The control: the 404s above are the gate's doing, not a broken route.
    for reader in READERS:
        answer = reader.client(leak_sessions).get(f"/media/{files['public_lead']}")
        assert answer.status_code == 200, reader.name
        assert b"".join(answer.streaming_content) == SECRET_BYTES
        assert answer["Cache-Control"].startswith("public, max-age=")
        assert "Vary" not in answer and "Set-Cookie" not in answer


def test_a_story_unpublished_a_moment_ago_shuts_its_files_at_once(
    world: LeakWorld, files: dict[str, str], leak_sessions: dict[str, str]
) -> None:
    url = f"/media/{files['public_lead']}"
    assert Client().get(url).status_code == 200
    article = world.articles["subscriber"].article
    article.status = Article.Status.DRAFT
    article.save()
    for reader in READERS:
        _assert_shut(reader.client(leak_sessions).get(url), reader.name)


def test_the_subscribers_signed_urls_work_until_they_expire(
    world: LeakWorld, files: dict[str, str], leak_sessions: dict[str, str]
) -> None:
    subscriber = READERS_BY_NAME["subscriber"].client(leak_sessions)
    answer = answer_of(check_access(subscriber, world.articles["media"].article.pk))
    assert answer["granted"] is True
    urls = {url.replace("&amp;", "&") for url in SIGNED.findall(str(answer["html"]))}
    by_path = {urlsplit(url).path: url for url in urls}
    assert set(by_path) == {f"/media/{files['gated_image']}", f"/media/{files['gated_video']}"}
    video_url = by_path[f"/media/{files['gated_video']}"]
    image_url = by_path[f"/media/{files['gated_image']}"]
    # Anyone holding the URL may load it (an <img> sends no cookie of ours)...
    fetched = Client().get(video_url)
    assert fetched.status_code == 200
    assert b"".join(fetched.streaming_content) == WEBM_BYTES
    assert fetched["Content-Type"] == "video/webm"
    assert fetched["Cache-Control"].startswith("private, max-age=")
    assert fetched["X-Content-Type-Options"] == "nosniff"
    # ... until it expires.
    expires = int(parse_qs(urlsplit(video_url).query)["expires"][0])
    with time_machine.travel(dt.datetime.fromtimestamp(expires - 1, dt.UTC), tick=False):
        assert Client().get(video_url).status_code == 200
    with time_machine.travel(dt.datetime.fromtimestamp(expires + 1, dt.UTC), tick=False):
        _assert_shut(Client().get(video_url), "expired")
    # Tampered, stretched, or borrowed from another file: all fail.
    query = parse_qs(urlsplit(video_url).query)
    signature = query["signature"][0]
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    path = urlsplit(video_url).path
    for bad in (
        f"{path}?expires={expires}&signature={flipped}",
        f"{path}?expires={expires + 60}&signature={signature}",
        f"{urlsplit(image_url).path}?expires={expires}&signature={signature}",
        f"/media/{files['draft_lead']}?expires={expires}&signature={signature}",
    ):
        _assert_shut(Client().get(bad), bad)


def test_no_unentitled_check_carries_a_signed_url(
    world: LeakWorld, files: dict[str, str], leak_sessions: dict[str, str]
) -> None:
    for reader in READERS:
        if reader.name == "subscriber":
            continue
        for key in ("media", "draft", "scheduled"):
            client = reader.client(leak_sessions)
            response = check_access(client, world.articles[key].article.pk)
            text = response.content.decode()
            assert "signature=" not in text and "masthead-media:" not in text, (reader.name, key)
            for name in files.values():
                assert name not in text, (reader.name, key, name)
    # Not even the subscriber gets a URL for a story that is not live.
    subscriber = READERS_BY_NAME["subscriber"].client(leak_sessions)
    for key in ("draft", "scheduled"):
        text = check_access(subscriber, world.articles[key].article.pk).content.decode()
        assert "signature=" not in text


def test_a_verified_crawler_gets_signed_urls_and_nobody_else_on_the_page(
    world: LeakWorld, files: dict[str, str], leak_sessions: dict[str, str]
) -> None:
    url = world.articles["media"].url
    page = VERIFIED_GOOGLEBOT.client(leak_sessions).get(url).content.decode()
    signed = {u.replace("&amp;", "&") for u in SIGNED.findall(page)}
    assert f"/media/{files['gated_image']}" in {urlsplit(u).path for u in signed}
    assert all(Client().get(u).status_code == 200 for u in signed)
    for reader in READERS:
        text = reader.client(leak_sessions).get(url).content.decode()
        assert "signature=" not in text, reader.name
        assert files["gated_image"] not in text and files["gated_video"] not in text, reader.name
