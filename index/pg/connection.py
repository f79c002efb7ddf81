"""Connections to the shared PostgreSQL database: one pool per process (sized by CHIDAO_DATABASE_POOL), the
schema migrated on first use, and dedicated connections for the advisory locks writers hold."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool

from .migrations import migrate

_POOLS: dict[str, ConnectionPool] = {}
_GUARD = threading.Lock()


def pool(url: str, size: int = 8) -> ConnectionPool:
    """The process's pool for this database (created, and the schema migrated, on first use)."""
    with _GUARD:
        p = _POOLS.get(url)
        if p is None:
            with psycopg.connect(url, autocommit=True) as conn:
                migrate(conn)
            p = ConnectionPool(url, min_size=1, max_size=max(2, size), kwargs={"autocommit": True},
                               name="chidao", open=True, timeout=60)
            _POOLS[url] = p
        return p


@contextmanager
def dedicated(url: str) -> Iterator[psycopg.Connection]:
    """A connection of its own, for session-level advisory locks: closing it (or the process dying) frees them."""
    conn = psycopg.connect(url, autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


def close_pools() -> None:
    with _GUARD:
        for p in _POOLS.values():
            p.close()
        _POOLS.clear()
