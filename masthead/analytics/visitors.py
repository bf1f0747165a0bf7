"""The visitor key: a keyed hash, so the event record never holds the cookie value."""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings

# One salt per purpose (Django's signing habit): this hash is for counting visitors only.
_SALT = "masthead.analytics.visitor"
VISITOR_KEY_LENGTH = 32


@functools.lru_cache(maxsize=4)
def _hmac_key(secret: str) -> bytes:
    # Derived as django.utils.crypto.salted_hmac does, once per secret rather than per call:
    # this runs on the access check's path.
    return hashlib.sha256((_SALT + secret).encode()).digest()


def visitor_key(raw_visitor_id: str) -> str:
    """Return the stored form of a visitor id: a truncated HMAC-SHA256 of it.

    Return "" for an empty id. The key depends on ``SECRET_KEY``: rotating it starts a new
    set of keys, which is what a privacy reset should do anyway.
    """
    if not raw_visitor_id:
        return ""
    key = _hmac_key(settings.SECRET_KEY)
    # The one-shot C digest: the same HMAC as ``hmac.new(...)``, a fifth of its cost.
    return hmac.digest(key, raw_visitor_id.encode(), "sha256").hex()[:VISITOR_KEY_LENGTH]
