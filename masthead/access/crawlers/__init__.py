"""Search-engine crawler verification: a verdict about the connecting address.

``verdict_for(request)`` is what ``PAYWALL_CRAWLER_VERIFIER`` names. See
``docs/crawlers.md`` for how verification works and what the range files are.
"""

from masthead.access.crawlers.verdicts import verdict_for

__all__ = ["verdict_for"]
