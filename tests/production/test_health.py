"""``GET /healthz``: the state of this process's services, and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_reports_ok_when_the_database_and_cache_answer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_it_refuses_anything_but_get_and_head(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200
