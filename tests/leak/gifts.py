"""Gift tokens that must open nothing: forged, wrong-key, other-article, expired, revoked.

The forged kinds are made here. The genuine-but-wrong kinds are made with the gifts app's
own token code (``masthead.gifts.tokens.make_token``), so they are exactly what a real
link carries: signed by the site, hash stored, only the state is wrong.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core import signing

from masthead.accounts.models import User
from masthead.gifts.models import GiftLink
from masthead.gifts.tokens import make_token, token_hash

from .fixtures import FixtureArticle, LeakWorld


def forged_tokens(article_id: int) -> list[str]:
    """Return tokens no honest server ever issued for ``article_id``."""
    wrong_key = signing.dumps({"g": 1, "a": article_id}, key="not-the-site-key", salt="gifts.link")
    unsaved = signing.dumps({"g": 10**9, "a": article_id}, salt="gifts.link")
    return ["forged", secrets.token_urlsafe(32), wrong_key, unsaved, f"{article_id}:0:deadbeef"]


def gift_variants(world: LeakWorld, fixture: FixtureArticle) -> list[str]:
    """Return every token that must not open ``fixture`` for anyone."""
    return forged_tokens(fixture.article.pk) + world.bad_gifts.get(fixture.key, [])


def issue_gift(
    sender: User,
    fixture: FixtureArticle,
    created: dt.datetime,
    expires: dt.datetime,
    revoked: dt.datetime | None = None,
) -> str:
    """Store a gift link the way the gifts app does and return its token."""
    link = GiftLink.objects.create(
        sender=sender,
        article=fixture.article,
        created_at=created,
        expires_at=expires,
        revoked_at=revoked,
    )
    token = make_token(link)
    link.token_hash = token_hash(token)
    link.save(update_fields=["token_hash"])
    return token


def add_gifts(world: LeakWorld, now: dt.datetime) -> None:
    """Give ``world`` one open gift of the subscriber article and the bad ones of each.

    For every walled article: a gift expired one second ago, a revoked one, and the open
    gift of *another* article. The open gift is ``world.open_gift``.
    """
    sender = world.users["gifter"]
    day = dt.timedelta(days=1)
    world.open_gift = issue_gift(sender, world.articles["subscriber"], now - day, now + day)
    other = issue_gift(sender, world.articles["metered"], now - day, now + day)
    for key, fixture in world.walled.items():
        expired = issue_gift(sender, fixture, now - 15 * day, now - dt.timedelta(seconds=1))
        revoked = issue_gift(sender, fixture, now - day, now + day, revoked=now - day / 2)
        world.bad_gifts[key] = [expired, revoked] + ([other] if key != "metered" else [])
