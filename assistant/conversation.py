"""Server-side conversation history in SQLite under the data dir (survives restarts)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from typing import Any


class ConversationStore:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as c:
            c.execute("CREATE TABLE IF NOT EXISTS turns (session_id TEXT, ts REAL, role TEXT, content TEXT, "
                      "extra TEXT)")
            c.execute("CREATE INDEX IF NOT EXISTS turns_session ON turns(session_id, ts)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def history(self, session_id: str, limit: int = 20) -> list[dict[str, Any]]:
        with self._connect() as c:
            rows = c.execute("SELECT role, content FROM turns WHERE session_id=? ORDER BY ts DESC LIMIT ?",
                             (session_id, limit)).fetchall()
        return [{"role": r, "content": t} for r, t in reversed(rows)]

    def append(self, session_id: str, role: str, content: str, extra: dict[str, Any] | None = None) -> None:
        with self._lock, self._connect() as c:
            c.execute("INSERT INTO turns VALUES (?,?,?,?,?)",
                      (session_id, time.time(), role, content, json.dumps(extra or {}, ensure_ascii=False)))
