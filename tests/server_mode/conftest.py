"""Server mode with the real servers (the fixtures `pg`, `chroma_srv`, `samples_db` in tests/conftest.py: a
throw-away PostgreSQL cluster from Debian's postgresql-15 `initdb` and `pg_ctl`, run as the unprivileged
`postgres` user when the tests run as root, and `chroma run`). The samples are ingested once into a template
database; each test gets its own copy (CREATE DATABASE … TEMPLATE) and its own Chroma collection filled from
that copy's catalog — nothing embedded twice. Replicas are `chidao serve` processes on one database."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..conftest import Server


def start_replica(data_dir: Path, env: dict[str, str]) -> Server:
    data_dir.mkdir(parents=True, exist_ok=True)
    return Server(data_dir, env).start()


def wait_for(predicate: Any, timeout: float, every: float = 0.05) -> float:
    """Seconds until `predicate()` held (raises past `timeout`)."""
    t0 = time.perf_counter()
    while True:
        if predicate():
            return time.perf_counter() - t0
        if time.perf_counter() - t0 > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(every)
