"""Error pages (400, 403, 404, 405) and odd requests carry no gated text and no trace."""

from __future__ import annotations

from django.test import Client

from .fixtures import NEVER_KEYS, LeakWorld
from .oracle import Leak, leaks_in, response_text


def _forbidden(world: LeakWorld) -> set[str]:
    return set(world.gated_markers(list(world.walled) + list(NEVER_KEYS)))


def _odd_requests(world: LeakWorld) -> list[tuple[str, str, dict[str, str]]]:
    """Return (method, URL, headers) of requests that end in an error page."""
    story = world.articles["subscriber"]
    wrong_date = story.url.replace("2025/02/18", "2024/01/01")
    return [
        ("get", "/no-such-page/", {}),
        ("get", "/api/no-such-endpoint/", {}),
        ("get", f"{story.url}extra/", {}),
        ("get", wrong_date, {}),
        ("get", story.url.rstrip("/"), {}),
        ("get", story.url, {"Host": "evil.example"}),
        ("post", story.url, {}),
        ("put", story.url, {}),
        ("delete", "/feeds/rss/", {}),
        ("get", "/section/no-such-section/", {}),
        ("get", "/search/?q=" + "x" * 5000, {}),
        ("get", f"{story.url}?gift=" + "A" * 5000, {}),
        ("get", "/%ff%fe/", {}),
        ("get", "/oembed/?url=" + "%00" * 10, {}),
    ]


def test_it_shows_error_pages_without_gated_text_or_trace(world: LeakWorld) -> None:
    client = Client(raise_request_exception=False)
    leaks: list[Leak] = []
    statuses = {}
    for method, url, headers in _odd_requests(world):
        response = getattr(client, method)(url, headers=headers)
        statuses[(method, url[:60])] = response.status_code
        leaks += leaks_in(response, _forbidden(world), f"{method} {url[:60]}")
        assert response.status_code < 500, (method, url[:60], response.status_code)
        assert "Traceback" not in response_text(response), (method, url[:60])
    assert leaks == [], "\n".join(map(str, leaks))
    assert 404 in statuses.values()


def test_it_refuses_a_forged_csrf_post_without_gated_text(world: LeakWorld) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/?next=" + world.articles["subscriber"].url,
        {"username": "x", "password": "y"},
    )
    assert response.status_code == 403
    assert leaks_in(response, _forbidden(world), "csrf") == []
