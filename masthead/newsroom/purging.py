"""Which saves purge which pages from the shared cache (``masthead.core.purge`` does it).

An article page is cached for everyone (max-age a minute, then served stale while it
refreshes). A save that changes what an anonymous reader may see must not wait for that:
a free article that is walled would otherwise stay whole in the cache. What we purge:

- **The article's page** on every save of the article, its blocks or its authors, while
  it is live or was live before the save (at its old URL too when the date or slug
  moved). We chose "any change" over "only changes that reveal less": it costs one small
  request per cache node and origin, and the rules for "reveals less" (an earlier cut,
  a stricter level, a gated block edited, a free article's body) are easy to get wrong
  later. Saves of an article that is not and was not live purge nothing.
- **Every live article a wider change reaches**: a section's default level (its
  articles without a level of their own) or slug (the policy names sections by slug); a
  section deleted (its articles fall to the strictest level); the paywall policy's
  walled or exempt sections (every article of a section that changed, purged again once
  every process has reloaded the policy); the publication's default lead-in length
  (articles without their own); a video (the articles that show it).
- **The fronts and feeds that listed it**, only when an article goes live or stops being
  live or changes section: the site front, its section's and authors' fronts, the site,
  section and author feeds and both sitemaps. They carry the headline, the summary and the
  link and never the lead-in, so no other save needs them; an unpublished article should
  still vanish from them at once.
- **Not purged**: search results and oEmbed cards (their URLs carry the reader's own
  query; they show at most the summary or the first words of the lead-in) — they follow
  their one-minute max-age.

Everything is gathered during the transaction and purged once, after it commits: a
rolled-back save purges nothing new, and the page is never purged before the row a
reader's request would re-render it from is committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.urls import reverse
from django.utils import timezone

from masthead.core import purge

from .models import Article, Block, Publication, Section, Video, is_live_at

logger = logging.getLogger(__name__)

# Each process reads the policy row again at most this often (access.current_policy):
# pages re-rendered meanwhile may carry the old policy, so policy changes purge twice.
POLICY_RELOAD_SECONDS = 11.0
_BEFORE = "_masthead_purge_before"


class _Pending(threading.local):
    """What this thread's transaction has asked to purge so far."""

    def __init__(self) -> None:
        self.paths: dict[str, None] = {}
        self.articles: dict[int, None] = {}
        self.again_after = 0.0


_pending = _Pending()


def _enqueue(
    paths: Iterable[str] = (), articles: Iterable[int] = (), again_after: float = 0.0
) -> None:
    """Remember ``paths`` (purged as they are) and ``articles`` (purged if live then).

    A flush is registered for every call; the first one to run after the commit takes
    everything and the others find nothing left. After a rollback the leftovers are
    purged with the next commit: a page purged once too often costs one render.
    """
    _pending.paths.update(dict.fromkeys(paths))
    _pending.articles.update(dict.fromkeys(articles))
    _pending.again_after = max(_pending.again_after, again_after)
    transaction.on_commit(_flush)


def forget_pending() -> None:
    """Drop what this thread has gathered and not purged yet (tests: a test's setUp
    saves inside a transaction that never commits)."""
    _pending.paths, _pending.articles, _pending.again_after = {}, {}, 0.0


def _flush() -> None:
    paths, articles, again_after = (
        list(_pending.paths),
        list(_pending.articles),
        _pending.again_after,
    )
    _pending.paths, _pending.articles, _pending.again_after = {}, {}, 0.0
    if not paths and not articles:
        return
    try:
        zone = Publication.current().zone
        live = (
            Article.objects.live(timezone.now())
            .filter(pk__in=articles)
            .only("slug", "published_at", "created_at")
            .order_by("-published_at")
        )
        # The saved article first: it is the one the editor is looking at.
        ordered = dict.fromkeys([*paths, *(story.url_in(zone) for story in live)])
        purge.purge_paths(list(ordered), again_after=max(purge.repeat_seconds(), again_after))
    except Exception:  # the save has committed; a purge must not undo it
        logger.exception("cache_purge_error")


def listing_paths(section_slugs: Iterable[str], author_slugs: Iterable[str]) -> list[str]:
    """Return the fronts, feeds and sitemaps that list articles of these sections/authors."""
    paths = [
        reverse("newsroom:home"),
        reverse("newsroom:rss"),
        reverse("newsroom:atom"),
        reverse("newsroom:sitemap"),
        reverse("newsroom:news_sitemap"),
    ]
    for slug in dict.fromkeys(section_slugs):
        for name in ("section", "section_rss", "section_atom"):
            paths.append(reverse(f"newsroom:{name}", kwargs={"slug": slug}))
    for slug in dict.fromkeys(author_slugs):
        for name in ("author", "author_rss", "author_atom"):
            paths.append(reverse(f"newsroom:{name}", kwargs={"slug": slug}))
    return paths


# --- Articles --------------------------------------------------------------------------


def _article_before(sender: type[Article], instance: Article, raw: bool = False, **kw: Any) -> None:
    if raw or not purge.is_enabled() or instance.pk is None:
        return
    old = (
        Article.objects.filter(pk=instance.pk)
        .select_related("section")
        .only("slug", "status", "published_at", "created_at", "section__slug")
        .first()
    )
    if old is not None:
        was_live = old.is_live()
        path = old.url_in(Publication.current().zone) if was_live else ""
        section = old.section.slug if old.section else ""
        setattr(instance, _BEFORE, (was_live, path, section))


def _article_saved(sender: type[Article], instance: Article, raw: bool = False, **kw: Any) -> None:
    if raw or not purge.is_enabled():
        return
    was_live, old_path, old_section = getattr(instance, _BEFORE, (False, "", ""))
    if hasattr(instance, _BEFORE):
        delattr(instance, _BEFORE)
    is_live = instance.is_live()
    if not (was_live or is_live):
        return  # a draft being written: never cached
    paths = [old_path] if old_path else []
    if is_live:
        paths.append(instance.url_in(Publication.current().zone))
    section = instance.section.slug if instance.section_id and instance.section else ""
    if was_live != is_live or section != old_section:
        authors = instance.authors.values_list("slug", flat=True) if instance.pk else []
        paths.extend(listing_paths([s for s in (old_section, section) if s], authors))
    _enqueue(paths)


def _article_deleted(sender: type[Article], instance: Article, **kw: Any) -> None:
    if not purge.is_enabled() or not _was_live(instance.status, instance.published_at):
        return
    section = [instance.section.slug] if instance.section_id and instance.section else []
    paths = [instance.url_in(Publication.current().zone), *listing_paths(section, [])]
    _enqueue(paths)


def _was_live(status: str, published_at: dt.datetime | None) -> bool:
    return is_live_at(status, published_at, timezone.now())


def _block_changed(sender: type[Block], instance: Block, raw: bool = False, **kw: Any) -> None:
    if not raw and purge.is_enabled():
        _enqueue(articles=[instance.article_id])


def _authors_changed(
    sender: type[Model], instance: Model, action: str, reverse: bool, pk_set: Any, **kw: Any
) -> None:
    if not action.startswith("post_") or not purge.is_enabled():
        return
    # Forward: an article's bylines changed; reverse: an author's list of articles did.
    ids = list(pk_set or []) if reverse else [instance.pk]
    _enqueue(articles=[pk for pk in ids if pk is not None])


# --- Wider changes ---------------------------------------------------------------------


def _live_ids(condition: Q) -> list[int]:
    return list(
        Article.objects.live(timezone.now())
        .filter(condition)
        .order_by("-published_at")
        .values_list("pk", flat=True)
    )


def _section_before(sender: type[Section], instance: Section, raw: bool = False, **kw: Any) -> None:
    if raw or not purge.is_enabled() or instance.pk is None:
        return
    old = Section.objects.filter(pk=instance.pk).values("slug", "default_access_level").first()
    if old is not None:
        setattr(instance, _BEFORE, (old["slug"], old["default_access_level"]))


def _section_saved(sender: type[Section], instance: Section, raw: bool = False, **kw: Any) -> None:
    if raw or not purge.is_enabled() or not hasattr(instance, _BEFORE):
        return
    old_slug, old_level = getattr(instance, _BEFORE)
    delattr(instance, _BEFORE)
    if old_slug != instance.slug:
        # The policy's walled and exempt lists name sections by slug.
        _enqueue(articles=_live_ids(Q(section=instance)), again_after=POLICY_RELOAD_SECONDS)
    elif old_level != instance.default_access_level:
        _enqueue(articles=_live_ids(Q(section=instance, access_level="")))


def _section_deleting(sender: type[Section], instance: Section, **kw: Any) -> None:
    # Before the delete: afterwards its articles no longer point at it.
    if purge.is_enabled():
        _enqueue(listing_paths([instance.slug], []), articles=_live_ids(Q(section=instance)))


def _publication_before(
    sender: type[Publication], instance: Publication, raw: bool = False, **kw: Any
) -> None:
    if raw or not purge.is_enabled() or instance.pk is None:
        return
    old = Publication.objects.filter(pk=instance.pk).values("lead_in_paragraphs").first()
    if old is not None:
        setattr(instance, _BEFORE, old["lead_in_paragraphs"])


def _publication_saved(
    sender: type[Publication], instance: Publication, raw: bool = False, **kw: Any
) -> None:
    if raw or not purge.is_enabled() or not hasattr(instance, _BEFORE):
        return
    old = getattr(instance, _BEFORE)
    delattr(instance, _BEFORE)
    if old != instance.lead_in_paragraphs:
        _enqueue(articles=_live_ids(Q(lead_in_paragraphs__isnull=True)))


def _video_changed(sender: type[Video], instance: Video, raw: bool = False, **kw: Any) -> None:
    if raw or not purge.is_enabled() or instance.pk is None:
        return
    _enqueue(articles=_live_ids(Q(lead_video=instance) | Q(blocks__video=instance)))


def _slugs(value: str) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


def _policy_before(sender: type[Model], instance: Model, raw: bool = False, **kw: Any) -> None:
    if raw or not purge.is_enabled():
        return
    old = (
        sender._default_manager.filter(pk=instance.pk)
        .values("exempt_sections", "walled_sections")
        .first()
    )
    setattr(instance, _BEFORE, old or {"exempt_sections": "", "walled_sections": ""})


def _policy_saved(sender: type[Model], instance: Model, raw: bool = False, **kw: Any) -> None:
    if raw or not purge.is_enabled() or not hasattr(instance, _BEFORE):
        return
    old = getattr(instance, _BEFORE)
    delattr(instance, _BEFORE)
    changed: set[str] = set()
    for name in ("exempt_sections", "walled_sections"):
        changed |= _slugs(old[name]) ^ _slugs(str(getattr(instance, name)))
    if changed:
        ids = _live_ids(Q(section__slug__in=sorted(changed)))
        _enqueue(articles=ids, again_after=POLICY_RELOAD_SECONDS)


def connect() -> None:
    """Connect the handlers (from ``signals.connect``, once, in the app's ``ready``)."""
    uid = "newsroom.purging."
    pre_save.connect(_article_before, sender=Article, dispatch_uid=uid + "article_before")
    post_save.connect(_article_saved, sender=Article, dispatch_uid=uid + "article_saved")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid=uid + "article_deleted")
    post_save.connect(_block_changed, sender=Block, dispatch_uid=uid + "block_saved")
    post_delete.connect(_block_changed, sender=Block, dispatch_uid=uid + "block_deleted")
    m2m_changed.connect(
        _authors_changed, sender=Article.authors.through, dispatch_uid=uid + "authors"
    )
    pre_save.connect(_section_before, sender=Section, dispatch_uid=uid + "section_before")
    post_save.connect(_section_saved, sender=Section, dispatch_uid=uid + "section_saved")
    pre_delete.connect(_section_deleting, sender=Section, dispatch_uid=uid + "section_deleting")
    pre_save.connect(_publication_before, sender=Publication, dispatch_uid=uid + "pub_before")
    post_save.connect(_publication_saved, sender=Publication, dispatch_uid=uid + "pub_saved")
    post_save.connect(_video_changed, sender=Video, dispatch_uid=uid + "video_saved")
    pre_delete.connect(_video_changed, sender=Video, dispatch_uid=uid + "video_deleting")
    # The paywall policy is the access app's; looked up by label, so the newsroom imports
    # nothing of access beyond its public API.
    policy = apps.get_model("access", "PaywallPolicy")
    pre_save.connect(_policy_before, sender=policy, dispatch_uid=uid + "policy_before")
    post_save.connect(_policy_saved, sender=policy, dispatch_uid=uid + "policy_saved")
