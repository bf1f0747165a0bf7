"""A change of entitlement shows in the very next access check: a grant ended, a gift revoked."""

from __future__ import annotations

import datetime as dt

from django.test import Client, override_settings
from django.utils import timezone

from masthead.billing.models import AccessGrant
from masthead.gifts.models import GiftLink
from masthead.gifts.tokens import token_hash

from .access import answer_of, check_access
from .fixtures import LeakWorld
from .oracle import leaks_in
from .readers import READERS_BY_NAME


def test_it_shuts_the_next_check_once_a_grant_has_ended(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    fixture = world.articles["subscriber"]
    client = READERS_BY_NAME["subscriber"].client(leak_sessions)
    assert answer_of(check_access(client, fixture.article.pk))["granted"] is True
    AccessGrant.objects.filter(user=world.users["subscriber"]).update(
        ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    after = check_access(client, fixture.article.pk)
    assert answer_of(after)["granted"] is False
    assert leaks_in(after, set(fixture.gated_markers), "grant ended") == []


@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=0)
def test_it_shuts_the_next_check_once_a_gift_is_revoked(world: LeakWorld) -> None:
    fixture = world.articles["subscriber"]
    client = Client()
    first = check_access(client, fixture.article.pk, gift=world.open_gift)
    assert answer_of(first)["granted"] is True
    GiftLink.objects.filter(token_hash=token_hash(world.open_gift)).update(
        revoked_at=timezone.now()
    )
    after = check_access(client, fixture.article.pk, gift=world.open_gift)
    assert answer_of(after)["granted"] is False
    assert leaks_in(after, set(fixture.gated_markers), "gift revoked") == []
