"""The demo's house ads: three creatives of our own, in HTML (no image files).

Found by name and updated in place, so running the demo again adds nothing.
"""

from __future__ import annotations

from typing import Any

from masthead.ads.models import HouseAd
from masthead.demo.output import Output
from masthead.newsroom.models import Publication, Section


def _ads(publication: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "Demo: subscribe",
            "weight": 3,
            "html": f"<p><strong>Every story, every day.</strong> Subscribe to {publication}"
            " and read without limits or ads.</p>",
            "link": "/subscribe/",
            "sections": (),
        },
        {
            "name": "Demo: riverfront concerts",
            "weight": 1,
            "html": "<p><strong>Riverfront concerts</strong> return on Friday evenings. "
            "<em>Bring a blanket; the music is free.</em></p>",
            "link": "",
            "sections": ("culture",),
        },
        {
            "name": "Demo: newsletter",
            "weight": 2,
            "html": "<p><strong>The Morning Brief</strong> lands at 7 a.m. on weekdays: "
            "five stories, three minutes.</p>",
            "link": "/pages/about/",
            "sections": (),
        },
    ]


def load(users: dict[str, Any], stdout: Output) -> None:
    """Create or refresh the demo house ads."""
    for spec in _ads(Publication.current().name):
        sections = spec.pop("sections")
        name = spec.pop("name")
        ad, _ = HouseAd.objects.update_or_create(name=name, defaults=spec)
        ad.sections.set(Section.objects.filter(slug__in=sections))
    stdout.write("ads: three demo house ads\n")
