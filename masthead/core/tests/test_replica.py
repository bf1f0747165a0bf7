"""The replica setting and router without a database: what is refused, what goes where."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from masthead.core import replica
from masthead.core.replica import PRIMARY, REPLICA, ReplicaRouter, reads_from_replica
from masthead.env import parse_database_url, parse_replica_url
from masthead.newsroom.models import Article, Block

BASE = Path("/srv/masthead")
PG = parse_database_url("postgres://masthead@db1/masthead", BASE)


def test_a_replica_url_becomes_a_test_mirror_of_the_primary() -> None:
    entry = parse_replica_url("postgres://masthead@db2:5433/masthead", PG, BASE)
    assert (entry["HOST"], entry["PORT"], entry["NAME"]) == ("db2", "5433", "masthead")
    assert entry["TEST"] == {"MIRROR": "default"}


@pytest.mark.parametrize(
    ("url", "primary"),
    [
        ("sqlite:///replica.sqlite3", PG),  # not a streaming standby
        ("postgres://masthead@db2/masthead", parse_database_url("sqlite:///x.db", BASE)),
    ],
)
def test_anything_but_a_postgresql_replica_of_postgresql_is_refused(
    url: str, primary: dict[str, object]
) -> None:
    with pytest.raises(ImproperlyConfigured, match="MASTHEAD_REPLICA_DATABASE_URL"):
        parse_replica_url(url, primary, BASE)


def test_a_mistyped_scheme_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_replica_url("postgress://db2/masthead", PG, BASE)


def test_without_a_replica_configured_every_read_stays_on_the_primary(monkeypatch) -> None:
    monkeypatch.setattr(replica, "configured", lambda: False)
    with reads_from_replica({"newsroom.Article"}):
        assert ReplicaRouter().db_for_read(Article) == PRIMARY


def test_in_a_scope_only_the_named_models_go_to_the_replica(monkeypatch) -> None:
    monkeypatch.setattr(replica, "configured", lambda: True)
    router = ReplicaRouter()
    with reads_from_replica({"newsroom.Article"}):
        assert router.db_for_read(Article) == REPLICA
        assert router.db_for_read(Block) == PRIMARY
        assert router.db_for_write(Article) == PRIMARY
    assert router.db_for_read(Article) == PRIMARY
