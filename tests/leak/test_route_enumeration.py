"""The route walk itself: it finds every route and can fill every one of them."""

from __future__ import annotations

import pytest
from django.test import override_settings

from .fixtures import LeakWorld
from .routes import all_routes, can_fill, urls_for


def test_it_finds_the_routes_of_every_app() -> None:
    keys = {route.key.split(":")[0] for route in all_routes() if ":" in route.key}
    assert {"newsroom", "access", "accounts", "billing", "gifts", "admin"} <= keys


def test_it_can_fill_every_route(world: LeakWorld) -> None:
    unfillable = [route.key for route in all_routes() if not can_fill(route)]
    assert unfillable == [], (
        "these routes take parameters the leak suite cannot fill; teach tests/leak/routes.py "
        f"(FILLERS) how to build URLs for them: {unfillable}"
    )
    for route in all_routes():
        assert urls_for(route, world), route.key


@override_settings(ROOT_URLCONF="tests.leak.unfillable_urls")
def test_it_refuses_a_new_route_nobody_taught_it(world: LeakWorld) -> None:
    routes = {route.key: route for route in all_routes()}
    assert can_fill(routes["robots.txt"]) is True
    assert can_fill(routes["thing"]) is False
    with pytest.raises(LookupError):
        urls_for(routes["thing"], world)
