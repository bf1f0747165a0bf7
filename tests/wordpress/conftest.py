"""One real WordPress per session (site.py) and the gateway in front of it (live_gateway.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.wordpress.live_gateway import LiveGateway, gateway_folder
from tests.wordpress.live_gateway import live_gateway as live_gateway_started
from tests.wordpress.site import WordPressSite, missing_programs, wordpress_site


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPressSite]:
    """The test WordPress: the environment's (MASTHEAD_TEST_WP_URL) or one started here."""
    missing = missing_programs()
    if missing:
        pytest.skip(
            "WordPress needs " + ", ".join(missing) + " (scripts/ensure-debian-packages.sh; "
            "make test installs them)"
        )
    with wordpress_site() as site:
        yield site


@pytest.fixture(scope="session")
def live_gateway(wordpress: WordPressSite) -> Iterator[LiveGateway]:
    """The gateway (granian + the nginx cache) in front of the test WordPress, over HTTP."""
    with live_gateway_started(wordpress, gateway_folder()) as gateway:
        yield gateway
