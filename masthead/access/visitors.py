"""The anonymous reader's visitor id: an opaque random id in a signed cookie.

Only the access check sets it (the article page itself sets no cookie, so it stays
publicly cacheable). A cookie that is forged, unsigned or signed for another purpose is
treated as no cookie: the reader becomes a new visitor.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

# One salt per purpose (Django's signing convention): a value signed elsewhere with the
# same SECRET_KEY never validates here.
SALT = "masthead.access.visitor"
MAX_AGE_SECONDS = 365 * 24 * 3600
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def new_visitor_id() -> str:
    """Return a fresh random visitor id (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def visitor_from(request: HttpRequest) -> str | None:
    """Return the visitor id from a validly signed cookie, or None (no cookie, forged)."""
    raw = request.COOKIES.get(settings.PAYWALL_VISITOR_COOKIE, "")
    if not raw or len(raw) > 200:
        return None
    try:
        value = _signer().unsign(raw)
    except signing.BadSignature:
        return None
    return value if _ID.match(value) else None


def set_visitor_cookie(response: HttpResponse, visitor_id: str) -> None:
    """Attach the signed visitor cookie: HttpOnly, SameSite=Lax, Secure as the session."""
    response.set_cookie(
        settings.PAYWALL_VISITOR_COOKIE,
        _signer().sign(visitor_id),
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="Lax",
        # Follows the session cookie: Secure except in demo/debug (or when switched off).
        secure=bool(settings.SESSION_COOKIE_SECURE),
        path="/",
    )
