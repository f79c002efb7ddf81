"""One writer per data dir (embedded mode; in server mode the database orders writers: `SharedDatabase`).
Chroma is not process-safe (two writers can wedge a store), so `chidao serve`, `chidao ingest`,
`chidao repair` and `chidao docs rm` hold an exclusive lock on the data dir while they write.
The holder writes who it is (pid, role, URL) so a second command can say so — and `chidao ingest` can send
its files through the running server instead."""

from __future__ import annotations

import fcntl
import json
import os
import time
from typing import Any


class DataDirLocked(RuntimeError):
    def __init__(self, holder: dict[str, Any]) -> None:
        self.holder = holder
        what = holder.get("role", "another chidao process")
        where = f" at {holder['url']}" if holder.get("url") else ""
        super().__init__(f"the data dir is in use by `chidao {what}` (pid {holder.get('pid', '?')}){where}")


class DataDirLock:
    def __init__(self, data_dir: str) -> None:
        os.makedirs(data_dir, exist_ok=True)
        self.path = os.path.join(data_dir, "chidao.lock")
        self._fd: int | None = None

    def holder(self) -> dict[str, Any]:
        try:
            with open(self.path, encoding="utf-8") as fh:
                return json.loads(fh.read() or "{}")  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return {}

    def acquire(self, role: str, **info: Any) -> DataDirLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataDirLocked(self.holder()) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "role": role, "since": time.time(), **info}).encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def update(self, **info: Any) -> None:
        if self._fd is not None:
            data = {**self.holder(), **info}
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, json.dumps(data).encode(), 0)

    def locked_by_other(self) -> dict[str, Any] | None:
        """The holder's info when another process holds the lock, else None (checked without taking it)."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return self.holder() or {"role": "?"}
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()


class SharedDatabase:
    """Server mode (CHIDAO_DATABASE_URL): commands and replicas share the database, whose own locks order
    writers — one per document, none during `repair` (index/pg/catalog.py) — so no data-dir lock is taken."""

    def acquire(self, role: str, **info: Any) -> SharedDatabase:
        return self

    def update(self, **info: Any) -> None:
        return None

    def holder(self) -> dict[str, Any]:
        return {}

    def locked_by_other(self) -> dict[str, Any] | None:
        return None

    def release(self) -> None:
        return None

    def __enter__(self) -> SharedDatabase:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


def writer_lock(data_dir: str, database_url: str | None) -> DataDirLock | SharedDatabase:
    return SharedDatabase() if database_url else DataDirLock(data_dir)
