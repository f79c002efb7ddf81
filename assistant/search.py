"""Search: query analysis → hybrid retrieval → results with provenance, as our own types and API dicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.retrieval import Hit, QueryPlan

from .query import analyze

if TYPE_CHECKING:
    from .container import Container


@dataclass
class SearchOutcome:
    hits: list[Hit]
    message: str = ""


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    p = hit.passage
    md = p.metadata
    return {
        "id": p.id, "doc_id": p.doc_id, "source": md.get("source", ""), "title": md.get("title", ""),
        "section": md.get("section", ""), "page": md.get("page"), "kind": p.kind, "text": p.text,
        "score": round(hit.score, 6), "metadata": md,
    }


class SearchService:
    def __init__(self, container: Container) -> None:
        self.c = container

    def search(self, query: str, k: int = 10, filters: dict[str, Any] | None = None,
               dense_text: str | None = None) -> SearchOutcome:
        qa = analyze(query)
        plan = QueryPlan(text=qa.lexical_text, k=k, filters=dict(filters or {}), number_keys=qa.number_keys,
                         bare_numbers=qa.bare_numbers, dense_text=dense_text or query,
                         restore_diacritics=not qa.english)
        hits = self.c.retriever.search(plan)
        message = ""
        if not hits:
            message = ("Không có đoạn nào khớp bộ lọc." if filters else "Không tìm thấy đoạn văn bản phù hợp.")
        return SearchOutcome(hits, message)
