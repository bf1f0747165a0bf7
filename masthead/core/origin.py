"""Whether a request comes from this site's own pages, by what the browser says.

Endpoints that a cached, cookie-less page calls (the access check, the ad beacon) carry
no CSRF token; this rule stands in for it. See docs/design.md, "The access check".
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def is_same_origin(request: HttpRequest) -> bool:
    """Return True when the browser says the request comes from this site's own pages.

    ``Origin``, when sent, must be this site or one of ``CSRF_TRUSTED_ORIGINS``;
    ``Sec-Fetch-Site``, when sent, must be ``same-origin`` (or ``none``, the reader's own
    action). One of the two must vouch: browsers send ``Origin`` on every POST fetch and
    beacon, so a request with neither header, or with only ``Sec-Fetch-Site: none``, is
    refused (False).
    """
    # META rather than ``request.headers``, which builds a dict of every header first.
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return fetch_site == "same-origin"
    own = f"{request.scheme}://{request.get_host()}"
    trusted = {own, *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    parts = urlsplit(origin)
    return origin != "null" and f"{parts.scheme}://{parts.netloc}" in trusted
