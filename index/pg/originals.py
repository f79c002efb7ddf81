"""The ingested files themselves in PostgreSQL (server mode), by content hash: every replica can re-cut or
rebuild from them, whichever replica received the upload. Same contract as index/originals.py."""

from __future__ import annotations

from .catalog import PgCatalog


class PgOriginalStore:
    def __init__(self, catalog: PgCatalog) -> None:
        self.pool = catalog.pool

    def save(self, sha256: str, data: bytes) -> None:
        with self.pool.connection() as conn:
            conn.execute("INSERT INTO originals VALUES (%s, %s) ON CONFLICT DO NOTHING", (sha256, data))

    def load(self, sha256: str) -> bytes:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT data FROM originals WHERE sha256 = %s", (sha256,)).fetchone()
        if row is None:
            raise FileNotFoundError(sha256)
        return bytes(row[0])

    def remove(self, sha256: str) -> None:
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM originals WHERE sha256 = %s", (sha256,))
