"""Keep derived data in step with edits: the lead-in, caches, the shared cache, Editors."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone

from . import editors, fragments, paywall_cache, purging, searching
from .models import Article, Author, Block, Publication, Section, Video


def _article_saved(sender: type[Article], instance: Article, raw: bool = False, **kw: Any) -> None:
    if not raw:
        searching.refresh_lead_in_text(instance.pk)


def _block_changed(sender: type[Block], instance: Block, raw: bool = False, **kw: Any) -> None:
    if not raw:
        searching.refresh_lead_in_text(instance.article_id)
        # The article's version covers its blocks (the paywall break is one): the page
        # renders from the database replica only when the replica has this version.
        Article.objects.filter(pk=instance.article_id).update(modified_at=timezone.now())


def _publication_saved(sender: type[Publication], raw: bool = False, **kw: Any) -> None:
    if not raw:
        searching.refresh_all()


def connect() -> None:
    """Connect the handlers (called once from the app's ``ready``)."""
    post_save.connect(_article_saved, sender=Article, dispatch_uid="newsroom.article_saved")
    post_save.connect(_block_changed, sender=Block, dispatch_uid="newsroom.block_saved")
    post_delete.connect(_block_changed, sender=Block, dispatch_uid="newsroom.block_deleted")
    post_save.connect(
        _publication_saved, sender=Publication, dispatch_uid="newsroom.publication_saved"
    )
    # Any content edit starts a new generation of the access check's content cache.
    # Authors too: a new portrait is public at once (protected media asks the same cache).
    for model in (Article, Author, Block, Publication, Section, Video):
        for signal in (post_save, post_delete):
            signal.connect(
                paywall_cache.new_generation,
                sender=model,
                dispatch_uid=f"newsroom.paywall_cache.{model.__name__}.{signal is post_save}",
            )
    # Saves that change what an anonymous reader may see purge the shared cache.
    purging.connect()
    # Fragments of public pages (last: a save's own follow-up writes are done by then).
    fragments.connect()
    post_migrate.connect(editors.ensure_editors_group, dispatch_uid="newsroom.editors_group")
