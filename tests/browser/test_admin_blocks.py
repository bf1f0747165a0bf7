"""The article editor in the admin, in Chromium: fields follow the block's kind, and a
block dragged by its header changes the order that is saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from masthead.accounts.models import User
from masthead.newsroom.models import Article, Block, Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "an-editor-password-42"


def _article() -> Article:
    section = Section.objects.create(name="City", slug="city")
    article = Article.objects.create(
        headline="Drag test",
        slug="drag-test",
        section=section,
        status=Article.Status.DRAFT,
        published_at=dt.datetime(2025, 2, 18, 15, tzinfo=dt.UTC),
    )
    for position, text in enumerate(("First", "Second", "Third")):
        Block.objects.create(article=article, position=position, kind="paragraph", text=text)
    return article


def _log_in(page: Any, base: str) -> None:
    User.objects.create_superuser("boss@example.com", PASSWORD)
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "boss@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(base + "/admin/")


def test_it_shows_only_the_fields_a_block_uses(live_server: Any, browser_page: Any) -> None:
    article = _article()
    _log_in(browser_page, live_server.url)
    browser_page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    first = browser_page.locator("#blocks-0")
    assert first.locator(".field-text").first.is_visible()
    assert not first.locator(".fieldBox.field-image").is_visible()
    assert not first.locator(".field-attribution").first.is_visible()
    first.locator("select[name='blocks-0-kind']").select_option("image")
    assert first.locator(".fieldBox.field-image").is_visible()
    assert not first.locator(".field-text").first.is_visible()


def test_it_saves_the_order_blocks_are_dragged_into(live_server: Any, browser_page: Any) -> None:
    article = _article()
    # Tall enough that both blocks are on screen: dragging across a scroll loses the source.
    browser_page.set_viewport_size({"width": 1280, "height": 3000})
    _log_in(browser_page, live_server.url)
    browser_page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    third = browser_page.locator("#blocks-2 > h3")
    first = browser_page.locator("#blocks-0 > h3")
    third.drag_to(first, target_position={"x": 20, "y": 2})
    positions = [browser_page.input_value(f"input[name='blocks-{n}-position']") for n in range(3)]
    assert int(positions[2]) < int(positions[0]) < int(positions[1])
    browser_page.click("input[name='_continue']")
    browser_page.wait_for_load_state("networkidle")
    texts = [block.text for block in Article.objects.get(pk=article.pk).blocks.all()]
    assert texts == ["Third", "First", "Second"]


def test_it_puts_a_block_filled_in_last_at_the_end(live_server: Any, browser_page: Any) -> None:
    article = _article()
    _log_in(browser_page, live_server.url)
    browser_page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    browser_page.fill("textarea[name='blocks-3-text']", "Fourth, typed in the spare row")
    browser_page.click("input[name='_continue']")
    browser_page.wait_for_load_state("networkidle")
    texts = [block.text for block in Article.objects.get(pk=article.pk).blocks.all()]
    assert texts == ["First", "Second", "Third", "Fourth, typed in the spare row"]


def test_it_saves_a_paywall_break_dragged_between_two_paragraphs(
    live_server: Any, browser_page: Any
) -> None:
    article = _article()
    Block.objects.filter(article=article, text="Third").delete()
    browser_page.set_viewport_size({"width": 1280, "height": 3000})
    _log_in(browser_page, live_server.url)
    browser_page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    # The spare row at the bottom becomes the break; it has nothing else to fill in.
    browser_page.select_option("select[name='blocks-2-kind']", "paywall_break")
    browser_page.locator("#blocks-2 > h3").drag_to(
        browser_page.locator("#blocks-1 > h3"), target_position={"x": 20, "y": 2}
    )
    browser_page.click("input[name='_continue']")
    browser_page.wait_for_load_state("networkidle")
    assert browser_page.locator(".errornote").count() == 0
    blocks = list(Article.objects.get(pk=article.pk).blocks.all())
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "First"),
        ("paywall_break", ""),
        ("paragraph", "Second"),
    ]
    preview = browser_page.context.new_page()
    preview.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/preview/")
    assert "First" in preview.locator("#story-body").inner_text()
    assert "Second" not in preview.locator("#story-body").inner_text()
    preview.close()
