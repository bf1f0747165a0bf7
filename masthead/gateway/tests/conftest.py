"""The gateway's tests: a fake origin, the level rules, and a way to call the ASGI app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from masthead.gateway.fake_origin import PASSWORD, USER, FakeOrigin
from masthead.gateway.handler import get_application
from masthead.gateway.models import LevelRule
from masthead.gateway.proxy import Gateway

from .asgi_client import OUTSIDER, Answer, call, shared_connection

__all__ = ["OUTSIDER", "Answer", "call"]


@pytest.fixture
def origin() -> Iterator[FakeOrigin]:
    """A WordPress-shaped origin on a free port, with the gateway's settings pointing at it."""
    server = FakeOrigin().start()
    cache.clear()
    with override_settings(
        GATEWAY_ORIGIN_URL=server.url,
        GATEWAY_ORIGIN_USER=USER,
        GATEWAY_ORIGIN_PASSWORD=PASSWORD,
        GATEWAY_PUBLIC_URL="",
        GATEWAY_ADMIN_NETWORKS=["127.0.0.1/32"],
        GATEWAY_RECHECK_SECONDS=300,
        GATEWAY_ORIGIN_CACHE_SECONDS=300,
        GATEWAY_ORIGIN_TIMEOUT=2.0,
        GATEWAY_FIREWALL="",
        GATEWAY_FIREWALL_INDEX="",
        PAYWALL_CONTENT_SOURCE="masthead.gateway.source",
        PAYWALL_CHECK_RATE_LIMIT=1_000_000,
        ANALYTICS_SYNC=True,
        CACHE_PURGE_URLS=[],
    ):
        yield server
    server.stop()
    cache.clear()


@pytest.fixture
def rules(db: None) -> None:
    """The editors' rules: the "subscriber" tag walls, the "news" category is metered."""
    LevelRule.objects.create(kind="tag", term="subscriber", level="subscriber", priority=1)
    LevelRule.objects.create(
        kind="category", term="news", level="metered", section="news", section_name="News"
    )
    LevelRule.objects.create(kind="category", term="culture", section="culture")


@pytest.fixture
def gateway(origin: FakeOrigin) -> Iterator[Gateway]:
    """The gateway app in front of the fake origin."""
    with shared_connection():
        yield Gateway(get_application())
