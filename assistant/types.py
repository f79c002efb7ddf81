"""Our own answer types — what flows from the answerer to the CLI and the API — and the `Answerer` role
(extractive: assistant/answer.py; LLM: assistant/llm.py; contract: tests/contracts/test_answerer.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict, runtime_checkable


@dataclass
class Citation:
    n: int
    id: str
    doc_id: str
    source: str
    title: str
    section: str
    page: int | None
    kind: str
    text: str
    label: str  # how an official names the source: "Công văn số 1887/UBND-NC ngày 28/12/2023"
    quote_start: int = -1  # character span of the quoted sentence inside `text`, for highlighting
    quote_end: int = -1
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Answer:
    answer: str
    abstained: bool
    citations: list[Citation]
    related: list[Citation] = field(default_factory=list)
    query: str = ""
    mode: str = "extractive"
    grounding: dict[str, Any] = field(default_factory=lambda: {"ok": True, "problems": []})
    confidence: float = 0.0  # the extractive score of the chosen span (abstention threshold: CHIDAO_ABSTAIN_THRESHOLD)

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer, "abstained": self.abstained,
            "citations": [c.as_dict() for c in self.citations],
            "related": [c.as_dict() for c in self.related],
            "query": self.query, "mode": self.mode, "grounding": self.grounding,
            "confidence": round(self.confidence, 3),
        }


class AnswerEvent(TypedDict, total=False):
    """One event of a streamed answer: `{"delta": text}` while it is written, then one `{"done": answer,
    "replaced": bool}` — `replaced` when a generated answer failed its check and another stands instead."""

    delta: str
    done: Answer
    replaced: bool


@runtime_checkable
class Answerer(Protocol):
    """Answers a question (with the user's earlier questions of the conversation and optional search
    filters), whole or as a stream of `AnswerEvent`s. A bad filter raises `index.filters.BadFilter`."""

    mode: str  # "extractive" | "llm": what the answers say they are

    def answer(self, question: str, history: list[str] | None = None,
               filters: dict[str, Any] | None = None) -> Answer: ...

    def stream(self, question: str, history: list[str] | None = None,
               filters: dict[str, Any] | None = None) -> Iterator[AnswerEvent]: ...


def events_of(answer: Answer) -> Iterator[AnswerEvent]:
    """An answer computed at once, as the events of a stream (its lines as they are)."""
    for line in answer.answer.splitlines(keepends=True):
        yield {"delta": line}
    yield {"done": answer, "replaced": False}
