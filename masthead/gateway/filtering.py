"""The seam between the proxy and the leak firewall (issue 14, item 2).

Two optional dotted-path settings plug the firewall in:

- ``GATEWAY_FIREWALL`` names ``filter(path, query, response) -> ProxiedResponse``: it gets
  every origin response the gateway is about to pass on (after link rewriting) and returns
  it, changed (an excerpt instead of a full text, a block) or not.
- ``GATEWAY_FIREWALL_INDEX`` names ``remember(article_id, path, gated_text, preview_text)``:
  the sync hands it every walled post's gated text (and ``""`` when a post stops being
  walled), so the firewall knows it before a reader asks.

A filter that raises blocks the response (fail closed); an index that raises is logged
and the sync goes on (the post stays walled; the page path never depended on it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProxiedResponse:
    """An origin response as the gateway will send it (headers lower-cased)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type, parameters dropped."""
        for name, value in self.headers:
            if name == "content-type":
                return value.split(";")[0].strip().lower()
        return ""

    def with_body(self, body: bytes) -> ProxiedResponse:
        """The same response with another body (Content-Length is the proxy's job)."""
        return replace(self, body=body)


class ResponseFilter(Protocol):
    """``GATEWAY_FIREWALL``."""

    def __call__(self, path: str, query: str, response: ProxiedResponse, /) -> ProxiedResponse:
        """Return the response to send; raise to block it."""
        ...


class GatedIndex(Protocol):
    """``GATEWAY_FIREWALL_INDEX``."""

    def __call__(self, article_id: int, path: str, gated_text: str, preview_text: str, /) -> None:
        """Remember (or, with ``gated_text`` empty, forget) one article's gated text."""
        ...


BLOCKED = ProxiedResponse(
    403,
    (("content-type", "text/plain; charset=utf-8"), ("cache-control", "private, no-store")),
    b"This response was withheld.\n",
)


def filter_response(path: str, query: str, response: ProxiedResponse) -> ProxiedResponse:
    """Pass ``response`` through the configured firewall; a failing firewall blocks."""
    dotted = getattr(settings, "GATEWAY_FIREWALL", "")
    if not dotted:
        return response
    try:
        chosen = cast(ResponseFilter, import_string(dotted))(path, query, response)
    except Exception:
        logger.exception("gateway_firewall_failed path=%s", path)
        return BLOCKED
    return chosen if isinstance(chosen, ProxiedResponse) else BLOCKED


def index_gated(article_id: int, path: str, gated_text: str, preview_text: str) -> None:
    """Hand one article's gated text to the firewall's index, when there is one."""
    dotted = getattr(settings, "GATEWAY_FIREWALL_INDEX", "")
    if not dotted:
        return
    try:
        cast(GatedIndex, import_string(dotted))(article_id, path, gated_text, preview_text)
    except Exception:
        logger.exception("gateway_firewall_index_failed article=%s", article_id)
