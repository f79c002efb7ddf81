"""Asking: a question in a conversation. The user's earlier questions come from the request or from the
session kept by the `Conversations` role (assistant/conversation.py; PostgreSQL in server mode), owned by the caller that started it); the answerer answers
whole or as a stream; question and answer are remembered in the session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .conversation import Conversations
from .limits import HISTORY_USED
from .types import Answer, Answerer, AnswerEvent


class AskService:
    def __init__(self, answerer: Answerer, conversations: Conversations) -> None:
        self.answerer = answerer
        self.conversations = conversations

    @property
    def mode(self) -> str:
        return self.answerer.mode

    def session(self, session_id: str | None) -> str:
        return session_id or self.conversations.new_id()

    def history(self, session_id: str, owner: str, turns: list[dict[str, Any]] | None = None) -> list[str]:
        """The user's earlier questions a follow-up reads: of the turns given, else of the session (its end)."""
        turns = turns if turns else self.conversations.history(session_id, owner)
        return [t["content"] for t in turns if t["role"] == "user"][-HISTORY_USED:]

    def remember(self, session_id: str, owner: str, question: str, answer: Answer) -> dict[str, Any]:
        """Keep the turn in the session; the answer as the API returns it."""
        self.conversations.append(session_id, "user", question, owner=owner)
        self.conversations.append(session_id, "assistant", answer.answer, {"query": answer.query}, owner=owner)
        body = answer.as_dict()
        body["session_id"] = session_id
        return body

    def answer(self, question: str, history: list[str], filters: dict[str, Any] | None) -> Answer:
        return self.answerer.answer(question, history, filters)

    def stream(self, question: str, history: list[str], filters: dict[str, Any] | None) -> Iterator[AnswerEvent]:
        return self.answerer.stream(question, history, filters)
