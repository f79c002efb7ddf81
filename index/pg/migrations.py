"""Schema migrations: plain numbered SQL files (`sql/001_catalog.sql`, …) run in order at start, each in its
own transaction, the applied version recorded in `schema_migrations`. An advisory lock makes replicas that
start together run them once."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg

SQL_DIR = Path(__file__).resolve().parent / "sql"
MIGRATION_LOCK = 0x43484D47  # "CHMG": pg_advisory_xact_lock key for running migrations


def migration_files() -> list[tuple[int, Path]]:
    out = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        m = re.match(r"(\d+)_", path.name)
        if m:
            out.append((int(m.group(1)), path))
    return out


def migrate(conn: psycopg.Connection) -> int:
    """Apply the files not applied yet; returns the schema version now in force."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, "
                     "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        current = int(row[0]) if row else 0
        for version, path in migration_files():
            if version <= current:
                continue
            conn.execute(path.read_text(encoding="utf-8"))  # type: ignore[arg-type]  # our own file
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, path.name))
            current = version
    return current
