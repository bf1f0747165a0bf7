"""Test-wide setup: settings the suite needs before Django loads."""

import os

os.environ.setdefault("MASTHEAD_DEMO", "True")
os.environ.setdefault("MASTHEAD_VAR_DIR", os.path.join(os.path.dirname(__file__), "var", "test"))
# Allowances in tests are set per test through the policy; keep the network cap out of
# the way unless a test asks for it.
os.environ.setdefault("PAYWALL_NETWORK_DAILY_ALLOWANCE", "60")
# The access check's per-address rate limit (120/min by default) would trip suites that
# check hundreds of articles from 127.0.0.1; tests of the limit set their own.
os.environ.setdefault("PAYWALL_CHECK_RATE_LIMIT", "100000")
# Likewise registrations per network and ad beacons per address: the tests of those
# limits set their own.
os.environ.setdefault("ACCOUNTS_REGISTRATIONS_PER_NETWORK", "100000")
os.environ.setdefault("ADS_BEACON_RATE_LIMIT", "100000")

from collections.abc import Iterator

import pytest

from devservices import chromium as chromium_browser


def _service_url(name: str) -> str:
    """Return a test service URL, failing (not skipping) in CI when it is missing."""
    url = os.environ.get(name, "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not set: run the suite through `make test`")
        pytest.skip(f"{name} is not set; `eval $(scripts/test-services.sh start)` first")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of the test Redis server (``python -m devservices start redis``)."""
    return _service_url("MASTHEAD_TEST_REDIS_URL")


@pytest.fixture(scope="session")
def redis_cluster_nodes() -> list[str]:
    """The test Redis Cluster's nodes (``python -m devservices start redis-cluster``)."""
    return _service_url("MASTHEAD_TEST_REDIS_CLUSTER_NODES").split(",")


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright, shared by the session."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = chromium_browser.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: object) -> Iterator[object]:
    """A fresh browser context (no cookies) and page for one test."""
    context = chromium.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fresh_fragments(settings: object) -> None:
    """Serve article pages from fragments, and start each test with none kept.

    Tests run in one process, so the per-process test cache is shared by every "server",
    as Redis is in production. A rolled-back test's rows are gone: so are its fragments.
    """
    from masthead.newsroom import fragments

    settings.NEWSROOM_FRAGMENT_CACHE = "on"  # type: ignore[attr-defined]
    fragments.forget()


@pytest.fixture(autouse=True)
def _unhashed_static_files(settings: object) -> None:
    """Serve static URLs unhashed: tests run without ``collectstatic``'s manifest."""
    storages = dict(settings.STORAGES)  # type: ignore[attr-defined]
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = storages  # type: ignore[attr-defined]
