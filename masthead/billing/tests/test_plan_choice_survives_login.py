"""A reader not logged in who chooses a plan registers (or logs in) and lands in that
plan's checkout, then back on the article, without choosing again."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from masthead.billing.tests.factories import PASSWORD, plan, reader, subscription

pytestmark = pytest.mark.django_db
ARTICLE = "/2026/03/10/council-votes/"
CHECKOUT = f"/subscribe/all-access/?next={ARTICLE}"


def _next_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["next"][0]


def _choose_link(client, slug: str) -> str:
    """Return where the plans page's "Choose" link of ``slug`` points."""
    page = client.get("/subscribe/", {"next": ARTICLE}).content.decode()
    block = page.split(f'data-plan="{slug}"', 1)[1]
    href = block.split('class="button" href="', 1)[1].split('"', 1)[0]
    return str(href).replace("&amp;", "&")


def test_it_registers_then_lands_in_the_chosen_plans_checkout(client, provider) -> None:
    plan("all-access", name="All Access")
    plan("news", name="News", price_minor=600)
    link = _choose_link(client, "news")
    assert link.startswith("/accounts/register/")
    checkout = _next_of(link)
    assert (urlsplit(checkout).path, _next_of(checkout)) == ("/subscribe/news/", ARTICLE)
    form = {"email": "new@example.com", "password": PASSWORD, "password_again": PASSWORD}
    registered = client.post("/accounts/register/", {**form, "next": checkout})
    assert registered["Location"] == checkout
    page = client.get(checkout)
    text = page.content.decode()
    assert "Subscribe to News" in text
    assert "$6.00" in text
    assert f'name="next" value="{ARTICLE}"' in text
    assert page["Cache-Control"] == "private, no-store"
    assert provider.calls == []  # showing the checkout starts nothing
    started = client.post("/subscribe/news/", {"next": ARTICLE})
    assert started.status_code == 303
    [(_name, request)] = provider.calls
    assert (request.plan_slug, request.success_url) == ("news", f"http://testserver{ARTICLE}")


def test_it_logs_in_then_lands_in_the_chosen_plans_checkout(client, provider) -> None:
    plan()
    user = reader("ada@example.com")
    anonymous = client.get(CHECKOUT)
    assert anonymous.status_code == 302
    register_url = anonymous["Location"]
    assert _next_of(register_url) == CHECKOUT
    # The register page's "Log in" link keeps the plan's checkout as next.
    login_link = client.get(register_url).content.decode()
    assert "/accounts/login/?next=/subscribe/all-access/%3Fnext%3D/2026/03/10/council-votes/" in (
        login_link.replace("%2F", "/")
    )
    logged_in = client.post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD, "next": CHECKOUT}
    )
    assert logged_in["Location"] == CHECKOUT
    assert "Continue to payment" in client.get(CHECKOUT).content.decode()


def test_it_sends_a_subscriber_of_that_plan_straight_back(client, provider) -> None:
    user = reader()
    subscription(user)
    client.force_login(user)
    response = client.get(CHECKOUT)
    assert response["Location"] == ARTICLE
    assert provider.calls == []


def test_it_keeps_next_on_this_site(client) -> None:
    plan()
    client.force_login(reader())
    page = client.get("/subscribe/all-access/", {"next": "https://evil.example/"})
    assert "evil.example" not in page.content.decode()
    assert 'name="next" value="/accounts/"' in page.content.decode()


def test_it_answers_404_for_a_plan_not_on_sale(client) -> None:
    plan("old", is_active=False)
    client.force_login(reader())
    assert client.get("/subscribe/old/").status_code == 404
    assert client.get("/subscribe/nope/").status_code == 404


def test_it_says_a_trial_charges_nothing_today(client) -> None:
    plan(trial_days=7)
    client.force_login(reader())
    page = client.get(CHECKOUT).content.decode()
    assert "nothing is charged today" in page
    assert "Continue to the free trial" in page
