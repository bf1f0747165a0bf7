"""The article page for a verified search crawler: the gated part rendered on the server.

1. Ask the crawler verifier (``PAYWALL_CRAWLER_VERIFIER``); it answers at once, without
   any lookup, for a User-Agent that claims no search engine.
2. Only a verified crawler goes on: ask the access decision with its verdict and the
   publisher's policy (full text or preview for crawlers).
3. When the decision grants, return the gated HTML; the page puts it inside
   ``.masthead-gated`` and the response is marked ``private, no-store`` so no shared
   cache can hand it to anyone else. Any failure means the public preview.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from masthead import access
from masthead.access import NOT_A_CRAWLER, CrawlerVerdict

from . import paywall
from .models import Article
from .syndication import current_policy, decide_for

logger = logging.getLogger(__name__)


def crawler_verdict(request: HttpRequest) -> CrawlerVerdict:
    """Return the access app's crawler verdict; ``NOT_A_CRAWLER`` if it fails.

    The page falls back to the public preview: the verifier must not take it down.
    """
    try:
        return access.crawler_verdict(request)
    except Exception:  # logged with the trace; the preview is always safe to show
        logger.exception("crawler_verifier_failed")
        return NOT_A_CRAWLER


def gated_for_crawler(
    request: HttpRequest, article: Article, now: dt.datetime
) -> SafeString | None:
    """Return the gated HTML for a verified crawler the policy lets in, else None.

    None for every other request (browsers, spoofed crawlers, crawlers under a
    "preview" policy, articles the decision keeps shut).
    """
    verdict = crawler_verdict(request)
    if not verdict.is_verified:
        return None
    decision = decide_for(article, now=now, policy=current_policy(), crawler=verdict)
    if not decision.granted:
        return None
    # The cached part holds media placeholders; sign them for this answer only.
    html = access.sign_media(paywall.gated_html(article.pk, ad_free=False), now)
    logger.info("crawler_full_text article=%s engine=%s", article.pk, verdict.engine)
    return mark_safe(html)  # noqa: S308 -- rendered by the newsroom's block templates
