"""Reader mode: what an extractor like a browser's reader view pulls out of the page.

``trafilatura`` finds an article's main text the way reader modes and scrapers do. It
must find the lead-in (so it really read our page) and none of the gated text.
"""

from __future__ import annotations

import trafilatura

from .fixtures import LeakWorld
from .oracle import markers_in, response_text
from .readers import READERS_BY_NAME


def _extract(page: str) -> str:
    text = trafilatura.extract(
        page, include_comments=True, include_tables=True, include_images=True, favor_recall=True
    )
    return text or ""


def test_it_lets_reader_mode_extract_the_lead_in_and_no_gated_text(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(list(world.walled)))
    for name in ("anonymous", "googlebot_ua", "subscriber"):
        for key, fixture in world.walled.items():
            page = response_text(READERS_BY_NAME[name].client(leak_sessions).get(fixture.url))
            extracted = _extract(page)
            assert markers_in(extracted) & forbidden == set(), (name, key)
            if fixture.lead_markers:
                assert fixture.lead_markers[0] in extracted, (name, key, extracted[:300])


def test_it_lets_reader_mode_see_gated_text_when_it_is_there() -> None:
    # The control: the extractor does report a gated marker sitting in a page's body.
    page = (
        "<html><body><article><h1>A story</h1><p>LEADMARK-c-1 A first paragraph long "
        "enough to count as prose for an extractor.</p><div class='masthead-gated'><p>"
        "GATEDMARK-control-2 A second paragraph, also long enough to count as prose."
        "</p></div></article></body></html>"
    )
    assert "GATEDMARK-control-2" in markers_in(_extract(page))
