"""Fixtures shared by the cross-app tests under ``tests/``.

``leak_world`` builds the marker-carrying fixture content once per test module, inside
a transaction that is rolled back when the module ends; each test then runs in its own
savepoint (pytest-django's ``db``), so meters and sessions never carry over between
tests. Transactional tests (browser tests with ``live_server``) must not use it: they
build their own content with ``tests.leak.fixtures.build_world``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from tests.leak.fixtures import LeakWorld, build_world


@pytest.fixture(scope="module")
def leak_world(django_db_setup: None, django_db_blocker: object) -> Iterator[LeakWorld]:
    """Return the leak suite's fixture content, shared by one module's tests."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        with transaction.atomic():
            world = build_world()
            yield world
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def leak_sessions(leak_world: LeakWorld, django_db_blocker: object) -> dict[str, str]:
    """Return a logged-in session cookie value for each fixture account."""
    sessions: dict[str, str] = {}
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        for name, user in leak_world.users.items():
            client = Client()
            client.force_login(user)
            sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions
