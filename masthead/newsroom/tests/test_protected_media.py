"""The newsroom's side of protected media: which files are public, placeholders, signing.

The service (types, signatures, answers) is tested in ``masthead/access/tests/test_media.py``;
here, real articles: the lead-in's files are public, the gated part's are not, an article
that is not live has no public file, and edits are seen by the very next request.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masthead.access import SITE_ASSET, MediaUse, forget_policy
from masthead.access.tests.crawler_dns_server import GOOGLEBOT
from masthead.access.tests.helpers import check
from masthead.accounts.models import User
from masthead.newsroom import paywall
from masthead.newsroom.editors import EDITORS
from masthead.newsroom.media_uses import media_uses
from masthead.newsroom.models import Article, Block, UploadRename, Video

from . import factories
from .crawler_support import GENUINE_GOOGLEBOT, CrawlerTestCase

WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 60
SIGNED = re.compile(r'(/media/[^"?]+\?expires=\d+&amp;signature=[^"]+)')


def _upload(field: Any, name: str, body: bytes | None = None) -> str:
    field.save(name, SimpleUploadedFile(name, body or factories.png_bytes()), save=True)
    return str(field.name)


@pytest.fixture
def story(tmp_path: Path, settings: Any, db: None) -> dict[str, Any]:
    """A metered story: a lead image, an image before the cut, an image and a video after."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PAYWALL_MEDIA_ACCEL_REDIRECT = ""
    cache.clear()
    forget_policy()
    factories.publication(lead_in_paragraphs=2, ad_every_paragraphs=0)
    article = factories.article(
        "media-story",
        kinds=["paragraph", "image", "paragraph", "paragraph", "image", "video", "paragraph"],
        access_level="metered",
    )
    blocks = list(article.blocks.order_by("position"))
    names = {"lead": _upload(article.lead_image, "lead.png")}
    names["open"] = _upload(blocks[1].image, "open.png")
    names["gated"] = _upload(blocks[4].image, "gated.png")
    video = Video.objects.create(title="Clip")
    names["video"] = _upload(video.file, "clip.webm", WEBM)
    names["poster"] = _upload(video.poster, "poster.png")
    blocks[5].video = video
    blocks[5].save()
    author = factories.author()
    names["portrait"] = _upload(author.photo, "portrait.png")
    cache.clear()
    return {"article": article, "names": names, "blocks": blocks, "video": video}


def _status(name: str) -> int:
    return Client().get(f"/media/{name}").status_code


def test_new_uploads_get_random_names(story: dict[str, Any]) -> None:
    for key, name in story["names"].items():
        assert re.fullmatch(
            r"(images|video|video/posters|authors)/[A-Za-z0-9_-]{22}\.(png|webm)", name
        ), key
        assert "lead" not in name and "gated" not in name and "clip" not in name


def test_it_knows_where_each_file_is_shown(story: dict[str, Any]) -> None:
    pk, names = story["article"].pk, story["names"]
    assert media_uses(names["lead"]) == [MediaUse(pk, False)]
    assert media_uses(names["open"]) == [MediaUse(pk, False)]
    assert media_uses(names["gated"]) == [MediaUse(pk, True)]
    assert media_uses(names["video"]) == [MediaUse(pk, True)]
    assert media_uses(names["poster"]) == [MediaUse(pk, True)]
    assert media_uses(names["portrait"]) == [SITE_ASSET]
    assert media_uses("images/nothing.png") == []


def test_the_lead_in_is_public_and_the_gated_part_is_not(story: dict[str, Any]) -> None:
    names = story["names"]
    for key in ("lead", "open", "portrait"):
        assert _status(names[key]) == 200, key
    for key in ("gated", "video", "poster"):
        assert _status(names[key]) == 404, key


def test_the_page_names_no_gated_file(story: dict[str, Any]) -> None:
    page = Client().get(story["article"].get_absolute_url()).content.decode()
    names = story["names"]
    assert f"/media/{names['lead']}" in page and f"/media/{names['open']}" in page
    for key in ("gated", "video", "poster"):
        assert names[key] not in page, key


def test_the_cached_gated_part_keeps_placeholders_and_the_check_signs_them(
    story: dict[str, Any],
) -> None:
    article, names = story["article"], story["names"]
    cached = paywall.gated_html(article.pk, ad_free=False)
    assert "masthead-media:" in cached
    assert "/media/" not in cached and "signature" not in cached
    answer = check(Client(REMOTE_ADDR="198.51.100.7"), article.pk).json()
    assert answer["granted"] is True
    urls = [url.replace("&amp;", "&") for url in SIGNED.findall(answer["html"])]
    assert {url.split("?")[0] for url in urls} == {
        f"/media/{names[key]}" for key in ("gated", "video", "poster")
    }
    for url in urls:
        fetched = Client().get(url)
        assert fetched.status_code == 200, url
        assert fetched["Cache-Control"].startswith("private, max-age=")
    assert Client().get(urls[0].split("?")[0]).status_code == 404


def test_a_denied_check_carries_no_url(story: dict[str, Any], settings: Any) -> None:
    settings.PAYWALL_ANONYMOUS_ALLOWANCE = 0
    forget_policy()
    answer = check(Client(REMOTE_ADDR="198.51.100.8"), story["article"].pk).json()
    assert answer["granted"] is False
    assert "/media/" not in str(answer) and "masthead-media" not in str(answer)


def test_moving_the_cut_shuts_a_file_at_once(story: dict[str, Any]) -> None:
    article, names = story["article"], story["names"]
    assert _status(names["open"]) == 200
    # A break after the first paragraph puts the image that followed it behind the cut.
    image = story["blocks"][1]
    image.position = 2
    image.save()
    Block.objects.create(article=article, position=1, kind=Block.Kind.PAYWALL_BREAK)
    assert _status(names["open"]) == 404
    assert _status(names["lead"]) == 200  # lead media are never behind the cut


def test_a_story_that_is_not_live_has_no_public_file(story: dict[str, Any]) -> None:
    article, names = story["article"], story["names"]
    article.status = Article.Status.DRAFT
    article.save()
    for key in ("lead", "open", "gated", "video"):
        assert _status(names[key]) == 404, key
    assert _status(names["portrait"]) == 200
    article.status = Article.Status.SCHEDULED
    article.published_at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    article.save()
    assert _status(names["lead"]) == 404
    article.published_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    article.save()
    assert _status(names["lead"]) == 200


def test_a_free_story_is_public_whole(story: dict[str, Any]) -> None:
    article, names = story["article"], story["names"]
    article.access_level = "free"
    article.save()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert f"/media/{names['gated']}" in page and "masthead-media:" not in page
    assert _status(names["gated"]) == 200 and _status(names["video"]) == 200


def test_the_editors_preview_of_a_draft_signs_its_files(story: dict[str, Any]) -> None:
    article, names = story["article"], story["names"]
    article.status = Article.Status.DRAFT
    article.save()
    editor = User.objects.create_user("ed@example.com", "pw-editor-123", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(editor)
    page = client.get(f"/admin/newsroom/article/{article.pk}/preview/").content.decode()
    assert "masthead-media:" not in page
    urls = [url.replace("&amp;", "&") for url in SIGNED.findall(page)]
    assert f"/media/{names['lead']}" in {url.split("?")[0] for url in urls}
    for url in urls:
        assert Client().get(url).status_code == 200


def test_the_rename_migration_moves_protected_files_and_back(story: dict[str, Any]) -> None:
    migration = importlib.import_module("masthead.newsroom.migrations.0004_rename_protected_files")
    names = story["names"]
    # Files as they were before random names: guessable, one of them shared.
    old = {
        "lead": default_storage.save("images/lead-old.png", ContentFile(factories.png_bytes())),
        "gated": default_storage.save("images/ledger.png", ContentFile(factories.png_bytes())),
        "video": default_storage.save("video/secret.webm", ContentFile(WEBM)),
    }
    Article.objects.filter(pk=story["article"].pk).update(lead_image=old["lead"])
    Block.objects.filter(image=names["gated"]).update(image=old["gated"])
    Video.objects.filter(pk=story["video"].pk).update(file=old["video"])
    draft = factories.article("old-draft", status="draft", paragraphs=1)
    Article.objects.filter(pk=draft.pk).update(lead_image=old["gated"])

    migration.rename_protected(django_apps, None)

    article = Article.objects.get(pk=story["article"].pk)
    assert article.lead_image.name == old["lead"]  # public: keeps its URL
    gated = Block.objects.get(pk=story["blocks"][4].pk).image.name
    assert gated != old["gated"] and gated.startswith("images/")
    assert Article.objects.get(pk=draft.pk).lead_image.name == gated  # one file, one new name
    video = Video.objects.get(pk=story["video"].pk).file.name
    assert video != old["video"] and video.startswith("video/")
    assert not default_storage.exists(old["gated"]) and default_storage.exists(gated)
    # The lead image of the draft, the gated image, the video and its poster.
    assert UploadRename.objects.count() == 4

    migration.restore_names(django_apps, None)

    assert Block.objects.get(pk=story["blocks"][4].pk).image.name == old["gated"]
    assert Article.objects.get(pk=draft.pk).lead_image.name == old["gated"]
    assert Video.objects.get(pk=story["video"].pk).file.name == old["video"]
    assert default_storage.exists(old["gated"]) and not default_storage.exists(gated)
    assert UploadRename.objects.count() == 0


class CrawlerPageMediaTests(CrawlerTestCase):
    def test_a_verified_crawler_gets_signed_urls_for_gated_files(self) -> None:
        with (
            tempfile.TemporaryDirectory() as folder,
            self.settings(MEDIA_ROOT=folder, PAYWALL_MEDIA_ACCEL_REDIRECT=""),
        ):
            block = Block.objects.create(article=self.article, position=99, kind=Block.Kind.IMAGE)
            name = _upload(block.image, "late.png")
            cache.clear()
            page = self.get(
                self.article.get_absolute_url(), GOOGLEBOT, REMOTE_ADDR=GENUINE_GOOGLEBOT
            ).content.decode()
            self.assertNotIn("masthead-media:", page)
            [url] = [u.replace("&amp;", "&") for u in SIGNED.findall(page)]
            self.assertEqual(url.split("?")[0], f"/media/{name}")
            self.assertEqual(Client().get(url).status_code, 200)
            self.assertEqual(_status(name), 404)
            # A spoofed crawler gets the preview: no URL of the file at all.
            spoofed = self.get(
                self.article.get_absolute_url(), GOOGLEBOT, REMOTE_ADDR="203.0.113.9"
            )
            self.assertNotIn(name, spoofed.content.decode())


def test_the_admins_current_file_link_is_signed(story: dict[str, Any]) -> None:
    article, names = story["article"], story["names"]
    article.status = Article.Status.DRAFT
    article.save()
    editor = User.objects.create_user("ed2@example.com", "pw-editor-123", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(editor)
    for url in (
        f"/admin/newsroom/article/{article.pk}/change/",
        f"/admin/newsroom/video/{story['video'].pk}/change/",
    ):
        page = client.get(url).content.decode()
        links = {u.replace("&amp;", "&") for u in SIGNED.findall(page)}
        assert links, url
        for link in links:
            assert Client().get(link).status_code == 200, link
    page = client.get(f"/admin/newsroom/article/{article.pk}/change/").content.decode()
    assert f">{names['lead']}</a>" in page and f">{names['gated']}</a>" in page
