"""The access check with reader passes, against a real Redis: each boundary where access ends.

A logged-in check on the ordinary path reads the database and issues a pass; the next
check decides from the pass with no SQL at all. Every change that ends access (refund,
revoked grant, deleted account, immediate cancellation, logout, password change) must
show on the reader's very next check; a plan's own period end must show to the second with
no event; a pass that is forged, tampered, expired, copied next to another session, or
replayed after a bump must never grant more than the database would.
"""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.access import generations
from masthead.access.meter_redis import redis_client
from masthead.access.reader_pass import PASS_COOKIE, generation_key
from masthead.accounts.models import User
from masthead.billing.models import AccessGrant, Subscription
from masthead.billing.subscriptions import end_all_now
from masthead.billing.tests import factories as billing
from masthead.billing.tests.stripe_events import SECRET, deliver, event, subscription_object

from .helpers import check, make_article

pytestmark = [pytest.mark.redis, pytest.mark.django_db]
PASSWORD = billing.PASSWORD


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The check's analytics events, kept here instead of written.

    In production they leave the request thread (a background flusher); the test
    settings write them at once, which would put an INSERT into the SQL count.
    """
    kept: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "masthead.access.views.record", lambda kind, **fields: kept.append({"kind": kind, **fields})
    )
    return kept


@pytest.fixture
def passes(settings: Any, redis_url: str, events: list[dict[str, Any]]) -> Iterator[str]:
    """Reader passes on: the meter on the test Redis under a fresh prefix."""
    prefix = f"test:{uuid.uuid4().hex}:"
    settings.PAYWALL_METER_STORE = "redis"
    settings.PAYWALL_REDIS_URL = redis_url
    settings.PAYWALL_REDIS_PREFIX = prefix
    settings.PAYWALL_READER_PASS_MINUTES = 5
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.BILLING_STRIPE_WEBHOOK_SECRET = SECRET
    generations.resume()
    yield prefix
    generations.resume()
    client = redis_client(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.fixture
def article() -> Any:
    return make_article("subscriber")


def subscriber(**fields: Any) -> User:
    user = billing.reader()
    fields.setdefault("current_period_end", timezone.now() + dt.timedelta(days=20))
    fields.setdefault("provider", Subscription.Provider.MANUAL)  # no provider call on cancel
    billing.subscription(user, provider_subscription_id=f"sub_{user.pk}", **fields)
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answer(client: Client, article: Any) -> dict[str, Any]:
    response = check(client, article.pk)
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    data["_issued_pass"] = PASS_COOKIE in response.cookies
    return data


def granted(data: dict[str, Any], article: Any) -> bool:
    """Return the answer's grant, after making sure a denial leaks nothing."""
    if not data["granted"]:
        assert article.gated_marker not in str(data)
    return bool(data["granted"])


@contextmanager
def no_database() -> Iterator[list[str]]:
    """Fail nothing, but record every SQL query and every cursor opened (``SELECT 1`` too)."""
    opened: list[str] = []
    real_cursor: Callable[..., Any] = connection._cursor  # type: ignore[attr-defined]

    def counting_cursor(*args: Any, **kwargs: Any) -> Any:
        opened.append("cursor")
        return real_cursor(*args, **kwargs)

    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(connection, "_cursor", counting_cursor),
    ):
        yield opened
    opened.extend(query["sql"] for query in queries.captured_queries)


def reader_tables(statements: list[str]) -> list[str]:
    """Return the statements that read a reader's session, account, plan or grants."""
    names = ("django_session", "accounts_user", "billing_")
    return [sql for sql in statements if any(name in sql for name in names)]


def primed(user: User, article: Any) -> Client:
    """Return a logged-in client holding a fresh pass, checked to work without SQL."""
    client = logged_in(user)
    first = answer(client, article)
    assert first["_issued_pass"] is True
    with no_database() as used:
        second = answer(client, article)
    if used and not reader_tables(used):
        # A process-wide cache (the policy's, the running experiment's) may fall due just
        # then, and is read once for every reader; the very next check must read nothing.
        with no_database() as used:
            second = answer(client, article)
    assert used == []
    assert second["_issued_pass"] is False
    assert granted(first, article) == granted(second, article)
    return client


# --- the hot path ---------------------------------------------------------------------


def test_a_subscriber_with_a_pass_is_checked_without_any_sql(
    passes: str, article: Any, events: list[dict[str, Any]]
) -> None:
    user = subscriber()
    client = logged_in(user)
    first = answer(client, article)
    assert granted(first, article) and first["_issued_pass"]
    events.clear()
    with no_database() as used:
        data = answer(client, article)
    assert used == []  # no query, no cursor: no SELECT 1 from CONN_HEALTH_CHECKS either
    assert [(e["user_id"], e["reader_kind"]) for e in events] == [(user.pk, "subscriber")]
    assert granted(data, article) is True
    assert article.gated_marker in data["html"]
    assert data["reason"] == "subscriber"
    assert data["ad_free"] is False  # the factory's plan does not switch ads off


def test_a_registered_reader_with_a_pass_is_metered_without_sql(passes: str) -> None:
    metered = make_article("metered")
    client = logged_in(billing.reader())
    assert answer(client, metered)["_issued_pass"] is True
    with no_database() as used:
        data = answer(client, metered)
    assert used == []
    assert data["granted"] is True and data["reason"] == "metered"
    assert data["meter"]["used"] == 1  # the same article counted once, under the account


def test_without_a_redis_meter_no_pass_is_issued(settings: Any, article: Any) -> None:
    settings.PAYWALL_METER_STORE = "sql"
    client = logged_in(subscriber())
    assert answer(client, article)["_issued_pass"] is False
    assert PASS_COOKIE not in client.cookies
    assert granted(answer(client, article), article) is True


def test_with_passes_switched_off_no_pass_is_issued(passes: str, settings: Any) -> None:
    settings.PAYWALL_READER_PASS_MINUTES = 0
    client = logged_in(subscriber())
    assert answer(client, make_article("subscriber"))["_issued_pass"] is False


# --- changes that end access: the very next check -------------------------------------


def test_a_refund_ends_access_on_the_next_check(passes: str, article: Any, client: Any) -> None:
    user = subscriber(provider=Subscription.Provider.STRIPE)
    reader = primed(user, article)
    # A refund that cancels the plan reaches us as the provider's "deleted" event.
    gone = subscription_object(
        f"sub_{user.pk}",
        user_id=user.pk,
        status="canceled",
        period_end=timezone.now() + dt.timedelta(days=20),
    )
    response = deliver(client, event("customer.subscription.deleted", gone, timezone.now()))
    assert response.status_code == 200
    assert Subscription.objects.get(user=user).status == "canceled"
    data = answer(reader, article)
    assert granted(data, article) is False
    assert data["_issued_pass"] is True  # read from the database, and a new pass with it


def test_an_immediate_cancellation_ends_access_on_the_next_check(passes: str, article: Any) -> None:
    user = subscriber(current_period_end=timezone.now() + dt.timedelta(days=9))
    reader = primed(user, article)
    end_all_now(user, timezone.now())
    assert granted(answer(reader, article), article) is False


def test_a_revoked_grant_ends_access_on_the_next_check(passes: str, article: Any) -> None:
    user = billing.reader()
    grant = AccessGrant.objects.create(user=user, note="Comp")
    reader = primed(user, article)
    grant.delete()
    assert granted(answer(reader, article), article) is False


def test_a_grant_cut_short_ends_access_on_the_next_check(passes: str, article: Any) -> None:
    user = billing.reader()
    grant = AccessGrant.objects.create(user=user, note="Comp")
    reader = primed(user, article)
    grant.ends_at = timezone.now() - dt.timedelta(seconds=1)
    grant.save()
    assert granted(answer(reader, article), article) is False


def test_a_grant_narrowed_to_one_section_shows_on_the_next_check(passes: str, article: Any) -> None:
    from masthead.newsroom.tests import factories as newsroom

    user = billing.reader()
    grant = AccessGrant.objects.create(user=user, note="Comp")
    reader = primed(user, article)
    grant.sections.set([newsroom.section("not-metro")])  # the article is in "metro"
    assert granted(answer(reader, article), article) is False


def test_a_deleted_account_is_denied_on_the_next_check(passes: str, article: Any) -> None:
    user = subscriber()
    reader = primed(user, article)
    User.objects.filter(pk=user.pk).delete()
    data = answer(reader, article)
    assert granted(data, article) is False
    assert data["_issued_pass"] is False  # anonymous now: nothing to issue


def test_a_deactivated_account_is_denied_on_the_next_check(passes: str, article: Any) -> None:
    user = subscriber()
    reader = primed(user, article)
    user.is_active = False
    user.save()
    assert granted(answer(reader, article), article) is False


def test_logging_out_ends_the_pass_even_when_the_old_cookies_are_replayed(
    passes: str, article: Any
) -> None:
    user = subscriber()
    reader = primed(user, article)
    kept = {name: morsel.value for name, morsel in reader.cookies.items()}
    assert reader.post("/accounts/logout/").status_code in (200, 302)
    thief = Client()
    for name, value in kept.items():  # the session cookie and pass from before logout
        thief.cookies[name] = value
    assert granted(answer(thief, article), article) is False
    assert granted(answer(reader, article), article) is False


def test_a_password_change_elsewhere_ends_the_other_sessions_pass(
    passes: str, article: Any
) -> None:
    user = subscriber()
    other_device = primed(user, article)
    user.set_password("a-whole-new-passphrase-9")
    user.save()
    assert granted(answer(other_device, article), article) is False


def test_a_new_subscription_opens_on_the_next_check(passes: str, article: Any) -> None:
    user = billing.reader()
    reader = primed(user, article)
    billing.subscription(user, current_period_end=timezone.now() + dt.timedelta(days=30))
    assert granted(answer(reader, article), article) is True


def test_a_plan_losing_a_section_shows_on_the_next_check(passes: str, article: Any) -> None:
    from masthead.newsroom.tests import factories as newsroom

    user = subscriber()
    reader = primed(user, article)
    plan = Subscription.objects.get(user=user).plan
    plan.sections.set([newsroom.section("sports")])  # edited in the admin: metro is out
    assert granted(answer(reader, article), article) is False


# --- ends without any event: to the second --------------------------------------------


def test_a_cancelled_plan_ends_at_its_period_end_to_the_second(passes: str, article: Any) -> None:
    period_end = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    user = subscriber(cancel_at_period_end=True, current_period_end=period_end)
    with time_machine.travel(period_end - dt.timedelta(minutes=2), tick=False):
        reader = logged_in(user)
        assert answer(reader, article)["_issued_pass"] is True
    with time_machine.travel(period_end - dt.timedelta(seconds=1), tick=False):
        with no_database() as used:
            before = answer(reader, article)
        # Minutes have passed: the policy's 10-second memo reloads, but nothing of the
        # reader is read; the grant comes from the pass.
        assert reader_tables(used) == []
        assert before["_issued_pass"] is False
        assert granted(before, article) is True
    with time_machine.travel(period_end, tick=False):
        with no_database() as used:
            at_end = answer(reader, article)
    assert reader_tables(used) == []  # still the pass: no event, no reload
    assert at_end["_issued_pass"] is False
    assert granted(at_end, article) is False


def test_a_grace_period_ends_to_the_second(passes: str, article: Any) -> None:
    grace_end = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    user = subscriber(status=Subscription.Status.PAST_DUE, grace_ends_at=grace_end)
    with time_machine.travel(grace_end - dt.timedelta(minutes=1), tick=False):
        reader = logged_in(user)
        assert granted(answer(reader, article), article) is True
    with time_machine.travel(grace_end - dt.timedelta(seconds=1), tick=False):
        assert granted(answer(reader, article), article) is True
    with time_machine.travel(grace_end, tick=False):
        assert granted(answer(reader, article), article) is False


def test_a_grant_starting_later_is_not_missed_by_a_pass(passes: str, article: Any) -> None:
    user = billing.reader()
    starts = (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    AccessGrant.objects.create(user=user, starts_at=starts, note="From tomorrow")
    with time_machine.travel(starts - dt.timedelta(minutes=2), tick=False):
        reader = logged_in(user)
        assert granted(answer(reader, article), article) is False
    with time_machine.travel(starts, tick=False):
        data = answer(reader, article)
    assert data["_issued_pass"] is True  # the pass stopped at the start: reloaded
    assert granted(data, article) is True


def test_an_expired_pass_falls_back_to_the_database(passes: str, article: Any) -> None:
    user = subscriber()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        reader = logged_in(user)
        answer(reader, article)
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        data = answer(reader, article)
    assert data["_issued_pass"] is True
    assert granted(data, article) is True


# --- passes that must not work --------------------------------------------------------


def test_a_forged_pass_unlocks_nothing(passes: str, article: Any) -> None:
    user = billing.reader()
    reader = logged_in(user)
    forged = {
        "v": 1,
        "u": user.pk,
        "g": "0000",
        "x": int((timezone.now() + dt.timedelta(hours=1)).timestamp() * 1000),
        "n": None,
        "c": 1,
        "s": "0" * 32,
        "t": [[1, None, [["subscriber", "*"]]]],
    }
    reader.cookies[PASS_COOKIE] = signing.dumps(forged)  # not the pass's salt
    assert granted(answer(reader, article), article) is False
    anonymous = Client()
    anonymous.cookies[PASS_COOKIE] = signing.dumps(forged, salt="masthead.access.reader_pass")
    assert granted(answer(anonymous, article), article) is False


def test_a_pass_copied_next_to_another_session_is_worthless(passes: str, article: Any) -> None:
    paying = primed(subscriber(), article)
    freeloader = logged_in(billing.reader())
    freeloader.cookies[PASS_COOKIE] = paying.cookies[PASS_COOKIE].value
    data = answer(freeloader, article)
    assert granted(data, article) is False
    assert data["_issued_pass"] is True  # their own, empty pass replaces it


def test_an_old_pass_replayed_after_a_bump_is_refused(passes: str, article: Any) -> None:
    user = subscriber()
    reader = primed(user, article)
    old_pass = reader.cookies[PASS_COOKIE].value
    end_all_now(user, timezone.now())
    assert granted(answer(reader, article), article) is False
    reader.cookies[PASS_COOKIE] = old_pass  # same session, older generation
    data = answer(reader, article)
    assert granted(data, article) is False
    assert data["_issued_pass"] is True


def test_a_lost_generation_key_refuses_every_pass(
    passes: str, article: Any, redis_url: str
) -> None:
    user = subscriber()
    reader = primed(user, article)
    redis_client(redis_url).delete(generation_key(user.pk))
    Subscription.objects.filter(user=user).update(status="canceled")  # no signal: raw SQL
    assert granted(answer(reader, article), article) is False


# --- Redis unreachable ----------------------------------------------------------------


def _dead_redis_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_with_redis_down_the_check_reads_the_database(
    passes: str, article: Any, settings: Any
) -> None:
    user = subscriber()
    reader = primed(user, article)
    settings.PAYWALL_REDIS_URL = _dead_redis_url()
    with CaptureQueriesContext(connection) as queries:
        data = answer(reader, article)
    assert len(queries.captured_queries) > 0  # the ordinary path
    assert granted(data, article) is True  # the database says so
    assert data["_issued_pass"] is False  # no generation, no pass


def test_a_bump_lost_to_a_redis_outage_never_leaves_a_stale_grant(
    passes: str, article: Any, settings: Any, redis_url: str
) -> None:
    user = subscriber()
    reader = primed(user, article)
    settings.PAYWALL_REDIS_URL = _dead_redis_url()
    end_all_now(user, timezone.now())  # the bump cannot reach Redis
    assert generations.is_suspended() is True
    settings.PAYWALL_REDIS_URL = redis_url  # Redis is back; the old generation is in it
    data = answer(reader, article)
    assert granted(data, article) is False
    assert data["_issued_pass"] is False  # and no pass until the suspension is over


def test_confirming_the_address_shows_on_the_next_check(passes: str, settings: Any) -> None:
    from masthead.accounts.confirmation import mark_confirmed

    settings.PAYWALL_REQUIRE_EMAIL_CONFIRMATION = True
    settings.PAYWALL_ANONYMOUS_ALLOWANCE = 0
    settings.PAYWALL_REGISTERED_ALLOWANCE = 5
    metered = make_article("metered")
    user = billing.reader()
    User.objects.filter(pk=user.pk).update(email_confirmed_at=None)
    user.refresh_from_db()
    reader = logged_in(user)
    first = answer(reader, metered)
    assert first["_issued_pass"] is True
    assert (first["granted"], first["reason"]) == (False, "confirmation_required")
    second = answer(reader, metered)
    assert second["_issued_pass"] is False  # decided from the pass, which says unconfirmed
    assert second["reason"] == "confirmation_required"
    mark_confirmed(user)
    after = answer(reader, metered)
    assert (after["granted"], after["reason"]) == (True, "metered")


def test_a_section_renamed_under_a_plan_is_followed_on_the_next_check(
    passes: str, article: Any
) -> None:
    from masthead.newsroom.tests import factories as newsroom

    metro = newsroom.section("metro")
    user = subscriber(plan=billing.plan("metro-plan", sections=[metro]))
    reader = primed(user, article)
    metro.slug = "city"  # passes name sections by slug: the old one must not linger
    metro.save()
    data = answer(reader, article)
    assert data["_issued_pass"] is True
    assert granted(data, article) is True
