"""Where house ads show a stored file: a media source for protected media.

Ad images are site assets: public wherever they are stored, whether the ad runs or not
(an ad says nothing behind the gate). Named in ``PAYWALL_MEDIA_SOURCES``.
"""

from __future__ import annotations

from masthead.access import SITE_ASSET, MediaUse

from .models import HouseAd


def media_uses(name: str) -> list[MediaUse]:
    """Return ``[SITE_ASSET]`` when a house ad uses the stored file ``name``, else ``[]``."""
    return [SITE_ASSET] if HouseAd.objects.filter(image=name).exists() else []
