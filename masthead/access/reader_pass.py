"""The reader pass: a signed, short-lived cookie that lets a logged-in check skip SQL.

The access check's ordinary path reads the session, the user and the reader's
subscriptions and grants from the database. When it has done so for a logged-in reader,
it also hands out a pass (``issue_pass``): the user id, the reader's entitlements with
each piece's own end (``EntitlementTerms``), whether the address is confirmed, the
reader's generation (``generations``), an expiry, and a digest of the session cookie it
was issued with. On the next checks ``read_pass`` turns the cookie back into facts with no
I/O at all; the caller then asks Redis whether the generation is still current (one GET)
and, if so, decides from the pass without touching ``request.user``.

What keeps a pass honest:

- It is signed with ``SECRET_KEY`` and a salt of its own (``django.core.signing``): a
  forged or edited pass does not load.
- It is bound to the session cookie's value: copied next to another session cookie, or
  kept after logging out and in again (a new session key), it is worthless.
- It expires ``PAYWALL_READER_PASS_MINUTES`` after issue (or at the session's own expiry
  if that is sooner), and stops at ``changes_at`` (something new may begin then).
- A piece of access that ends on its own (a cancelled plan's period end, a grace period,
  a hand grant's end) drops out of the pass at that instant: no event is needed.
- Anything else that ends or changes access bumps the reader's generation
  (``generations.bump``); a pass of an older generation is refused.

Functions here are pure (settings read, nothing else): the I/O is in ``generations``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from masthead.access.meter_redis import generation_key_for
from masthead.access.meters import account_key
from masthead.access.policy import Entitlements, ReaderFacts
from masthead.access.terms import EntitlementTerm, EntitlementTerms

PASS_COOKIE = "masthead_pass"  # noqa: S105 - a cookie name, not a secret
# Only the access check reads the pass, so only its URL receives it: page requests (and
# the caches in front of them) never see it.
PASS_PATH = "/api/access/"  # noqa: S105 - a URL path
_SALT = "masthead.access.reader_pass"
_SESSION_SALT = "masthead.access.reader_pass.session"
_FORMAT = 1
# A pass larger than this is not issued (browsers cap a cookie near 4 KB); the reader
# is then checked on the ordinary path, as before passes existed.
MAX_PASS_CHARS = 3500


@dataclass(frozen=True)
class ReaderPass:
    """What a valid pass says about its reader."""

    user_id: int
    generation: str
    expires_at: dt.datetime
    terms: EntitlementTerms
    has_confirmed_email: bool

    def reader_facts(self, now: dt.datetime) -> ReaderFacts:
        """Return the decision's facts about this reader at ``now`` (within the pass's life)."""
        return ReaderFacts(True, self.terms.at(now), self.has_confirmed_email)


def generation_key(user_id: int) -> str:
    """Return the Redis key of account ``user_id``'s generation (hash-tagged by reader)."""
    prefix = str(getattr(settings, "PAYWALL_REDIS_PREFIX", "masthead:meter:"))
    return generation_key_for(prefix, account_key(user_id))


def lifetime() -> dt.timedelta:
    """Return how long a pass lasts after issue (``PAYWALL_READER_PASS_MINUTES``; 0: off)."""
    return dt.timedelta(minutes=int(getattr(settings, "PAYWALL_READER_PASS_MINUTES", 0)))


def session_digest(session_cookie_value: str) -> str:
    """Return the digest binding a pass to one session cookie value (keyed, not reversible)."""
    return salted_hmac(_SESSION_SALT, session_cookie_value, algorithm="sha256").hexdigest()[:32]


def _millis(moment: dt.datetime | None) -> int | None:
    # Floored to the millisecond: an end rounded down closes a pass early, never late.
    return None if moment is None else int(moment.timestamp() * 1000)


def _moment(millis: Any) -> dt.datetime | None:
    if millis is None:
        return None
    if not isinstance(millis, int) or isinstance(millis, bool):
        raise ValueError("not a time")
    return dt.datetime.fromtimestamp(millis / 1000, dt.UTC)


def encode_pass(reader_pass: ReaderPass, session_cookie_value: str) -> str:
    """Return the signed cookie value for ``reader_pass`` bound to ``session_cookie_value``."""
    terms = [
        [
            int(term.entitlements.ad_free),
            _millis(term.ends_at),
            sorted([level, section] for level, section in term.entitlements.scopes),
        ]
        for term in reader_pass.terms.terms
    ]
    payload = {
        "v": _FORMAT,
        "u": reader_pass.user_id,
        "g": reader_pass.generation,
        "x": _millis(reader_pass.expires_at),
        "n": _millis(reader_pass.terms.changes_at),
        "c": int(reader_pass.has_confirmed_email),
        "s": session_digest(session_cookie_value),
        "t": terms,
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def _decoded_terms(raw: Any, changes_at: dt.datetime | None) -> EntitlementTerms:
    if not isinstance(raw, list):
        raise ValueError("terms")
    terms = []
    for ad_free, ends, scopes in raw:
        if ad_free not in (0, 1) or not isinstance(scopes, list):
            raise ValueError("term")
        pairs = frozenset((str(level), str(section)) for level, section in scopes)
        if not all(isinstance(part, str) for pair in scopes for part in pair):
            raise ValueError("scope")
        terms.append(EntitlementTerm(Entitlements(pairs, bool(ad_free)), _moment(ends)))
    return EntitlementTerms(tuple(terms), changes_at)


def read_pass(
    cookies: dict[str, str], session_cookie_value: str | None, now: dt.datetime
) -> ReaderPass | None:
    """Return the request's valid pass, or None; no I/O (the generation is the caller's).

    None when there is no pass or no session cookie, when the signature, the format,
    the session binding, the expiry or ``changes_at`` says no. A pass never fails
    loudly: the caller takes the ordinary path.
    """
    value = cookies.get(PASS_COOKIE)
    if not value or not session_cookie_value or len(value) > MAX_PASS_CHARS:
        return None
    try:
        payload = signing.loads(value, salt=_SALT)
        if not isinstance(payload, dict) or payload.get("v") != _FORMAT:
            return None
        digest = payload["s"]
        if not isinstance(digest, str) or not constant_time_compare(
            digest, session_digest(session_cookie_value)
        ):
            return None
        user_id, generation = payload["u"], payload["g"]
        if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
            return None
        if not isinstance(generation, str) or not generation:
            return None
        expires_at = _moment(payload["x"])
        if expires_at is None or now >= expires_at:
            return None
        terms = _decoded_terms(payload["t"], _moment(payload["n"]))
        if not terms.covers(now) or payload["c"] not in (0, 1):
            return None
    except (signing.BadSignature, KeyError, TypeError, ValueError, json.JSONDecodeError):
        return None
    return ReaderPass(user_id, generation, expires_at, terms, bool(payload["c"]))


def issue_pass(response: HttpResponse, reader_pass: ReaderPass, session_cookie_value: str) -> bool:
    """Set the pass cookie on ``response``; return False when it is too large to send.

    HttpOnly, SameSite=Lax and Secure as the session cookie is; only sent to the access
    check's URL; the browser drops it at the pass's expiry.
    """
    value = encode_pass(reader_pass, session_cookie_value)
    if len(value) > MAX_PASS_CHARS:
        return False
    response.set_cookie(
        PASS_COOKIE,
        value,
        max_age=max(int(lifetime().total_seconds()), 1),
        path=PASS_PATH,
        domain=settings.SESSION_COOKIE_DOMAIN,
        secure=bool(settings.SESSION_COOKIE_SECURE),
        httponly=True,
        samesite="Lax",
    )
    return True


def clear_pass(response: HttpResponse) -> None:
    """Tell the browser to drop its pass (logout); the generation bump is what enforces it."""
    response.delete_cookie(
        PASS_COOKIE, path=PASS_PATH, domain=settings.SESSION_COOKIE_DOMAIN, samesite="Lax"
    )
