"""Baselines: what the cheapest possible Django answer costs on the same server.

``baseline`` does only the I/O a meter decision cannot avoid — read the JSON body, verify a
signed visitor cookie, one Redis ``INCR`` — and answers JSON like the access check.
``page`` returns a fixed HTML body of a given size, the floor under a rendered preview.
"""

from __future__ import annotations

import json
from functools import cache

import redis
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.csrf import csrf_exempt

from masthead.core.network import client_address

VISITOR_SALT = "bench.visitor"


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5)


def visitor_cookie(visitor: str) -> str:
    """Return the signed cookie value the baseline accepts for ``visitor``."""
    return signing.get_cookie_signer(salt=VISITOR_SALT).sign(visitor)


@csrf_exempt
def baseline(request: HttpRequest) -> JsonResponse:
    """Verify the visitor cookie, count one read in Redis, answer like the access check."""
    try:
        article = int(json.loads(request.body)["article"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "bad request"}, status=400)
    visitor = request.get_signed_cookie("bench_visitor", default="", salt=VISITOR_SALT)
    used = _redis().incr(f"bench:{visitor or 'new'}:{article}")
    response = JsonResponse({"granted": True, "reason": "metered", "html": None, "used": used})
    response["Cache-Control"] = "private, no-store"
    return response


def page(request: HttpRequest) -> HttpResponse:
    """Return ``size`` bytes of fixed HTML (``?size=N``, at most 1 MB)."""
    size = min(int(request.GET.get("size", "20000") or 0), 1_000_000)
    return HttpResponse(_body(size))


@cache
def _body(size: int) -> bytes:
    head = b"<!doctype html><html><head><title>baseline</title></head><body><p>"
    tail = b"</p></body></html>"
    return head + b"x" * max(size - len(head) - len(tail), 0) + tail


def cookie(request: HttpRequest) -> HttpResponse:
    """Return a page marked public that also sets a cookie: a shared cache must not keep it."""
    response = HttpResponse(f"<p>cookie {get_random_string(8)}</p>")
    response["Cache-Control"] = "public, max-age=60"
    response.set_cookie("bench_cookie", "1")
    return response


def address(request: HttpRequest) -> JsonResponse:
    """Return the client address the app believes and whether it thinks TLS was used."""
    response = JsonResponse({"address": client_address(request), "is_secure": request.is_secure()})
    response["Cache-Control"] = "no-store"
    return response
