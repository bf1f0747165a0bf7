"""The ``wordpress`` fixture: one real WordPress per test session (tests/wordpress/site.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
