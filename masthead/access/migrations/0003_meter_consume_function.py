"""The meter's count as one PostgreSQL function: one statement, one round trip.

``SqlMeterStore.consume`` calls it on PostgreSQL. It does what the ORM version does, in
the same order and under the same lock: the reader's row is created if new and locked
(``FOR UPDATE``); the reads are counted after the lock is held (in a PL/pgSQL function
each statement takes a fresh snapshot under READ COMMITTED, so reads committed by the
transaction that held the lock are seen); the network allowance is a conditional
UPDATE; the read is inserted, or moved forward when counted in an earlier window. The
call runs in its own transaction (autocommit), so the lock ends with the call.
On SQLite nothing is created (the ORM version runs there).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION masthead_meter_consume(
    p_reader text, p_article bigint, p_allowance integer, p_since timestamptz,
    p_now timestamptz, p_network text, p_network_allowance integer, p_day date,
    OUT used integer, OUT counted boolean, OUT network_exhausted boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_reader bigint;
    in_window integer;
    this_in_window integer;
    this_ever integer;
BEGIN
    INSERT INTO access_meterreader (key) VALUES (p_reader) ON CONFLICT (key) DO NOTHING;
    SELECT r.id INTO v_reader FROM access_meterreader r WHERE r.key = p_reader FOR UPDATE;
    SELECT count(*) FILTER (WHERE m.read_at >= p_since),
           count(*) FILTER (WHERE m.article_id = p_article AND m.read_at >= p_since),
           count(*) FILTER (WHERE m.article_id = p_article)
      INTO in_window, this_in_window, this_ever
      FROM access_meterread m WHERE m.reader_id = v_reader;
    used := in_window;
    counted := false;
    network_exhausted := false;
    IF this_in_window > 0 THEN
        counted := true;
        RETURN;
    END IF;
    IF in_window >= p_allowance THEN
        RETURN;
    END IF;
    IF p_network IS NOT NULL THEN
        INSERT INTO access_networkday (network, day, reads) VALUES (p_network, p_day, 0)
            ON CONFLICT (network, day) DO NOTHING;
        UPDATE access_networkday SET reads = reads + 1
         WHERE network = p_network AND day = p_day AND reads < p_network_allowance;
        IF NOT FOUND THEN
            network_exhausted := true;
            RETURN;
        END IF;
    END IF;
    IF this_ever > 0 THEN
        UPDATE access_meterread m SET read_at = p_now
         WHERE m.reader_id = v_reader AND m.article_id = p_article;
    ELSE
        INSERT INTO access_meterread (reader_id, article_id, read_at)
             VALUES (v_reader, p_article, p_now);
    END IF;
    used := in_window + 1;
    counted := true;
END
$$;
"""

DROP = (
    "DROP FUNCTION IF EXISTS masthead_meter_consume("
    "text, bigint, integer, timestamptz, timestamptz, text, integer, date);"
)


def _create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def _drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_abuse_limits")]

    operations = [migrations.RunPython(_create, _drop)]
