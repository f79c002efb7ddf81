"""Search: query analysis → hybrid retrieval → results with provenance, as our own types and API dicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.retrieval import Hit, QueryPlan

from .query import analyze, standalone_query

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
                         restore_diacritics=not qa.english, prefer=qa.prefer)
        hits = self.c.retriever.search(plan)
        message = ""
        if not hits:
            message = ("Không có đoạn nào khớp bộ lọc." if filters else "Không tìm thấy đoạn văn bản phù hợp.")
        return SearchOutcome(hits, message)

    def search_in_context(self, question: str, history: list[str], k: int = 10,
                          filters: dict[str, Any] | None = None) -> tuple[SearchOutcome, str]:
        """Retrieval for a turn of a conversation; returns the outcome and the query it stands for.

        A question naming its own document number stands alone. An obvious follow-up ("còn nhập khẩu thì
        sao?") is searched with the previous question's topic. Anything in between is searched both ways and
        the two rankings fused, so a follow-up phrased as a full question (dev q103) still sees the earlier
        document while a genuinely new question keeps its own best passages near the top."""
        if not history or analyze(question).number_keys:
            return self.search(question, k, filters), question
        combined = standalone_query(question, history)
        if combined == question:
            combined = f"{question} ({history[-1]})"
        else:
            return self.search(combined, k, filters), combined
        alone = self.search(question, k * 2, filters).hits
        joint = self.search(combined, k * 2, filters).hits
        scores: dict[str, float] = {}
        by_id: dict[str, Hit] = {}
        for ranked in (alone, joint):
            for r, h in enumerate(ranked):
                scores[h.passage.id] = scores.get(h.passage.id, 0.0) + 1.0 / (60 + r + 1)
                by_id.setdefault(h.passage.id, h)
        best = sorted(scores, key=lambda pid: -scores[pid])[:k]
        hits = [Hit(by_id[pid].passage, scores[pid], by_id[pid].ranks) for pid in best]
        return SearchOutcome(hits, "" if hits else "Không tìm thấy đoạn văn bản phù hợp."), combined
