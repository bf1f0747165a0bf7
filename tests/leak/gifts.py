"""Gift tokens that must open nothing: forged, wrong-key, other-article, expired, revoked.

The forged kinds need nothing from the gifts app. The genuine-but-wrong kinds are made
with the gifts app's own code once it exists (``masthead.gifts``); until then only the
forged kinds are tried.
"""

from __future__ import annotations

import secrets

from django.core import signing

from .fixtures import FixtureArticle, LeakWorld


def forged_tokens(article_id: int) -> list[str]:
    """Return tokens no honest server ever issued for ``article_id``."""
    wrong_key = signing.dumps({"a": article_id}, key="not-the-site-key", salt="gifts.link")
    return ["forged", secrets.token_urlsafe(32), wrong_key, f"{article_id}:0:deadbeef"]


def gift_variants(world: LeakWorld, fixture: FixtureArticle) -> list[str]:
    """Return every token that must not open ``fixture`` for anyone."""
    return forged_tokens(fixture.article.pk) + world.bad_gifts.get(fixture.key, [])
