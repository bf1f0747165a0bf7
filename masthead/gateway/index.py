"""The index of origin articles: the sync from the origin's API, and one post on demand.

Every post the origin lists becomes (or updates) an ``OriginArticle``: its terms, the
section and level the editors' rules give, and for a walled post its gated part, cut by
the same rule as the page (``splitting``). So a post walled at the origin is known walled,
and its gated text is known to the firewall, before any reader asks for it. A post that
left the listing (deleted, unpublished) stops being live for the access check.

Blocking code (``httpx.Client`` and the ORM): the proxy calls it through ``sync_to_async``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from masthead.core.purge import purge_paths, repeat_seconds
from masthead.gateway import filtering
from masthead.gateway.adapters import OriginAdapter, OriginPost, WordPressAdapter
from masthead.gateway.excerpts import excerpt_cut
from masthead.gateway.links import rewrite
from masthead.gateway.media import mirror, protect, record_uses, uploads_in
from masthead.gateway.models import LevelRule, OriginArticle
from masthead.gateway.rules import Rule, classify
from masthead.gateway.splitting import BodyRule, Unsplittable, find_split, plain_text
from masthead.newsroom import paywall_cache

logger = logging.getLogger(__name__)

# Counted in the shared cache (so every worker adds to one figure) and logged.
UNSPLITTABLE_COUNTER = "gateway:unsplittable"


def body_rule() -> BodyRule:
    """The body container and cut from settings."""
    return BodyRule(
        container=settings.GATEWAY_BODY_SELECTOR,
        break_class=settings.GATEWAY_BREAK_CLASS,
        lead_paragraphs=settings.GATEWAY_LEAD_PARAGRAPHS,
    )


def adapter() -> OriginAdapter:
    """The origin's adapter (WordPress; docs/gateway.md names the next)."""
    return WordPressAdapter(body_rule=body_rule())


def origin_client(timeout: float | None = None) -> httpx.Client:
    """A privileged client of the origin's API (credentials from settings)."""
    user, password = settings.GATEWAY_ORIGIN_USER, settings.GATEWAY_ORIGIN_PASSWORD
    return httpx.Client(
        base_url=settings.GATEWAY_ORIGIN_URL,
        auth=(user, password) if user else None,
        timeout=timeout or max(settings.GATEWAY_ORIGIN_TIMEOUT, 10.0),
        follow_redirects=False,
    )


def current_rules() -> list[Rule]:
    """The editors' rules in the order they are tried."""
    return [
        Rule(rule.kind, rule.term, rule.level, rule.section) for rule in LevelRule.objects.all()
    ]


def report_unsplittable(article: OriginArticle | None, origin_id: int, why: str) -> None:
    """Log and count a page (or API body) that could not be cut; nothing gated is released."""
    logger.warning("gateway_unsplittable post=%s why=%s", origin_id, why)
    try:
        cache.add(UNSPLITTABLE_COUNTER, 0, timeout=None)
        cache.incr(UNSPLITTABLE_COUNTER)
    except Exception:  # noqa: BLE001 - a counter must not break the page
        logger.warning("gateway_counter_failed")
    if article is not None:
        OriginArticle.objects.filter(pk=article.pk).update(
            split_problem=why[:200], split_failures=article.split_failures + 1
        )


def unsplittable_count() -> int:
    """How many times a walled page could not be cut (for the admin and the tests)."""
    value = cache.get(UNSPLITTABLE_COUNTER, 0)
    return int(value) if isinstance(value, int) else 0


@dataclass(frozen=True)
class GatedParts:
    """A walled body cut in two: what the access check may release, and the words of each."""

    gated_html: str
    gated_text: str
    preview_text: str
    problem: str = ""
    lead_html: str = ""


def cut_body(fragment: str, rule: BodyRule) -> GatedParts:
    """Cut a post's body (the API's rendered content) as its page would be cut.

    The fragment is put in the container the page has, so the same rule finds the same
    cut; "" gated (and the reason) when it cannot be cut.
    """
    classes = " ".join(sorted(rule.classes))
    wrapped = f'<{rule.tag} class="{classes}">{fragment}</{rule.tag}>'
    try:
        split = find_split(wrapped, rule)
    except Unsplittable as why:
        return GatedParts("", "", "", str(why))
    gated = rewrite(split.gated(wrapped), settings.GATEWAY_ORIGIN_URL, "").strip()
    lead = split.lead_in(wrapped)
    return GatedParts(gated, plain_text(gated), plain_text(lead), lead_html=lead)


def record_post(
    post: OriginPost, rules: list[Rule], now: dt.datetime, client: httpx.Client | None = None
) -> OriginArticle:
    """Create or update the post's record; cut and index its gated part when walled.

    With ``client``, uploads only the gated part shows are copied into Masthead's storage
    (``media.mirror``) for protected media.
    """
    section, level = classify(post.categories, post.tags, rules, settings.GATEWAY_DEFAULT_LEVEL)
    article = OriginArticle.objects.filter(origin_id=post.origin_id).first()
    before = (article.level, article.modified_at, article.status) if article else None
    if article is None:
        article = OriginArticle(origin_id=post.origin_id)
    article.path = post.path
    article.slug = post.slug
    article.title = plain_text(post.title)[:500]
    article.status = post.status
    article.published_at = post.published_at
    article.modified_at = post.modified_at
    article.categories = list(post.categories)
    article.tags = list(post.tags)
    article.section = section
    article.level = level
    article.excerpt_html = post.excerpt_html
    article.synced_at = now
    if article.is_walled:
        parts = cut_body(post.content_html, body_rule())
        public_media = uploads_in(parts.lead_html)
        # A body that cannot be cut has no public part: every upload in it is protected.
        gated_media = (
            uploads_in(post.content_html) if parts.problem else uploads_in(parts.gated_html)
        ) - public_media
        article.gated_html = protect(parts.gated_html, gated_media)
        article.gated_text = parts.gated_text
        article.preview_text, article.split_problem = parts.preview_text, parts.problem
    else:
        public_media, gated_media = uploads_in(post.content_html), set()
        article.gated_html = article.gated_text = article.preview_text = ""
        article.split_problem = ""
    cut = excerpt_cut(post.excerpt_html, article.preview_text) if article.is_walled else None
    article.excerpt_needle, article.excerpt_cut = cut or ("", "")
    changed = before != (article.level, article.modified_at, article.status)
    if changed:
        article.preview_page = ""  # made again from the next page fetch
        article.preview_version = ""
    article.save()
    # The access check's cached facts and gated part (paywall_cache) start afresh.
    paywall_cache.new_generation()
    record_uses(article.pk, public_media, gated_media)
    if client is not None and gated_media:
        mirror(client, gated_media)
    if article.split_problem:
        report_unsplittable(article, post.origin_id, article.split_problem)
    filtering.index_gated(
        article.article_id,
        article.path,
        article.gated_text if article.is_walled and article.status == "publish" else "",
        article.preview_text,
    )
    if changed and before is not None:
        # A cached copy of the page (the shared cache's) was made under the old level; so
        # were the listings that show the post's excerpt or, in full feeds, its whole text.
        # Once more when every worker has caught up (the firewall's index, the excerpt
        # cuts): a listing asked for in between was made with the post still free.
        purge_paths(
            [article.path, *listing_paths(article)],
            again_after=max(repeat_seconds(), WORKERS_CATCH_UP_SECONDS),
        )
    return article


# Workers see an index change within the firewall's CHECK_EVERY (1 s) and the proxy's
# CUTS_SECONDS (2 s); the second purge comes after both.
WORKERS_CATCH_UP_SECONDS = 4.0


# Site-wide listings every post appears in while it is recent: the front page and feeds.
SITE_LISTINGS = (
    "/",
    "/feed/",
    "/feed/atom/",
    "/feed/rdf/",
    "/feed/rss/",
    "/?feed=rss2",
    "/?feed=atom",
    "/wp-json/wp/v2/posts",
    "/?rest_route=/wp/v2/posts",
)
_FEEDS = ("", "feed/", "feed/atom/")


def listing_paths(article: OriginArticle) -> list[str]:
    """The cached listings ``article`` shows up in, as WordPress's default permalinks name them.

    The front page and site feeds, its categories' and tags' archives and feeds, its date
    archives (by its UTC date: a site in another time zone files a post near midnight
    under the neighbouring day), its own comments feed and embed, and its REST record.
    Author archives, later archive pages and other query spellings are not known here:
    they wait for their max-age (docs/gateway.md).
    """
    paths = list(SITE_LISTINGS)
    for kind, slugs in (("category", article.categories), ("tag", article.tags)):
        for slug in slugs:
            paths += [f"/{kind}/{slug}/{feed}" for feed in _FEEDS]
    if article.published_at is not None:
        day = article.published_at.astimezone(dt.UTC)
        for archive in (f"/{day:%Y}/", f"/{day:%Y/%m}/", f"/{day:%Y/%m/%d}/"):
            paths += [archive + feed for feed in _FEEDS]
    if article.path:
        paths += [article.path.rstrip("/") + "/feed/", article.path.rstrip("/") + "/embed/"]
    paths.append(f"/wp-json/wp/v2/posts/{article.origin_id}")
    return paths


@dataclass(frozen=True)
class SyncReport:
    """What one sync saw."""

    posts: int
    walled: int
    changed: int
    gone: int

    def __str__(self) -> str:
        return f"posts={self.posts} walled={self.walled} changed={self.changed} gone={self.gone}"


def sync_all() -> SyncReport:
    """Read every post from the origin and bring the index up to date."""
    now = timezone.now()
    rules = current_rules()
    seen: set[int] = set()
    walled = changed = 0
    with origin_client() as client:
        for post in adapter().posts(client):
            old = (
                OriginArticle.objects.filter(origin_id=post.origin_id)
                .values_list("level", "modified_at", "status")
                .first()
            )
            article = record_post(post, rules, now, client)
            seen.add(post.origin_id)
            walled += article.is_walled
            changed += old != (article.level, article.modified_at, article.status)
    gone = 0
    for article in OriginArticle.objects.exclude(origin_id__in=seen).exclude(status="gone"):
        article.status = "gone"
        article.save(update_fields=["status"])
        filtering.index_gated(article.article_id, article.path, "", "")
        gone += 1
    if gone:
        paywall_cache.new_generation()
    return SyncReport(len(seen), walled, changed, gone)


def sync_one(origin_id: int) -> OriginArticle | None:
    """Bring one post up to date from the origin (a page asked for it); None when gone."""
    with origin_client(timeout=settings.GATEWAY_ORIGIN_TIMEOUT) as client:
        post = adapter().post(client, origin_id)
        if post is None:
            OriginArticle.objects.filter(origin_id=origin_id).update(status="gone")
            paywall_cache.new_generation()
            return None
        return record_post(post, current_rules(), timezone.now(), client)
