"""The data export's reading history names articles, never their gated text.

A registered reader whose meter holds every fixture article (walled, free, scheduled and
draft alike, as if each had been counted before it changed) downloads their data: no
gated marker comes back, and articles that are not live are given by id alone.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from masthead.access.meter_sql import SqlMeterStore
from masthead.access.meters import MeterRequest

from .fixtures import NEVER_KEYS, LeakWorld
from .oracle import leaks_in

pytestmark = pytest.mark.django_db


def test_the_reading_history_in_the_export_carries_no_gated_text(
    leak_world: LeakWorld, leak_sessions: dict[str, str]
) -> None:
    reader = leak_world.users["registered"]
    now = timezone.now()
    store = SqlMeterStore()
    for fixture in leak_world.articles.values():
        store.consume(MeterRequest(f"u:{reader.pk}", fixture.article.pk, 999, now, now))
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = leak_sessions["registered"]
    response = client.get("/accounts/data/")
    assert response.status_code == 200
    assert leaks_in(response, set(leak_world.gated_markers()), "/accounts/data/") == []
    history = {item["article_id"]: item for item in json.loads(response.content)["reading_history"]}
    assert len(history) == len(leak_world.articles)
    for key in NEVER_KEYS:
        hidden = history[leak_world.articles[key].article.pk]
        assert hidden["headline"] is None and hidden["url"] is None
