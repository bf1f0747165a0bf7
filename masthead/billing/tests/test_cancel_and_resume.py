"""Cancel at period end and resume, from the account page, for one's own subscription only."""

from __future__ import annotations

import pytest

from masthead.analytics.models import Event
from masthead.billing.exceptions import ProviderError
from masthead.billing.models import Subscription

from .factories import reader, subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(client, provider):
    item = subscription(reader(), provider_subscription_id="sub_1", current_period_end=None)
    item.current_period_end = item.created_at.replace(year=item.created_at.year + 1)
    item.save()
    client.force_login(item.user)
    return item


def test_it_cancels_at_period_end_at_stripe_and_here(
    client, held, provider, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/billing/subscriptions/{held.pk}/cancel/")
    assert response["Location"] == "/accounts/"
    assert provider.calls == [("set_cancel_at_period_end", ("sub_1", True))]
    assert Subscription.objects.get().cancel_at_period_end is True
    assert Event.objects.filter(kind="subscription_canceled").count() == 1
    page = client.get("/accounts/").content.decode()
    assert "· Ends on " in page
    assert "· Active" not in page
    assert "Resume my subscription" in page


def test_it_resumes(client, held, provider) -> None:
    client.post(f"/billing/subscriptions/{held.pk}/cancel/")
    client.post(f"/billing/subscriptions/{held.pk}/resume/")
    assert provider.calls[-1] == ("set_cancel_at_period_end", ("sub_1", False))
    assert Subscription.objects.get().cancel_at_period_end is False
    assert "Renews on" in client.get("/accounts/").content.decode()


def test_it_changes_nothing_when_stripe_refuses(client, held, provider) -> None:
    provider.fail = ProviderError("down")
    client.post(f"/billing/subscriptions/{held.pk}/cancel/")
    assert Subscription.objects.get().cancel_at_period_end is False


def test_it_refuses_another_readers_subscription(client, held, provider) -> None:
    client.force_login(reader())
    assert client.post(f"/billing/subscriptions/{held.pk}/cancel/").status_code == 404
    assert provider.calls == []


def test_it_refuses_get(client, held) -> None:
    assert client.get(f"/billing/subscriptions/{held.pk}/cancel/").status_code == 405


def test_it_opens_the_portal_for_stripe_customers_only(client, held, provider) -> None:
    assert client.post("/billing/portal/")["Location"] == "/accounts/"
    Subscription.objects.update(provider_customer_id="cus_1")
    response = client.post("/billing/portal/")
    assert response["Location"] == "https://billing.stripe.test/p/session/1"
    assert provider.calls == [("portal_url", ("cus_1", "http://testserver/accounts/"))]
