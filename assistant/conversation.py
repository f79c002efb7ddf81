"""Server-side conversation history: the `Conversations` role, and its embedded implementation in SQLite under
the data dir (survives restarts). Server mode keeps the turns in PostgreSQL (index/pg/sessions.py); both pass
tests/contracts/test_conversations.py."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Conversations(Protocol):
    """Turns of a session, each session owned by the key that started it."""

    def new_id(self) -> str: ...
    def history(self, session_id: str, owner: str = "local", limit: int = 20) -> list[dict[str, Any]]: ...
    def append(self, session_id: str, role: str, content: str, extra: dict[str, Any] | None = None,
               owner: str = "local") -> None: ...


class ConversationStore:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as c:
            c.execute("CREATE TABLE IF NOT EXISTS turns (session_id TEXT, ts REAL, role TEXT, content TEXT, "
                      "extra TEXT)")
            c.execute("CREATE INDEX IF NOT EXISTS turns_session ON turns(session_id, ts)")
            cols = {r[1] for r in c.execute("PRAGMA table_info(turns)")}
            if "owner" not in cols:  # a session belongs to the key that started it
                c.execute("ALTER TABLE turns ADD COLUMN owner TEXT NOT NULL DEFAULT 'local'")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def history(self, session_id: str, owner: str = "local", limit: int = 20) -> list[dict[str, Any]]:
        """The session's turns, only for the caller that owns it (another key sees an empty session)."""
        with self._connect() as c:
            rows = c.execute("SELECT role, content FROM turns WHERE session_id=? AND owner=? ORDER BY ts DESC LIMIT ?",
                             (session_id, owner, limit)).fetchall()
        return [{"role": r, "content": t} for r, t in reversed(rows)]

    def append(self, session_id: str, role: str, content: str, extra: dict[str, Any] | None = None,
               owner: str = "local") -> None:
        with self._lock, self._connect() as c:
            c.execute("INSERT INTO turns (session_id, ts, role, content, extra, owner) VALUES (?,?,?,?,?,?)",
                      (session_id, time.time(), role, content, json.dumps(extra or {}, ensure_ascii=False), owner))
