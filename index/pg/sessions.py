"""Conversation turns in the shared PostgreSQL database (server mode): a follow-up question may reach any
replica and still find its session. Same contract as assistant/conversation.py `ConversationStore`."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from .catalog import PgCatalog


class PgConversationStore:
    def __init__(self, catalog: PgCatalog) -> None:
        self.pool = catalog.pool

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def history(self, session_id: str, owner: str = "local", limit: int = 20) -> list[dict[str, Any]]:
        """The session's turns, only for the caller that owns it (another key sees an empty session)."""
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT role, content FROM turns WHERE session_id = %s AND owner = %s "
                                "ORDER BY ts DESC LIMIT %s", (session_id, owner, limit)).fetchall()
        return [{"role": r, "content": t} for r, t in reversed(rows)]

    def append(self, session_id: str, role: str, content: str, extra: dict[str, Any] | None = None,
               owner: str = "local") -> None:
        with self.pool.connection() as conn:
            conn.execute("INSERT INTO turns (session_id, ts, role, content, extra, owner) VALUES "
                         "(%s, %s, %s, %s, %s::json, %s)", (session_id, time.time(), role, content,
                                                           json.dumps(extra or {}, ensure_ascii=False), owner))
