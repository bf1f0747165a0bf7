"""``masthead_meter_consume`` again, with the same answers in fewer statements.

Why: on the check's SQL path this function is most of what PostgreSQL does per check, and
inside it each statement costs its own executor start and finish. Migration 0003's body
runs three statements for a reader seen before (an insert that finds the row, the lock,
the count), and six for a first read. This one:

- looks the reader up with the lock first (``FOR UPDATE``) and inserts only when the row
  is missing. A first read that loses an insert race waits for the winner's transaction
  (the unique key), then locks the winner's row: the same serialisation as before;
- skips the count for a reader this call created (nobody else can have counted for it);
- reads the window's count and this article's last read in one statement (one row per
  reader and article, the unique constraint, so the latest read is the only one);
- takes the network allowance with one upsert: a new network's first read writes its
  counter once, at 1; a known network is the same conditional increment as before, run
  on the latest row version under the row's lock, so it stays exactly-once.

Same signature, so ``SqlMeterStore`` is unchanged; backwards puts 0003's body back.
On SQLite nothing is created (the ORM version runs there).
"""

from __future__ import annotations

import importlib
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
    last_read timestamptz;  -- this article's read for the reader, in any window
    is_new_reader boolean := false;
BEGIN
    used := 0;
    counted := false;
    network_exhausted := false;
    SELECT r.id INTO v_reader FROM access_meterreader r WHERE r.key = p_reader FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO access_meterreader (key) VALUES (p_reader)
            ON CONFLICT (key) DO NOTHING RETURNING id INTO v_reader;
        is_new_reader := FOUND;
        IF NOT is_new_reader THEN
            -- Created by a transaction that has committed since: lock that row.
            SELECT r.id INTO v_reader FROM access_meterreader r
             WHERE r.key = p_reader FOR UPDATE;
        END IF;
    END IF;
    -- Each statement takes a fresh snapshot (READ COMMITTED): what the previous holder
    -- of the lock committed is counted.
    IF NOT is_new_reader THEN
        SELECT count(*) FILTER (WHERE m.read_at >= p_since),
               max(m.read_at) FILTER (WHERE m.article_id = p_article)
          INTO used, last_read
          FROM access_meterread m WHERE m.reader_id = v_reader;
        IF last_read >= p_since THEN
            counted := true;
            RETURN;
        END IF;
    END IF;
    IF used >= p_allowance THEN
        RETURN;
    END IF;
    IF p_network IS NOT NULL THEN
        INSERT INTO access_networkday AS n (network, day, reads)
             SELECT p_network, p_day, 1 WHERE p_network_allowance > 0
            ON CONFLICT (network, day) DO UPDATE SET reads = n.reads + 1
             WHERE n.reads < p_network_allowance;
        IF NOT FOUND THEN
            network_exhausted := true;
            RETURN;
        END IF;
    END IF;
    IF last_read IS NOT NULL THEN  -- counted in an earlier window: it counts again now
        UPDATE access_meterread m SET read_at = p_now
         WHERE m.reader_id = v_reader AND m.article_id = p_article;
    ELSE
        INSERT INTO access_meterread (reader_id, article_id, read_at)
             VALUES (v_reader, p_article, p_now);
    END IF;
    used := used + 1;
    counted := true;
END
$$;
"""


def _previous() -> str:
    # A module name that starts with a digit cannot be written in an import statement.
    module = importlib.import_module("masthead.access.migrations.0003_meter_consume_function")
    return str(module.CREATE)


def _create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def _restore(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_previous())


class Migration(migrations.Migration):
    dependencies = [("access", "0003_meter_consume_function")]

    operations = [migrations.RunPython(_create, _restore)]
