"""The paywall's JSON endpoints: the access check, who is logged in, the API schema."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from masthead.access import generations
from masthead.access.checking import ArticleNotFound, CheckOutcome, KnownReader, check_access
from masthead.access.offers import offer_html
from masthead.access.reader_pass import issue_pass, read_pass
from masthead.access.schema import api_schema
from masthead.access.sources import entitlements_for
from masthead.access.visitors import new_visitor_id, set_visitor_cookie, visitor_from
from masthead.core import ratelimit
from masthead.core.errors import PRIVATE, json_endpoint, json_error
from masthead.core.events import EventKind, record
from masthead.core.jsonbody import BadJSON, read_json_object, whole_number
from masthead.core.network import client_address
from masthead.core.origin import is_same_origin

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 4096
MAX_GIFT_CHARS = 512
MAX_ARTICLE_ID = 2**63 - 1
# The access check's own limit, per client address and minute.
CHECK_LIMIT_SCOPE = "access.check"
CHECK_LIMIT_WINDOW_SECONDS = 60


class BadRequest(Exception):
    """The request body cannot be used; the message is safe to show."""


def read_body(request: HttpRequest) -> dict[str, Any]:
    """Return the check's JSON body as an object; raise ``BadJSON`` when it is not one."""
    return _read_body(request)


def _read_body(request: HttpRequest) -> dict[str, Any]:
    return read_json_object(
        request, max_bytes=MAX_BODY_BYTES, example='{"article": id, "gift": null}'
    )


def check_limit() -> ratelimit.Limit:
    """Return the check's rate limit: ``PAYWALL_CHECK_RATE_LIMIT`` per address and minute."""
    return ratelimit.Limit(
        CHECK_LIMIT_SCOPE, int(settings.PAYWALL_CHECK_RATE_LIMIT), CHECK_LIMIT_WINDOW_SECONDS
    )


def _is_over_limit(request: HttpRequest) -> bool:
    return ratelimit.hit(check_limit(), client_address(request))


def parse_check(body: dict[str, Any]) -> tuple[int, str | None]:
    """Return the article id and gift token of a check request; raise ``BadRequest``."""
    article = body.get("article")
    # isascii: "²".isdigit() is True, but int("²") raises.
    if isinstance(article, str) and article.isascii() and article.isdigit() and len(article) < 20:
        article = int(article)
    article = whole_number(article)
    if article is None or not 0 < article <= MAX_ARTICLE_ID:
        raise BadRequest('"article" must be an article id (a positive integer).')
    gift = body.get("gift")
    if gift is not None and (not isinstance(gift, str) or len(gift) > MAX_GIFT_CHARS):
        raise BadRequest(f'"gift" must be a token of at most {MAX_GIFT_CHARS} characters, or null.')
    return article, gift or None


# The check is exempt from Django's CSRF middleware on purpose: it is called by the page
# script before the reader has any CSRF cookie (the cached page sets none), and its one
# side effect, counting a metered read, is guarded instead by ``is_same_origin``: browsers
# always send ``Origin`` (and ``Sec-Fetch-Site``) on a POST fetch, so another site cannot
# spend a reader's meter, and a request that names no origin at all is refused.
@csrf_exempt
@json_endpoint("POST")
def access_check(request: HttpRequest) -> HttpResponse:
    """Answer ``POST /api/access/`` as docs/design.md, "The access check", specifies."""
    if not is_same_origin(request):
        return wrong_origin()
    if _is_over_limit(request):
        return rate_limited()
    try:
        article_id, gift = parse_check(_read_body(request))
    except (BadJSON, BadRequest) as exc:
        return json_error(400, str(exc))
    visitor = visitor_from(request)
    is_new_visitor = visitor is None
    visitor = visitor or new_visitor_id()
    now = timezone.now()
    try:
        outcome = check_access(request, article_id, gift, visitor, now, _known_reader(request, now))
    except ArticleNotFound:
        return json_error(404, "There is no such article.")
    return check_answer(
        outcome,
        visitor,
        is_new_visitor=is_new_visitor,
        session_cookie=request.COOKIES.get(settings.SESSION_COOKIE_NAME),
    )


def rate_limited() -> HttpResponse:
    """Return the 429 answer of the access check (also the hot path's)."""
    return json_error(
        429, "Too many access checks; try again in a minute.", headers={"Retry-After": "60"}
    )


def wrong_origin() -> HttpResponse:
    """Return the 403 answer to a check that does not come from this site's pages."""
    return json_error(403, "The access check only answers this site's own pages.")


def check_answer(
    outcome: CheckOutcome,
    visitor: str,
    *,
    is_new_visitor: bool,
    session_cookie: str | None = None,
) -> HttpResponse:
    """Return the check's JSON answer for ``outcome`` and record its events.

    Shared by the view and the hot path (``hotpath``), so both answer byte for byte alike.
    A new reader pass (ordinary path only) is issued bound to ``session_cookie``.
    """
    response = JsonResponse(_payload(outcome))
    response["Cache-Control"] = PRIVATE
    patch_vary_headers(response, ("Cookie",))
    # Anonymous readers, and logged-in ones metered as visitors until they confirm their
    # address, are counted under the cookie: it must outlive this answer.
    if outcome.meters_as_visitor and is_new_visitor:
        set_visitor_cookie(response, visitor)
    if outcome.new_pass is not None and session_cookie:
        issue_pass(response, outcome.new_pass, session_cookie)
    _record(outcome, visitor)
    return response


def _known_reader(request: HttpRequest, now: dt.datetime) -> KnownReader | None:
    """Return the reader a valid, current pass names, or None (the ordinary path).

    Reads only cookies and one Redis key: ``request.user`` stays unevaluated.
    """
    if not generations.passes_enabled():
        return None
    found = read_pass(request.COOKIES, request.COOKIES.get(settings.SESSION_COOKIE_NAME), now)
    if found is None or not generations.is_current(found.user_id, found.generation):
        return None
    return KnownReader(found.user_id, found.reader_facts(now))


def _payload(outcome: CheckOutcome) -> dict[str, Any]:
    decision, meter = outcome.decision, outcome.meter
    offer = None
    if decision.offer is not None:
        allowance = meter.allowance if meter is not None and meter.is_available else None
        html = offer_html(
            decision.offer,
            decision.reason,
            outcome.policy,
            allowance,
            reader=outcome.reader,
            article=outcome.article,
        )
        offer = {"kind": decision.offer, "html": html}
    meter_json = None
    if meter is not None and meter.is_available:
        meter_json = {
            "used": meter.used,
            "allowance": meter.allowance,
            "remaining": meter.remaining,
        }
    return {
        "granted": decision.granted,
        "reason": decision.reason,
        "html": outcome.html if decision.granted else None,
        "offer": offer,
        "meter": meter_json,
        "ad_free": outcome.is_ad_free,
        "arm": outcome.arm.arm if outcome.arm is not None else None,
    }


def _record(outcome: CheckOutcome, visitor: str) -> None:
    user_id = outcome.user_id if outcome.reader.is_authenticated else None
    common: dict[str, Any] = {
        "article_id": outcome.article.article_id,
        "user_id": user_id,
        "visitor": None if user_id else visitor,
        "reader_kind": outcome.reader_kind,
        "section": outcome.article.section,
    }
    if outcome.arm is not None:
        # Each event names its arm, so the experiment's tables can credit it.
        common["extra"] = {"experiment": outcome.arm.experiment_id, "arm": outcome.arm.arm}
    decision = outcome.decision
    record(EventKind.ACCESS_CHECK, granted=decision.granted, reason=decision.reason, **common)
    if decision.offer is not None:
        record(EventKind.WALL_SHOWN, offer=decision.offer, reason=decision.reason, **common)


def _url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _is_subscriber(user: Any) -> bool:
    """Return True when ``user`` holds any entitlement (a plan or a hand grant).

    Only for the header's "Subscribe" link: a loader failure says False, so the link
    shows rather than hides.
    """
    try:
        return not entitlements_for(user, timezone.now()).is_empty
    except Exception:  # noqa: BLE001 - wording only; the access check fails closed itself
        logger.warning("me_entitlements_failed")
        return False


@json_endpoint("GET")
def me(request: HttpRequest) -> HttpResponse:
    """Answer ``GET /api/me/``: who is logged in, for the page header; private."""
    user: Any = request.user
    authenticated = bool(user.is_authenticated)
    response = JsonResponse(
        {
            "authenticated": authenticated,
            "subscriber": _is_subscriber(user) if authenticated else False,
            "email": user.email if authenticated else None,
            "account_url": _url("accounts:account", "/accounts/"),
            "logout_url": _url("accounts:logout", "/accounts/logout/"),
            "csrf_token": get_token(request),
        }
    )
    response["Cache-Control"] = PRIVATE
    patch_vary_headers(response, ("Cookie",))
    return response


@json_endpoint("GET")
def schema(request: HttpRequest) -> HttpResponse:
    """Answer ``GET /api/schema/``: the OpenAPI 3 document of every JSON endpoint."""
    response = JsonResponse(api_schema(), json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=300"
    return response
