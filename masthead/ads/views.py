"""The impression beacon: the page reports which ad slots were seen, nothing else.

Three guards keep the counts honest: the browser must vouch that this site's own page
sent it (``masthead.core.origin``, the access check's rule), each client address has a
per-minute limit (scope ``ads.impressions``), and only ads that exist and are running,
on an article the paywall's content source knows as live (``masthead.access``; this app
imports no newsroom module), are recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from masthead.access import article_is_live
from masthead.core import events, ratelimit
from masthead.core.errors import json_endpoint, json_error
from masthead.core.jsonbody import BadJSON, read_json_object, whole_number
from masthead.core.network import client_address
from masthead.core.origin import is_same_origin

from .models import HouseAd, Impressions

logger = logging.getLogger(__name__)

MAX_BODY = 2048
MAX_ADS = 20
BEACON_SHAPE = '{"ads": [ids], "article": id}'
LIMIT_SCOPE = "ads.impressions"
LIMIT_WINDOW_SECONDS = 60


def beacon_limit() -> ratelimit.Limit:
    """Return the beacon's limit per client address and minute (``ADS_BEACON_RATE_LIMIT``).

    A reader's page sends one beacon a second at most while slots scroll into view;
    the default leaves room for many readers behind one address.
    """
    attempts = int(getattr(settings, "ADS_BEACON_RATE_LIMIT", 120))
    return ratelimit.Limit(LIMIT_SCOPE, attempts, LIMIT_WINDOW_SECONDS)


class BadBeacon(ValueError):
    """The beacon's body is not ``{"ads": [ids], "article": id|null}``."""


def parse_beacon(data: dict[str, Any]) -> tuple[list[int], int | None]:
    """Return the ad ids and article id in a beacon's body; raise ``BadBeacon`` otherwise."""
    ads, article = data.get("ads"), data.get("article")
    if not isinstance(ads, list) or not 0 < len(ads) <= MAX_ADS:
        raise BadBeacon(f"ads must be a list of 1 to {MAX_ADS} ids")
    ids = [_id(item) for item in ads]
    if None in ids:
        raise BadBeacon("ads must hold positive integers")
    article_id = None if article is None else _id(article)
    if article is not None and article_id is None:
        raise BadBeacon("article must be a positive integer or null")
    return [ad for ad in dict.fromkeys(ids) if ad is not None], article_id


def _id(value: object) -> int | None:
    """Return ``value`` as an id (a positive whole number below 2**53), else None."""
    number = whole_number(value)
    return number if number is not None and 0 < number < 2**53 else None


def count_impression(ad_id: int, day: dt.date) -> None:
    """Add one impression for ``ad_id`` on ``day``; a single UPDATE when the row exists."""
    updated = Impressions.objects.filter(ad_id=ad_id, day=day).update(count=F("count") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            Impressions.objects.create(ad_id=ad_id, day=day, count=1)
    except IntegrityError:
        # Another request created the row first; count on it.
        Impressions.objects.filter(ad_id=ad_id, day=day).update(count=F("count") + 1)


def _is_known_article(article_id: int | None, now: dt.datetime) -> bool:
    """Return True for no article (a front page) or one the content source knows as live."""
    if article_id is None:
        return True
    try:
        return article_is_live(article_id, now)
    except Exception:  # noqa: BLE001 - a failing source proves nothing: count nothing
        logger.warning("impression_article_unknown article=%s", article_id)
        return False


def _no_content() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


# Exempt from Django's CSRF check: a cookie-less beacon from a cached page has no token
# to send. ``is_same_origin`` stands in for it, as it does for the access check.
@csrf_exempt
@json_endpoint("POST")
def impressions(request: HttpRequest) -> HttpResponse:
    """Count the impressions in the beacon; 400 JSON for a malformed body.

    403 when the browser does not vouch for this site's page, 429 past the limit; a
    beacon naming an unknown article, or ads that are missing or not running, counts
    nothing (still 204: there is nothing the page could do about it).
    """
    if not is_same_origin(request):
        return json_error(403, "Impressions are only counted from this site's own pages.")
    limit = beacon_limit()
    if ratelimit.hit(limit, client_address(request)):
        message = "Too many impression reports; try again in a minute."
        return json_error(429, message, headers={"Retry-After": "60"})
    try:
        body = read_json_object(request, max_bytes=MAX_BODY, example=BEACON_SHAPE)
        ad_ids, article_id = parse_beacon(body)
    except (BadJSON, BadBeacon) as exc:
        return json_error(400, str(exc))
    now = timezone.now()
    if not _is_known_article(article_id, now):
        return _no_content()
    running = HouseAd.objects.running(now).filter(pk__in=ad_ids)
    known = set(running.values_list("pk", flat=True))
    for ad_id in ad_ids:
        if ad_id not in known:
            continue
        count_impression(ad_id, now.date())
        events.record(
            events.EventKind.AD_IMPRESSION, article_id=article_id, extra={"ad": ad_id}, at=now
        )
    return _no_content()
