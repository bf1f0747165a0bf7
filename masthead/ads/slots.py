"""Ad slots on pages: pick a house ad by weight, render the accessible slot around it.

The pick happens at render time, so a page is identical for every reader who gets it
from the same cache entry; nothing here reads the request.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db.models import Q
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from .models import HouseAd


class AdPicker:
    """Choose among the ads eligible for one page, loading them once.

    One picker serves one page, so it remembers what it showed: an ad comes back only
    after every other running ad had its turn, and never twice in a row while there is
    another to show.
    """

    def __init__(self, ads: Sequence[HouseAd], rng: random.Random | None = None) -> None:
        self._ads = list(ads)
        self._rng = rng or random.Random()
        self._shown: set[int] = set()
        self._last: HouseAd | None = None

    @classmethod
    def for_section(
        cls, section: str, now: dt.datetime, rng: random.Random | None = None
    ) -> AdPicker:
        """Return a picker over the ads running at ``now`` in ``section`` (slug or "")."""
        ads = HouseAd.objects.running(now).for_section(section)
        return cls(list(ads), rng)

    def pick(self) -> HouseAd | None:
        """Return one ad chosen by weight among those not shown yet; None when none runs."""
        if not self._ads:
            return None
        fresh = [ad for ad in self._ads if id(ad) not in self._shown]
        if not fresh:
            # Everyone had a turn: start over, but not with the ad just shown.
            self._shown.clear()
            fresh = [ad for ad in self._ads if ad is not self._last] or self._ads
        chosen = self._rng.choices(fresh, weights=[ad.weight for ad in fresh])[0]
        self._shown.add(id(chosen))
        self._last = chosen
        return chosen

    def slot_html(self, slot_id: str) -> SafeString:
        """Return the slot ``slot_id``: label, skip link and the creative (or a filler).

        The skip link points at an empty focusable marker right after the slot, so
        keyboard and screen-reader users land just past the ad.
        """
        context = {
            "ad": self.pick(),
            "slot_id": slot_id,
            "after_id": f"{slot_id}-end",
            "label": slot_label(slot_id),
        }
        return mark_safe(get_template("ads/slot.html").render(context).strip())  # noqa: S308


def next_change(section: str, now: dt.datetime) -> dt.datetime | None:
    """Return the next moment after ``now`` when the ads running in ``section`` change.

    That is the earliest start or end still ahead among the active ads that may run
    there; None when none is scheduled. A page that keeps its ad picks (the newsroom's
    fragment cache) must be rendered again by then.
    """
    ads = (
        HouseAd.objects.filter(is_active=True, weight__gt=0)
        .for_section(section)
        .filter(Q(starts_at__gt=now) | Q(ends_at__gt=now))
        .values_list("starts_at", "ends_at")
    )
    moments = [moment for pair in ads for moment in pair if moment is not None and moment > now]
    return min(moments) if moments else None


def slot_label(slot_id: str) -> str:
    """Return the slot's accessible name, unique on the page (axe's landmark-unique).

    Every slot is an ``aside`` landmark; screen-reader users list landmarks by name, so
    each says where it is: "Advertisement, top of page", "Advertisement after
    paragraph 3", "Advertisement, end of article".
    """
    if slot_id == "ad-top":
        return "Advertisement, top of page"
    if slot_id == "ad-bottom":
        return "Advertisement, end of article"
    number = slot_id.removeprefix("ad-after-paragraph-")
    if number != slot_id and number.isdigit():
        return f"Advertisement after paragraph {number}"
    return f"Advertisement ({slot_id})"


NO_ADS = AdPicker(())
