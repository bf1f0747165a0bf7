"""Fixtures for the schema fuzz test: the site's WSGI app, called in-process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def wsgi_app(db: None) -> Iterator[Any]:
    """Return the site's WSGI application, sharing the test's database transaction.

    A real request closes the database connection when it ends; the test's transaction
    lives on that connection, so (as Django's own test client does) the signal handlers
    that close it are disconnected while the fuzzer runs.
    """
    from masthead.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
