"""The demo's test payments: labelled on every page, complete once, refused outside the demo."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from masthead.billing.entitlements import entitlements_for
from masthead.billing.models import Subscription
from masthead.billing.providers import get_provider

from .factories import NOW, plan, reader

pytestmark = pytest.mark.django_db
ARTICLE = "/2026/03/10/council-votes/"
LABEL = "TEST PAYMENTS — no money moves"


def _checkout(client, user) -> str:
    client.force_login(user)
    response = client.post("/subscribe/all-access/", {"next": ARTICLE})
    assert response.status_code == 303
    return str(response["Location"])


def test_it_labels_the_checkout_and_returns_to_the_article_subscribed(client, settings) -> None:
    settings.BILLING_PROVIDER = "test"
    plan(ad_free=True)
    user = reader()
    url = _checkout(client, user)
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count(LABEL) >= 1
    assert f"<title>{LABEL.split(' —')[0]}" in page.content.decode()
    assert "Pay $15.00 (test)" in page.content.decode()
    done = client.post(url)
    assert (done.status_code, done["Location"]) == (303, f"http://testserver{ARTICLE}")
    stored = Subscription.objects.get()
    assert (stored.provider, stored.status, stored.user) == ("test", "active", user)
    assert entitlements_for(user, stored.created_at).ad_free is True
    account = client.get("/accounts/").content.decode()
    assert LABEL in account


def test_it_completes_one_checkout_once(client, settings) -> None:
    settings.BILLING_PROVIDER = "test"
    plan()
    url = _checkout(client, reader())
    client.post(url)
    client.post(url)
    assert Subscription.objects.count() == 1


def test_it_starts_a_trial_when_the_plan_has_one(client, settings) -> None:
    settings.BILLING_PROVIDER = "test"
    plan(trial_days=7, price_minor=600)
    url = _checkout(client, reader())
    page = client.get(url).content.decode()
    # A trial charges nothing today: the button must not say it pays.
    assert "Start the 7-day free trial (test)" in page
    assert "Nothing is charged today. After the 7-day trial, $6.00/month" in page
    assert "Pay $6.00" not in page
    client.post(url)
    assert Subscription.objects.get().status == "trialing"


def test_it_refuses_someone_elses_checkout(client, settings) -> None:
    settings.BILLING_PROVIDER = "test"
    plan()
    url = _checkout(client, reader())
    client.force_login(reader())
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_it_refuses_a_forged_checkout(client, settings) -> None:
    settings.BILLING_PROVIDER = "test"
    client.force_login(reader())
    assert client.get("/billing/test-checkout/forged:token/").status_code == 404


def test_it_refuses_to_run_outside_demo_and_debug(client, settings) -> None:
    settings.BILLING_PROVIDER = "test"
    plan()
    url = _checkout(client, reader())
    settings.DEMO = False
    settings.DEBUG = False
    assert client.get(url).status_code == 404
    with pytest.raises(ImproperlyConfigured):
        get_provider("test")
    assert NOW  # the module's fixed clock is unused here; checkouts run on real time
