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
    listing: dict[str, Any] | None = None  # a listing question: which column matched which value, how many rows

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"results": [hit_to_dict(h) for h in self.hits], "message": self.message}
        if self.listing:
            out["listing"] = self.listing
        return out


MAX_LISTED_ROWS = 100


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
                         restore_diacritics=not qa.english, prefer=qa.prefer,
                         prefer_types=qa.types)
        hits = self.c.retriever.search(plan)
        listing = None
        if qa.intent == "list" and not qa.number_keys:
            listing = self._listing(qa.row_field, query, hits, plan)
        if listing is not None:
            hits = listing[1]
        message = ""
        if not hits:
            message = ("Không có đoạn nào khớp bộ lọc." if filters else "Không tìm thấy đoạn văn bản phù hợp.")
        return SearchOutcome(hits, message, listing[0] if listing else None)

    def _listing(self, field: str, query: str, hits: list[Hit], plan: QueryPlan,
                 ) -> tuple[dict[str, Any], list[Hit]] | None:
        """"Sở Nội vụ chủ trì những nhiệm vụ nào?": every table row whose lead column names Sở Nội vụ, the
        ones retrieval ranked first, then the rest in table order."""
        retriever = self.c.retriever
        restored = retriever.cache.restorer.restore(query) if analyze(query).folded else query
        column, value, ids = retriever.list_rows(restored, field)
        if not ids:
            return None
        from index.retrieval import compile_filters

        pred = compile_filters(plan.filters)
        by_id = retriever.cache.by_id
        ids = [i for i in ids if pred is None or pred(by_id[i].metadata)]
        rank = {h.passage.id: r for r, h in enumerate(hits)}
        deep = {h.passage.id: h for h in retriever.search(QueryPlan(**{**plan.__dict__, "k": 200}))}
        ordered = sorted(ids, key=lambda i: (rank.get(i, 10**6), -deep[i].score if i in deep else 0.0))
        out = [deep.get(i) or Hit(by_id[i], 0.0, {"listing": 1}) for i in ordered[:MAX_LISTED_ROWS]]
        return {"field": column, "value": value, "count": len(ids)}, out

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
        # A conversation anchored on a named document stays on it until another is named: then the joint
        # ranking (which carries that number) counts double.
        prev = analyze(history[-1])
        w_joint = 2.0 if prev.number_keys or prev.bare_numbers else 1.0
        scores: dict[str, float] = {}
        by_id: dict[str, Hit] = {}
        for weight, ranked in ((1.0, alone), (w_joint, joint)):
            for r, h in enumerate(ranked):
                scores[h.passage.id] = scores.get(h.passage.id, 0.0) + weight / (60 + r + 1)
                by_id.setdefault(h.passage.id, h)
        best = sorted(scores, key=lambda pid: -scores[pid])[:k]
        hits = [Hit(by_id[pid].passage, scores[pid], by_id[pid].ranks) for pid in best]
        return SearchOutcome(hits, "" if hits else "Không tìm thấy đoạn văn bản phù hợp."), combined
