"""Ad slots on pages: pick a house ad by weight, render the accessible slot around it.

The pick happens at render time, so a page is identical for every reader who gets it
from the same cache entry; nothing here reads the request.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from .models import HouseAd


class AdPicker:
    """Choose among the ads eligible for one page, loading them once."""

    def __init__(self, ads: Sequence[HouseAd], rng: random.Random | None = None) -> None:
        self._ads = list(ads)
        self._rng = rng or random.Random()

    @classmethod
    def for_section(cls, section: str, now: dt.datetime) -> AdPicker:
        """Return a picker over the ads running at ``now`` in ``section`` (slug or "")."""
        ads = HouseAd.objects.running(now).for_section(section)
        return cls(list(ads))

    def pick(self) -> HouseAd | None:
        """Return one ad chosen by weight, or None when no ad is running."""
        if not self._ads:
            return None
        return self._rng.choices(self._ads, weights=[ad.weight for ad in self._ads])[0]

    def slot_html(self, slot_id: str) -> SafeString:
        """Return the slot ``slot_id``: label, skip link and the creative (or a filler).

        The skip link points at an empty focusable marker right after the slot, so
        keyboard and screen-reader users land just past the ad.
        """
        context = {"ad": self.pick(), "slot_id": slot_id, "after_id": f"{slot_id}-end"}
        return mark_safe(get_template("ads/slot.html").render(context).strip())  # noqa: S308


NO_ADS = AdPicker(())
