"""The visitor key: a keyed hash, so the event record never holds the cookie value."""

from __future__ import annotations

from django.utils.crypto import salted_hmac

# One salt per purpose (Django's signing habit): this hash is for counting visitors only.
_SALT = "masthead.analytics.visitor"
VISITOR_KEY_LENGTH = 32


def visitor_key(raw_visitor_id: str) -> str:
    """Return the stored form of a visitor id: a truncated HMAC-SHA256 of it.

    Return "" for an empty id. The key depends on ``SECRET_KEY``: rotating it starts a new
    set of keys, which is what a privacy reset should do anyway.
    """
    if not raw_visitor_id:
        return ""
    digest = salted_hmac(_SALT, raw_visitor_id, algorithm="sha256").hexdigest()
    return digest[:VISITOR_KEY_LENGTH]
