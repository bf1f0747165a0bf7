"""Keep a section-limited plan or grant limited when its last section is deleted.

An empty section list means "every section", so deleting the only section of a plan or
a hand grant would silently open every section to its holders. Before the section goes:
1. a hand grant left without sections ends now;
2. a plan left without sections stops opening anything and goes off sale.
Both fail closed; the publisher sees them in the admin and can give them new sections.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from .models import AccessGrant, Plan

logger = logging.getLogger(__name__)


def close_what_the_section_limited(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Handle ``pre_delete`` of a newsroom Section (see the module docstring)."""
    now = timezone.now()
    # Counted per row: annotating after filtering on the section would count only it.
    grants = [g for g in AccessGrant.objects.filter(sections=instance) if g.sections.count() == 1]
    for grant in grants:
        grant.ends_at = now
        grant.note = f"{grant.note} (ended: its only section was deleted)".strip()[:200]
        grant.save(update_fields=["ends_at", "note"])
        logger.warning("grant_closed_section_deleted grant=%s", grant.pk)
    plans = [p for p in Plan.objects.filter(sections=instance) if p.sections.count() == 1]
    for plan in plans:
        plan.levels = []
        plan.is_active = False
        plan.save(update_fields=["levels", "is_active"])
        logger.warning("plan_closed_section_deleted plan=%s", plan.pk)
