"""The impression beacon: the page reports which ad slots were seen, nothing else."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from masthead.core import events
from masthead.core.errors import json_endpoint, json_error
from masthead.core.jsonbody import BadJSON, read_json_object, whole_number

from .models import HouseAd, Impressions

logger = logging.getLogger(__name__)

MAX_BODY = 2048
MAX_ADS = 20
BEACON_SHAPE = '{"ads": [ids], "article": id}'


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


@csrf_exempt  # a cookie-less beacon from a cached page: there is no token to send
@json_endpoint("POST")
def impressions(request: HttpRequest) -> HttpResponse:
    """Count the impressions in the beacon; 400 JSON for a malformed body."""
    try:
        body = read_json_object(request, max_bytes=MAX_BODY, example=BEACON_SHAPE)
        ad_ids, article_id = parse_beacon(body)
    except (BadJSON, BadBeacon) as exc:
        return json_error(400, str(exc))
    now = timezone.now()
    known = set(HouseAd.objects.filter(pk__in=ad_ids).values_list("pk", flat=True))
    for ad_id in ad_ids:
        if ad_id not in known:
            continue
        count_impression(ad_id, now.date())
        events.record(
            events.EventKind.AD_IMPRESSION, article_id=article_id, extra={"ad": ad_id}, at=now
        )
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
