"""Gift tokens: signed, bound to one article, reproducible for re-gifting, verified safely.

A token is ``django.core.signing`` over ``{"g": gift id, "a": article id}`` with the salt
``"gifts.link"`` and the gift's creation time as its timestamp. Because nothing random
goes in, the sender can be handed the same link again (re-gifting is free) while the
database keeps only the token's SHA-256. Keys in ``SECRET_KEY_FALLBACKS`` still verify,
and still reproduce links made before a rotation.

``verify_gift`` is what the access check calls (``PAYWALL_GIFT_VERIFIER``); it never
raises and answers None for a forged, expired, revoked or other-article token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.utils.crypto import constant_time_compare

from masthead.access import GiftGrant
from masthead.core.events import EventKind, record

from .models import GiftLink

logger = logging.getLogger(__name__)

SALT = "gifts.link"
# Longer strings are not ours; refuse them before any work.
MAX_TOKEN_LENGTH = 200


class _SignerAt(signing.TimestampSigner):
    """A ``TimestampSigner`` that stamps a chosen moment instead of the clock."""

    def __init__(self, at: dt.datetime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._at = at

    def timestamp(self) -> str:
        return signing.b62_encode(int(self._at.timestamp()))


def token_hash(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def make_token(gift: GiftLink, key: str | None = None) -> str:
    """Return the token of ``gift``, signed with ``key`` (default: ``SECRET_KEY``)."""
    signer = _SignerAt(gift.created_at, key=key, salt=SALT)
    return signer.sign_object({"g": gift.pk, "a": gift.article_id}, compress=False)


def recover_token(gift: GiftLink) -> str | None:
    """Return the token whose hash ``gift`` stores, trying each key; None if none matches."""
    for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        token = make_token(gift, key)
        if gift.token_hash and constant_time_compare(token_hash(token), gift.token_hash):
            return token
    return None


def _payload(token: Any) -> dict[str, Any] | None:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if not isinstance(data.get("g"), int) or not isinstance(data.get("a"), int):
        return None
    return data


def find_open_gift(token: Any, article_id: int, now: dt.datetime) -> GiftLink | None:
    """Return the gift ``token`` opens for ``article_id`` at ``now``, or None.

    None when the token is forged or malformed, names another article, or its gift was
    revoked, has expired or no longer exists.
    """
    data = _payload(token)
    if data is None or data["a"] != article_id:
        return None
    gift = GiftLink.objects.filter(pk=data["g"], article_id=article_id).first()
    if gift is None or not gift.token_hash:
        return None
    if not constant_time_compare(gift.token_hash, token_hash(str(token))):
        return None
    return gift if gift.is_open(now) else None


def verify_gift(token: str, article_id: int, now: dt.datetime) -> GiftGrant | None:
    """Return a grant for ``article_id`` when ``token`` is an open gift of it, else None.

    Counts the opening. Never raises: any failure is logged (without the token) and
    answers None, so the reader gets the preview, never an error.
    """
    try:
        gift = find_open_gift(token, article_id, now)
        if gift is None:
            return None
        GiftLink.objects.filter(pk=gift.pk).update(opens=F("opens") + 1, last_opened_at=now)
        record(EventKind.GIFT_OPENED, article_id=article_id, extra={"gift": gift.pk})
        return GiftGrant(article_id=article_id)
    except Exception:
        logger.exception("gift verification failed for article %s", article_id)
        return None
