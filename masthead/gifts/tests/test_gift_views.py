"""POST /gifts/, GET /gifts/status/ and revoking: subscribers only, private answers."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.billing.tests.factories import reader
from masthead.gifts.models import GiftLink

pytestmark = pytest.mark.django_db


def test_it_tells_a_subscriber_they_may_gift(client, subscriber, story, settings) -> None:
    settings.GIFTS_MONTHLY_LIMIT = 10
    client.force_login(subscriber)
    response = client.get("/gifts/status/", {"article": story.pk})
    body = response.json()
    assert (body["can_gift"], body["remaining"], body["limit"]) == (True, 10, 10)
    assert body["csrf_token"]
    assert response["Cache-Control"] == "private, no-store"


def test_it_tells_others_they_may_not(client, story) -> None:
    assert client.get("/gifts/status/", {"article": story.pk}).json() == {"can_gift": False}
    client.force_login(reader())
    assert client.get("/gifts/status/", {"article": story.pk}).json() == {"can_gift": False}


def test_it_answers_404_for_unknown_articles(client, subscriber) -> None:
    client.force_login(subscriber)
    assert client.get("/gifts/status/", {"article": "999999"}).status_code == 404
    assert client.post("/gifts/", {"article": "999999"}).status_code == 404


def test_it_answers_400_json_for_a_missing_or_malformed_article(client, subscriber) -> None:
    client.force_login(subscriber)
    asked = [client.get("/gifts/status/")]
    asked += [client.get("/gifts/status/", {"article": v}) for v in ("abc", "", "1" * 40, "-3")]
    asked += [client.post("/gifts/", {"article": "abc"}), client.post("/gifts/")]
    for response in asked:
        assert response.status_code == 400
        assert "article" in response.json()["error"]
        assert response["Cache-Control"] == "private, no-store"


def test_it_makes_a_gift_link_on_the_canonical_url(client, subscriber, story) -> None:
    client.force_login(subscriber)
    response = client.post("/gifts/", {"article": story.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["url"].startswith(f"http://testserver{story.get_absolute_url()}?gift=")
    assert body["remaining"] == 9
    assert response["Cache-Control"] == "private, no-store"
    again = client.post("/gifts/", {"article": story.pk}).json()
    assert (again["url"], again["remaining"], again["is_new"]) == (body["url"], 9, False)


def test_it_requires_the_csrf_token(subscriber, story) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(subscriber)
    assert client.post("/gifts/", {"article": story.pk}).status_code == 403
    token = client.get("/gifts/status/", {"article": story.pk}).json()["csrf_token"]
    response = client.post("/gifts/", {"article": story.pk}, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_it_refuses_readers_without_a_subscription(client, story) -> None:
    assert client.post("/gifts/", {"article": story.pk}).status_code == 403
    client.force_login(reader())
    assert client.post("/gifts/", {"article": story.pk}).status_code == 403
    assert GiftLink.objects.count() == 0


def test_it_refuses_a_section_the_subscriber_does_not_hold(client, story) -> None:
    from masthead.billing.tests.factories import plan, subscription
    from masthead.newsroom.tests.factories import section

    user = reader()
    subscription(user, plan=plan("culture-only", sections=[section("culture")]))
    client.force_login(user)
    assert client.post("/gifts/", {"article": story.pk}).status_code == 403


def test_it_answers_429_past_the_allowance(
    client, subscriber, story, other_story, settings
) -> None:
    settings.GIFTS_MONTHLY_LIMIT = 1
    client.force_login(subscriber)
    client.post("/gifts/", {"article": story.pk})
    response = client.post("/gifts/", {"article": other_story.pk})
    assert response.status_code == 429
    assert response.json()["remaining"] == 0


def test_it_revokes_only_the_senders_own_links(client, subscriber, story) -> None:
    client.force_login(subscriber)
    client.post("/gifts/", {"article": story.pk})
    gift = GiftLink.objects.get()
    client.force_login(reader())
    client.post(f"/gifts/{gift.pk}/revoke/")
    assert GiftLink.objects.get().revoked_at is None
    client.force_login(subscriber)
    assert client.post(f"/gifts/{gift.pk}/revoke/")["Location"] == "/accounts/"
    assert GiftLink.objects.get().revoked_at is not None


def test_it_explains_a_405_for_revoking_by_get(client, subscriber, story) -> None:
    client.force_login(subscriber)
    client.post("/gifts/", {"article": story.pk})
    gift = GiftLink.objects.get()
    page = client.get(f"/gifts/{gift.pk}/revoke/")
    assert (page.status_code, page["Allow"]) == (405, "POST")
    assert "Revoke button on your account page" in page.content.decode()
    asked_json = client.get(f"/gifts/{gift.pk}/revoke/", headers={"Accept": "application/json"})
    assert asked_json.status_code == 405
    assert "Revoke button" in asked_json.json()["error"]
    assert GiftLink.objects.get().revoked_at is None


def test_it_mails_the_link_when_asked(client, subscriber, story) -> None:
    from django.core import mail

    client.force_login(subscriber)
    body = client.post("/gifts/", {"article": story.pk, "email": "friend@example.com"}).json()
    assert body["emailed"] is True
    [message] = mail.outbox
    assert message.to == ["friend@example.com"]
    assert body["url"] in message.body


def test_it_limits_gift_mails_per_sender(client, subscriber, story, settings) -> None:
    from django.core import mail
    from django.core.cache import cache

    cache.clear()
    settings.GIFTS_MAILS_PER_DAY = 2
    client.force_login(subscriber)
    sent = [
        client.post("/gifts/", {"article": story.pk, "email": f"f{n}@example.com"}).json()
        for n in range(3)
    ]
    assert [answer["emailed"] for answer in sent] == [True, True, False]
    assert "as many gift e-mails as allowed today" in sent[2]["email_error"]
    assert len(mail.outbox) == 2


def test_it_refuses_a_bad_address_with_a_clear_message(client, subscriber, story) -> None:
    from django.core import mail

    client.force_login(subscriber)
    for address in ("not an address", "friend@", "a@b@example.com"):
        response = client.post("/gifts/", {"article": story.pk, "email": address})
        assert response.status_code == 400
        body = response.json()
        assert (body["field"], body["error"]) == (
            "email",
            "Enter a valid e-mail address, like name@example.com.",
        )
    assert (len(mail.outbox), GiftLink.objects.count()) == (0, 0)
