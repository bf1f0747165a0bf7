"""The section navigation on a phone: every desk is on screen, none hidden sideways.

Writes ``docs/screenshots/section-nav-phone.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from masthead.newsroom.models import Publication, Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKS = ("News", "Politics", "Business", "Climate", "Culture", "Opinion", "Sports")


def test_it_shows_every_section_on_a_phone(live_server: Any, chromium: Any) -> None:
    publication = Publication.current()
    publication.name = "The Alder Falls Courier"
    publication.save()
    for position, name in enumerate(DESKS):
        Section.objects.create(name=name, slug=name.lower(), position=position)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        nav = page.locator("nav.section-nav")
        box = nav.bounding_box()
        assert box is not None
        for name in DESKS:
            link = nav.get_by_role("link", name=name)
            link_box = link.bounding_box()
            assert link_box is not None
            assert link_box["x"] >= 0 and link_box["x"] + link_box["width"] <= 390, name
            assert link_box["height"] >= 20, name
        hidden = page.evaluate(
            "(() => { const ul = document.querySelector('.section-nav ul');"
            " return ul.scrollWidth - ul.clientWidth; })()"
        )
        assert hidden <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / "section-nav-phone.png"),
            clip={"x": 0, "y": 0, "width": 390, "height": box["y"] + box["height"] + 16},
        )
    finally:
        context.close()
