"""The site's Content-Security-Policy, built once from settings for django-csp.

The policy is strict and the same on every response: scripts, styles, fonts and fetches
come only from the site itself (``'self'``, never inline, never ``eval``), plugins never
run, ``<base>`` cannot move relative URLs elsewhere, no other site may frame a page, and
forms post only to the site and to the origins the caller names (the payment provider's
checkout and portal: a form POST answered by a redirect is checked against ``form-action``
at every hop).

A publisher extends it only with origins, read from the environment and checked here: a
value that is not a plain origin (a keyword such as ``'unsafe-inline'``, a ``;`` that would
start another directive, a bare ``*``) stops the process at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured

SELF = "'self'"
NONE = "'none'"

# scheme://host[:port][/path], the host optionally starting with "*." (CSP host-source);
# or one of the few scheme-sources that make sense for images and media.
_HOST_SOURCE = re.compile(
    r"^(?:https?|wss?)://(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"(?::(?:[0-9]{1,5}|\*))?(?:/[A-Za-z0-9._~!$&()*+=:@%/-]*)?$",
    re.IGNORECASE,
)
_SCHEME_SOURCES = frozenset({"https:", "data:", "blob:"})
_REPORT_URI = re.compile(r"^(?:https://[^\s;,'\"]+|/[^\s;,'\"]*)$")


def checked_sources(setting: str, values: Iterable[str]) -> list[str]:
    """Return ``values`` when each is an origin CSP may name; raise naming ``setting``.

    Accepted: ``https://cdn.example.com``, ``https://*.example.com:8443``,
    ``https://media.example.com/videos/`` and the scheme-sources ``https:``, ``data:``,
    ``blob:``. Refused: keywords, wildcards alone, anything with spaces, quotes or ``;``.
    """
    sources = list(values)
    for source in sources:
        if source.lower() in _SCHEME_SOURCES or _HOST_SOURCE.match(source):
            continue
        raise ImproperlyConfigured(
            f"{setting}: {source!r} is not an origin a Content-Security-Policy may name "
            "(write e.g. https://cdn.example.com, comma-separated)."
        )
    return sources


def checked_report_uri(setting: str, value: str) -> str:
    """Return ``value`` (empty, a path on this site or an https URL); raise otherwise."""
    if value and not _REPORT_URI.match(value):
        raise ImproperlyConfigured(
            f"{setting}: {value!r} is not an https:// URL or a path for CSP reports."
        )
    return value


def _unique(*groups: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(source for group in groups for source in group))


def content_security_policy(
    *,
    media_origins: Sequence[str] = (),
    img_origins: Sequence[str] = (),
    extra_media_origins: Sequence[str] = (),
    form_action_origins: Sequence[str] = (),
    frame_ancestors: Sequence[str] = (),
    report_uri: str = "",
) -> dict[str, Any]:
    """Return the ``CONTENT_SECURITY_POLICY`` setting django-csp reads.

    ``media_origins`` are where uploads are served from besides the site (S3 or a CDN):
    images and video may load from them. ``img_origins`` and ``extra_media_origins`` add
    sources for pictures (an ad creative's remote image) and for video (a video given by
    URL). ``form_action_origins`` are the places besides the site a form may post to or
    be redirected to after a POST (the payment provider's pages).
    ``frame_ancestors`` lists the sites allowed to frame the pages (none by default).
    """
    directives: dict[str, Any] = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": _unique([SELF], media_origins, img_origins),
        "media-src": _unique([SELF], media_origins, extra_media_origins),
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": _unique(frame_ancestors) or [NONE],
        "form-action": _unique([SELF], form_action_origins),
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    return {"DIRECTIVES": directives}
