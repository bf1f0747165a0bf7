"""An account's events lose its id when it is deleted, even those still in a buffer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from masthead.accounts.models import User
from masthead.analytics.models import Event
from masthead.analytics.privacy import export_events, forget_account
from masthead.analytics.store import write_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()
NOON = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


def row(user_id: int | None, visitor: str = "") -> dict[str, object]:
    return {
        "kind": "access_check", "at": NOON, "article_id": None, "section": "",
        "user_id": user_id, "visitor": visitor, "granted": True, "reason": "metered",
        "offer": "", "reader_kind": "registered", "extra": {},
    }  # fmt: skip


def test_events_buffered_for_an_account_deleted_meanwhile_are_written_without_its_id() -> None:
    alive = User.objects.create_user("alive@example.com", "a long password")
    gone = User.objects.create_user("gone@example.com", "a long password")
    gone_id = gone.pk
    gone.delete()  # erases: nothing yet, but the note for the writers
    write_events([row(alive.pk), row(gone_id), row(gone_id, visitor="k" * 32)])
    assert Event.objects.filter(user_id=alive.pk).count() == 1
    assert not Event.objects.filter(user_id=gone_id).exists()
    stripped = Event.objects.filter(user_id=None).values_list("visitor", flat=True)
    assert sorted(len(visitor) for visitor in stripped) == [32, 32]


def test_forgetting_an_account_keeps_visitor_keys_and_gives_the_rest_one_pseudonym() -> None:
    user = User.objects.create_user("gone@example.com", "a long password")
    write_events([row(user.pk), row(user.pk), row(user.pk, visitor="v" * 32)])
    assert len(export_events(user.pk)) == 3
    assert forget_account(user.pk) == 3
    visitors = list(Event.objects.values_list("visitor", flat=True))
    assert visitors.count("v" * 32) == 1
    assert len(set(visitors) - {"v" * 32}) == 1
    assert export_events(user.pk) == []


def test_a_new_account_that_gets_an_erased_id_keeps_it_on_its_events() -> None:
    # A rebuilt database (a restored backup, the test suite) can hand an erased id out
    # again within the note's hour; the new account is not the deleted one.
    gone = User.objects.create_user("gone@example.com", "a long password")
    gone_id = gone.pk
    gone.delete()
    write_events([row(gone_id)])
    assert not Event.objects.filter(user_id=gone_id).exists()
    User.objects.create_user("new@example.com", "a long password", pk=gone_id)
    write_events([row(gone_id)])
    assert Event.objects.filter(user_id=gone_id).count() == 1
