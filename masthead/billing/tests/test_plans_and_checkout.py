"""/subscribe/ lists plans and starts a checkout that returns the reader to the article."""

from __future__ import annotations

import pytest

from masthead.analytics.models import Event
from masthead.billing.exceptions import ProviderError

from .factories import plan, reader, subscription

pytestmark = pytest.mark.django_db
ARTICLE = "/2026/03/10/council-votes/"


def test_it_lists_plans_on_sale_only(client) -> None:
    plan("all-access", name="All Access")
    plan("old", name="Retired Plan", is_active=False)
    page = client.get("/subscribe/").content.decode()
    assert "All Access" in page
    assert "Retired Plan" not in page


def test_it_sends_anonymous_readers_to_register_first_keeping_the_article(client) -> None:
    plan()
    page = client.get(f"/subscribe/?next={ARTICLE}").content.decode()
    # The chosen plan's checkout, which keeps the article, is where registering leads.
    assert (
        "/accounts/register/?next=%2Fsubscribe%2Fall-access%2F%3Fnext%3D%252F2026%252F03%252F10"
        in page
    )


def test_it_keeps_the_plans_page_out_of_shared_caches(client) -> None:
    assert client.get("/subscribe/")["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "evil",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http:\\\\evil.example"],
)
def test_it_refuses_open_redirects_in_next(client, provider, evil) -> None:
    plan()
    client.force_login(reader())
    page = client.get("/subscribe/", {"next": evil}).content.decode()
    assert "evil.example" not in page
    client.post("/subscribe/all-access/", {"next": evil})
    request = provider.calls[-1][1]
    assert request.success_url == "http://testserver/accounts/"


def test_it_starts_a_checkout_returning_to_the_article(client, provider) -> None:
    plan(trial_days=7)
    user = reader()
    client.force_login(user)
    response = client.post("/subscribe/all-access/", {"next": ARTICLE})
    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.test/c/pay/cs_1"
    [(name, request)] = provider.calls
    assert name == "start_checkout"
    assert request.success_url == f"http://testserver{ARTICLE}"
    assert request.cancel_url.startswith("http://testserver/subscribe/?next=")
    assert (request.user_id, request.price_id, request.trial_days) == (
        user.pk,
        "price_all_access",
        7,
    )
    assert Event.objects.filter(kind="checkout_started", user_id=user.pk).count() == 1


def test_it_asks_anonymous_readers_to_log_in_before_checkout(client, provider) -> None:
    plan()
    response = client.post("/subscribe/all-access/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert provider.calls == []


def test_it_does_not_sell_a_plan_twice(client, provider) -> None:
    user = reader()
    subscription(user)
    client.force_login(user)
    response = client.post("/subscribe/all-access/", {"next": ARTICLE})
    assert response["Location"] == ARTICLE
    assert provider.calls == []


def test_it_answers_502_when_the_provider_fails(client, provider) -> None:
    plan()
    provider.fail = ProviderError("down")
    client.force_login(reader())
    response = client.post("/subscribe/all-access/")
    assert response.status_code == 502
    assert b"Payments are unavailable" in response.content


def test_it_refuses_unknown_or_retired_plans(client, provider) -> None:
    plan("old", is_active=False)
    client.force_login(reader())
    assert client.post("/subscribe/old/").status_code == 404
    assert client.post("/subscribe/nope/").status_code == 404
