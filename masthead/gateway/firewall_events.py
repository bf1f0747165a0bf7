"""The firewall's hits as site events: counted on the Dashboard, one log line each.

``record_hits`` is the ``Reporter`` the gateway gives its ``Firewall``: for each walled
article a response carried, one ``firewall_hit`` event (the Dashboard's totals count
them, "Leak firewall hit") with the door, the action and the path in ``extra``; an article
key made of digits is taken as the Masthead article's id. A block with no article in it (a
body it could not read, no index yet) is logged, not counted as a hit.
"""

from __future__ import annotations

from masthead.core.events import EventKind, record
from masthead.gateway.firewall_doors import Verdict, log_hit


def record_hits(verdict: Verdict, path: str) -> None:
    """Log the verdict and record one ``firewall_hit`` event per article it names."""
    log_hit(verdict, path)
    for key in verdict.hits:
        record(
            EventKind.FIREWALL_HIT,
            article_id=int(key) if key.isdigit() else None,
            reason=verdict.action.value,
            extra={
                "door": verdict.door.value,
                "article": key,
                "path": path[:200],
                "why": verdict.reason,
            },
        )
