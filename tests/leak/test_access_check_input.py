"""The access check under bad input: forged gifts, odd ids, other origins, junk bodies.

Every answer here must carry no gated marker, and none may be a 500.
"""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from .access import ACCESS_URL, SAME_ORIGIN, answer_of, check_access
from .fixtures import NEVER_KEYS, LeakWorld
from .gifts import gift_variants
from .oracle import Leak, leaks_in, markers_in
from .readers import READERS_BY_NAME


def _forbidden(world: LeakWorld) -> set[str]:
    return set(world.gated_markers(list(world.walled) + list(NEVER_KEYS)))


@pytest.mark.parametrize("reader_name", ["anonymous", "registered", "lapsed_subscriber"])
def test_it_opens_nothing_with_a_bad_gift_token(
    reader_name: str, world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = {
        m for k, a in world.walled.items() if a.level == "subscriber" for m in a.gated_markers
    }
    leaks: list[Leak] = []
    for key, fixture in world.walled.items():
        if fixture.level != "subscriber":
            continue
        for token in gift_variants(world, fixture):
            client = READERS_BY_NAME[reader_name].client(leak_sessions)
            response = check_access(client, fixture.article.pk, gift=token)
            leaks += leaks_in(response, forbidden, f"{reader_name} gift {token[:12]} {key}")
            assert response.status_code < 500, (key, token, response.status_code)
            assert answer_of(response).get("granted") is not True, (key, token)
    assert leaks == [], "\n".join(map(str, leaks))


def test_it_answers_odd_article_ids_without_text_or_trace(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    pk = world.articles["subscriber"].article.pk
    odd = [None, "", str(pk), f"{pk}.0", -pk, 0, 10**30, [pk], {"id": pk}, True, 1.5, "1 OR 1=1"]
    client = READERS_BY_NAME["anonymous"].client(leak_sessions)
    for value in odd:
        response = check_access(client, value)
        assert response.status_code < 500, (value, response.status_code)
        assert leaks_in(response, _forbidden(world), repr(value)) == []
        assert answer_of(response).get("granted") is not True, value


def test_it_answers_junk_bodies_with_a_json_error(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    client = READERS_BY_NAME["anonymous"].client(leak_sessions)
    bodies = ["", "not json", "[]", "null", '{"article":', "\x00\xff", json.dumps({"x": 1})]
    for body in bodies:
        response = client.post(
            ACCESS_URL, data=body, content_type="application/json", headers=SAME_ORIGIN
        )
        assert 400 <= response.status_code < 500, (body, response.status_code)
        assert "error" in answer_of(response), body


def test_it_refuses_other_origins_even_for_a_subscriber(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    forbidden = set(world.gated_markers(list(world.walled)))
    fixture = world.articles["subscriber"]
    for headers in (
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://testserver.evil.example", "Sec-Fetch-Site": "cross-site"},
    ):
        client = READERS_BY_NAME["subscriber"].client(leak_sessions)
        response = check_access(client, fixture.article.pk, headers=headers)
        assert leaks_in(response, forbidden, str(headers)) == []
        assert response.status_code in (400, 403), (headers, response.status_code)


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch", "head", "options"])
def test_it_answers_other_methods_without_text(
    method: str, world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    client = READERS_BY_NAME["subscriber"].client(leak_sessions)
    pk = world.articles["subscriber"].article.pk
    response = getattr(client, method)(f"{ACCESS_URL}?article={pk}", headers=SAME_ORIGIN)
    assert response.status_code in (405, 403, 400), (method, response.status_code)
    assert leaks_in(response, _forbidden(world), method) == []


# The meter at zero: only the gift could open anything here.
@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=0)
def test_it_opens_the_gifted_article_and_only_it_with_an_open_gift(
    world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    gifted = world.articles["subscriber"]
    client = READERS_BY_NAME["anonymous"].client(leak_sessions)
    response = check_access(client, gifted.article.pk, gift=world.open_gift)
    answer = answer_of(response)
    assert (answer.get("granted"), answer.get("reason")) == (True, "gift")
    assert markers_in(str(answer.get("html"))) >= set(gifted.gated_markers)
    forbidden = set(world.gated_markers([k for k in world.walled if k != "subscriber"]))
    for key, fixture in world.walled.items():
        if key != "subscriber":
            other = check_access(client, fixture.article.pk, gift=world.open_gift)
            assert answer_of(other).get("granted") is not True, key
            assert leaks_in(other, forbidden, f"open gift on {key}") == []
