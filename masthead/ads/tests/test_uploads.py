"""A house ad's picture is checked by content in the admin, like the newsroom's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from masthead.accounts.models import User
from masthead.ads.models import HouseAd
from masthead.core.tests.test_uploads import HTML, PE, SVG, picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(settings: Any, tmp_path: Path) -> Client:
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(User.objects.create_superuser("boss@example.com", "pw-boss-12345"))
    return client


def _add(client: Client, name: str, content: bytes) -> Any:
    data = {"name": "Subscribe", "image": SimpleUploadedFile(name, content), "alt": "Subscribe"}
    return client.post("/admin/ads/housead/add/", {**data, "weight": "1", "is_active": "on"})


@pytest.mark.parametrize(
    ("name", "content"),
    [("ad.png", SVG), ("ad.jpg", HTML), ("ad.gif", PE), ("ad.jpg", picture("PNG"))],
    ids=["svg", "html", "pe", "png-named-jpg"],
)
def test_an_ad_picture_must_be_what_its_name_says(
    editor: Client, tmp_path: Path, name: str, content: bytes
) -> None:
    response = _add(editor, name, content)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not HouseAd.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_a_real_ad_picture_goes_in(editor: Client) -> None:
    response = _add(editor, "ad.png", picture("PNG", size=(728, 90)))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert HouseAd.objects.get().image.name.endswith(".png")
