"""The article page in Debian's Chromium: screenshot it, skip an ad by keyboard, open the
transcript; once at a desktop size and once at a phone size.

Screenshots land in ``docs/screenshots/`` (article-desktop.png, article-phone.png).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from masthead.newsroom.models import Article, Author, Block, Publication, Section, Video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEMO_VIDEO = Path(__file__).resolve().parents[2] / "masthead/demo/media/video"

PARAGRAPHS = (
    "The Riverside Council voted 7 to 2 on Tuesday night to rebuild the Elm Street bridge "
    "in steel rather than repair its ninety-year-old concrete spans, ending a debate that "
    "has closed one lane of the crossing since the spring floods.",
    "Residents who packed the chamber applauded when the vote was read. Several had waited "
    "more than three hours to speak, most of them asking the council to stop patching a "
    "structure that engineers rated poor for the third year running.",
    "“We have spent more on temporary fixes than the first phase of a new bridge would "
    "cost,” said Councilor Imani Brooks, who proposed the plan. “Tonight we stop paying for "
    "yesterday.”",
    "GATEDWORD4 The city will borrow most of the money through a bond measure.",
    "GATEDWORD5 Construction is expected to begin after the school year ends.",
    "GATEDWORD6 Two councilors asked for a study of a ferry during the closure.",
    "GATEDWORD7 The next hearing on the bond measure is set for March.",
)


def _picture(
    width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> bytes:
    """Return a JPEG of a quiet riverside scene drawn with Pillow."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / height
        colour = tuple(int(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    water = int(height * 0.68)
    draw.rectangle((0, water, width, height), fill=(52, 88, 112))
    draw.rectangle((0, water - 36, width, water - 20), fill=(70, 70, 76))
    for x in range(40, width, 160):
        draw.rectangle((x, water - 20, x + 22, water + 40), fill=(90, 90, 96))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


def _story() -> Article:
    """Return a live article with every part of the page, on a subscriber level."""
    publication = Publication.current()
    publication.name = "The Riverside Ledger"
    publication.lead_in_paragraphs = 3
    publication.ad_every_paragraphs = 2
    publication.save()
    section = Section.objects.create(name="City", slug="city")
    Section.objects.create(name="Politics", slug="politics", position=1)
    Section.objects.create(name="Business", slug="business", position=2)
    author = Author.objects.create(name="Nadia Okafor", slug="nadia-okafor", role="City reporter")
    video = Video.objects.create(
        title="The bridge vote in ninety seconds",
        caption="Council members debate the Elm Street bridge.",
        credit="Video by Tom Reyes",
        transcript="Councilor Brooks: The motion carries, seven to two.\n\n"
        "Chair: We will take public comment on the schedule next month.",
    )
    webm = DEMO_VIDEO / "signal-test.webm"
    if webm.exists():
        video.file.save("bridge.webm", ContentFile(webm.read_bytes()), save=False)
    else:
        video.url = "https://video.example.org/bridge.webm"
    video.poster.save("poster.jpg", ContentFile(_picture(960, 540, (30, 40, 60), (90, 110, 140))))
    published = dt.datetime(2025, 2, 18, 15, 5, tzinfo=dt.UTC)
    article = Article.objects.create(
        headline="Council votes to rebuild the Elm Street bridge in steel",
        summary="After a year of lane closures, the city will replace the 1935 spans instead "
        "of patching them again. Work could start this summer.",
        slug="elm-street-bridge-vote",
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=published,
        updated_at=published + dt.timedelta(hours=3, minutes=42),
        correction="An earlier version of this article misstated the council's vote count.",
        access_level="subscriber",
        lead_video=video,
        lead_image_alt="The Elm Street bridge over the river at dawn",
        lead_image_caption="The Elm Street bridge, closed to one lane since April.",
        lead_image_credit="Photo by Lena Marsh for The Riverside Ledger",
    )
    article.lead_image.save(
        "bridge.jpg", ContentFile(_picture(1200, 700, (250, 214, 165), (170, 200, 225)))
    )
    article.authors.add(author)
    for position, text in enumerate(PARAGRAPHS):
        Block.objects.create(article=article, position=position, kind="paragraph", text=text)
    # Two earlier City stories: the related list after the article.
    for hours, (slug, headline, level) in enumerate(
        (
            ("ferry-schedule", "The river ferry adds a late run on weekends", "free"),
            ("bridge-budget", "What the bridge will cost, line by line", "subscriber"),
        ),
        start=1,
    ):
        Article.objects.create(
            headline=headline,
            slug=slug,
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=published - dt.timedelta(hours=hours),
            access_level=level,
        )
    return article


def _tab_to(page: Any, text: str, limit: int = 40) -> None:
    """Press Tab until the focused element's text is ``text``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"never reached {text!r} by keyboard")


def _walk_the_page(page: Any, url: str, shot: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shot), full_page=True)
    html = page.content()
    for number in range(4, 8):
        assert f"GATEDWORD{number}" not in html

    _tab_to(page, "Skip advertisement")
    assert page.evaluate("document.activeElement.closest('aside').id") == "ad-top"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'ad-top-end'")
    assert page.evaluate("location.hash") == "#ad-top-end"
    # The next Tab stop lies after the ad, not inside it.
    page.keyboard.press("Tab")
    inside = page.evaluate("!!document.activeElement.closest('[data-masthead-ad]')")
    assert inside is False
    end_top = page.evaluate("document.getElementById('ad-top-end').getBoundingClientRect().top")
    assert -2 <= end_top <= page.viewport_size["height"]

    summary = page.locator("details.transcript summary")
    summary.scroll_into_view_if_needed()
    summary.click()
    assert page.evaluate("document.querySelector('details.transcript').open") is True
    assert page.get_by_text("The motion carries, seven to two.").is_visible()


def test_it_reads_well_on_a_desktop(live_server: Any, browser_page: Any) -> None:
    article = _story()
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _walk_the_page(
        browser_page,
        live_server.url + article.get_absolute_url(),
        SCREENSHOTS / "article-desktop.png",
    )


def test_it_reads_well_on_a_phone(live_server: Any, chromium: Any) -> None:
    article = _story()
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        _walk_the_page(
            page, live_server.url + article.get_absolute_url(), SCREENSHOTS / "article-phone.png"
        )
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 390, f"the page scrolls sideways: {overflow}px wide"
    finally:
        context.close()


def test_it_shows_a_free_article_once_while_the_access_check_runs(
    live_server: Any, browser_page: Any
) -> None:
    article = _story()
    Article.objects.filter(pk=article.pk).update(access_level="free")
    errors: list[str] = []
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    with browser_page.expect_response("**/api/access/") as answer:
        browser_page.goto(live_server.url + article.get_absolute_url())
    assert answer.value.json()["granted"] is True
    browser_page.wait_for_load_state("networkidle")
    text = browser_page.locator("#story-body").inner_text()
    for number in range(4, 8):
        assert text.count(f"GATEDWORD{number}") == 1
    assert browser_page.locator("[data-masthead-gate]").count() == 0
    assert errors == []
