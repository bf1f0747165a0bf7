"""Search crawlers: the verified one gets the full text, on article pages only, privately.

The crawler here is verified for real, through the sample Google range file the app
ships (``66.249.66.0/27``): no verifier is replaced. Spoofed crawlers (the right
User-Agent from another address, or a forged ``X-Forwarded-For``) are reader kinds of
the route matrix and must get the preview like everyone else.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from lxml import html as lxml_html

from .fixtures import NEVER_KEYS, LeakWorld
from .known_leaks import marks_for
from .oracle import leaks_in, markers_in, response_text
from .readers import GOOGLEBOT_ADDRESS, GOOGLEBOT_UA, READERS, ReaderKind
from .routes import all_routes, urls_for

VERIFIED_GOOGLEBOT = ReaderKind(
    "verified_googlebot", headers={"User-Agent": GOOGLEBOT_UA}, remote_addr=GOOGLEBOT_ADDRESS
)


def _gated_element_text(page: str) -> str:
    """Return the HTML inside the page's ``.masthead-gated`` element ("" when missing)."""
    tree = lxml_html.fromstring(page)
    found = tree.xpath(
        '//*[contains(concat(" ", normalize-space(@class), " "), " masthead-gated ")]'
    )
    return " ".join(lxml_html.tostring(element, encoding="unicode") for element in found)


def test_it_gives_a_verified_crawler_each_article_in_full(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    for key, fixture in world.walled.items():
        response = VERIFIED_GOOGLEBOT.client(leak_sessions).get(fixture.url)
        page = response_text(response)
        assert response.status_code == 200, key
        # All of this article's gated text, inside the element JSON-LD points at...
        assert markers_in(_gated_element_text(page)) >= set(fixture.gated_markers), key
        # ...and nobody else's.
        others = set(world.gated_markers([k for k in world.walled if k != key]))
        assert leaks_in(response, others, key) == []
        assert "private" in response["Cache-Control"], key
        assert "no-store" in response["Cache-Control"], key


def test_it_gives_a_verified_crawler_the_preview_when_the_policy_says_so(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(list(world.walled)))
    with override_settings(PAYWALL_CRAWLER_FULL_TEXT=False):
        for key, fixture in world.walled.items():
            response = VERIFIED_GOOGLEBOT.client(leak_sessions).get(fixture.url)
            assert response.status_code == 200, key
            assert leaks_in(response, forbidden, key) == []
            assert 'cssSelector":".masthead-gated"' in response_text(response).replace(" ", "")


def test_it_never_hands_the_crawler_page_to_the_next_reader(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(list(world.walled)))
    fixture = world.articles["subscriber"]
    VERIFIED_GOOGLEBOT.client(leak_sessions).get(fixture.url)
    for reader in READERS:
        response = reader.client(leak_sessions).get(fixture.url)
        assert leaks_in(response, forbidden, reader.name) == [], reader.name


def test_it_shows_a_verified_crawler_no_unpublished_article(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(NEVER_KEYS))
    for key in NEVER_KEYS:
        response = VERIFIED_GOOGLEBOT.client(leak_sessions).get(world.articles[key].url)
        assert response.status_code == 404, key
        assert leaks_in(response, forbidden, key) == []


def _other_routes() -> list[object]:
    return [
        pytest.param(route, id=route.key, marks=marks_for(f"crawler:{route.key}"))
        for route in all_routes()
        if route.key != "newsroom:article" and not route.pattern.startswith("admin/")
    ]


@pytest.mark.parametrize("route", _other_routes())
def test_it_gives_a_verified_crawler_no_gated_text_outside_article_pages(
    route: object, world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(list(world.walled) + list(NEVER_KEYS)))
    leaks = []
    for url in urls_for(route, world):  # type: ignore[arg-type]
        response = VERIFIED_GOOGLEBOT.client(leak_sessions).get(url)
        leaks += leaks_in(response, forbidden, f"verified crawler GET {url}")
    assert leaks == [], "\n".join(map(str, leaks))


# Fetchers that act for a person: anyone can aim them at a page and read the result, so
# from a crawler's own address they still get the preview.
USER_TRIGGERED = (
    "Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)",
    "Mozilla/5.0 (Linux; Android 6.0.1) (compatible; GoogleOther)",
    "FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)",
    "Mozilla/5.0 (Windows NT 10.0) Google-Read-Aloud (+https://support.google.com/)",
    "Mozilla/5.0 (compatible; Google-InspectionTool/1.0; Googlebot/2.1)",
)


def test_it_gives_user_triggered_fetchers_the_preview_even_from_a_crawler_address(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(list(world.walled)))
    fixture = world.articles["subscriber"]
    for agent in USER_TRIGGERED:
        fetcher = ReaderKind(
            "fetcher", headers={"User-Agent": agent}, remote_addr=GOOGLEBOT_ADDRESS
        )
        response = fetcher.client(leak_sessions).get(fixture.url)
        assert leaks_in(response, forbidden, agent) == [], agent


@override_settings(TRUSTED_PROXIES=["127.0.0.1/32"])
def test_it_believes_only_the_hop_the_trusted_proxy_added(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(list(world.walled)))
    fixture = world.articles["subscriber"]
    # The client wrote Googlebot's address itself; the proxy appended the real one.
    spoofed = ReaderKind(
        "spoofed through proxy",
        headers={
            "User-Agent": GOOGLEBOT_UA,
            "X-Forwarded-For": f"{GOOGLEBOT_ADDRESS}, 203.0.113.9",
        },
        remote_addr="127.0.0.1",
    )
    assert leaks_in(spoofed.client(leak_sessions).get(fixture.url), forbidden, "spoof") == []
    # The control: the proxy vouching for Googlebot's own address gets the full text.
    genuine = ReaderKind(
        "crawler through proxy",
        headers={"User-Agent": GOOGLEBOT_UA, "X-Forwarded-For": GOOGLEBOT_ADDRESS},
        remote_addr="127.0.0.1",
    )
    page = response_text(genuine.client(leak_sessions).get(fixture.url))
    assert markers_in(page) >= set(fixture.gated_markers)
