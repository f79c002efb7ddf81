"""Our own answer types: what flows from the answerer to the CLI and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    metadata: dict[str, Any] = field(default_factory=dict)

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
