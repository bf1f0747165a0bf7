"""Article pages are the same for everyone: no cookie, publicly cacheable; gift URLs private."""

from __future__ import annotations

from .fixtures import LeakWorld
from .readers import FEW_READERS, READERS, READERS_BY_NAME


def test_it_sets_no_cookie_on_an_article_page_for_any_reader(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    for reader in READERS:
        for key in ("free", "metered", "subscriber"):
            response = reader.client(leak_sessions).get(world.articles[key].url)
            assert response.status_code == 200, (reader.name, key)
            assert response.cookies == {}, (reader.name, key, list(response.cookies))
            assert "Cookie" not in response.get("Vary", ""), (reader.name, key)


def test_it_lets_shared_caches_keep_only_the_preview(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    for reader in READERS:
        response = reader.client(leak_sessions).get(world.articles["subscriber"].url)
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "private" not in cache_control, reader.name


def test_it_keeps_gift_pages_private_and_unindexed(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    fixture = world.articles["subscriber"]
    for token in [world.open_gift, "forged", *world.bad_gifts["subscriber"]]:
        for reader in (READERS_BY_NAME[name] for name in FEW_READERS):
            response = reader.client(leak_sessions).get(f"{fixture.url}?gift={token}")
            assert response.status_code == 200, (reader.name, token)
            assert response["Cache-Control"] == "private, no-store", reader.name
            assert response["X-Robots-Tag"] == "noindex", reader.name
            assert response["Referrer-Policy"] == "no-referrer", reader.name
            assert response.cookies == {}, reader.name
