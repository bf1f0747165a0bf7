"""Pages opened through ?gift= are private, unindexed and send no referrer."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_marks_a_gift_url_private_and_noindex(client, story) -> None:
    response = client.get(story.get_absolute_url(), {"gift": "anything"})
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"


def test_it_leaves_the_plain_article_url_alone(client, story) -> None:
    response = client.get(story.get_absolute_url())
    assert "X-Robots-Tag" not in response
    assert response["Referrer-Policy"] != "no-referrer"


def test_it_never_redeems_a_gift_on_get(client, subscriber, story) -> None:
    from masthead.gifts.models import GiftLink

    client.force_login(subscriber)
    url = client.post("/gifts/", {"article": story.pk}).json()["url"]
    client.logout()
    page = client.get(url.replace("http://testserver", "")).content.decode()
    assert GiftLink.objects.get().opens == 0
    assert "GATEDWORD6" not in page
