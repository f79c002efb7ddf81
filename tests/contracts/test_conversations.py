"""The `Conversations` contract (assistant/conversation.py), held by the SQLite store under the data dir and
server mode's PostgreSQL one (index/pg/sessions.py): turns come back in order, only to the key that owns the
session; new sessions get distinct ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.conversation import Conversations, ConversationStore


def _postgresql(request: pytest.FixtureRequest, _: Path) -> Conversations:
    from index.pg.catalog import PgCatalog
    from index.pg.sessions import PgConversationStore

    return PgConversationStore(PgCatalog(request.getfixturevalue("pg_url"), 2))


IMPLEMENTATIONS: dict[str, Callable[[pytest.FixtureRequest, Path], Conversations]] = {
    "sqlite": lambda _, d: ConversationStore(str(d / "sessions.sqlite3")), "postgresql": _postgresql}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def conversations(request: pytest.FixtureRequest, tmp_path: Path) -> Conversations:
    return IMPLEMENTATIONS[request.param](request, tmp_path)


def test_turns_in_order_for_their_owner_only(conversations: Conversations) -> None:
    assert isinstance(conversations, Conversations)
    sid = conversations.new_id()
    assert sid != conversations.new_id()
    conversations.append(sid, "user", "Hỏi?", owner="k1")
    conversations.append(sid, "assistant", "Đáp.", {"query": "hỏi"}, owner="k1")
    assert conversations.history(sid, "k1") == [{"role": "user", "content": "Hỏi?"},
                                               {"role": "assistant", "content": "Đáp."}]
    assert conversations.history(sid, "k2") == []  # another key sees an empty session
    assert conversations.history(sid, "k1", limit=1) == [{"role": "assistant", "content": "Đáp."}]
