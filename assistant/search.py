"""Search: the question's analysis → a retrieval plan → hybrid retrieval → results with provenance; listing
questions ("Sở Nội vụ chủ trì những nhiệm vụ nào?") get every matching task-table row; a turn of a
conversation is searched with what it leans on."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from domain.figures import offers
from domain.followups import looks_like_followup
from domain.periods import IN_MONTH_TEXT, YEAR_TO_DATE_TEXT
from domain.words import fold
from index.filters import compile_filters, number_key
from index.retrieval import Hit, HybridRetriever, QueryPlan

from .analysis import Analysis, analyze
from .crosslingual import CrossLingualRerank
from .features import months_written
from .frames import DocumentFrames

MAX_LISTED_ROWS = 100
SIGNATURE_BLOCKS = 5  # passages of one document looked through for its signer's name


@dataclass
class SearchOutcome:
    hits: list[Hit]
    message: str = ""
    listing: dict[str, Any] | None = None  # a listing question: which column matched which value, how many rows
    analysis: Analysis | None = None  # of the query searched

    def as_dict(self) -> dict[str, Any]:
        # a listing's rows are read together, in order: each shown alone, not between its neighbours
        out: dict[str, Any] = {"results": [hit_to_dict(h, window=not self.listing) for h in self.hits],
                               "message": self.message}
        if self.listing:
            out["listing"] = self.listing
        return out


def hit_to_dict(hit: Hit, window: bool = True) -> dict[str, Any]:
    """A result as the API returns it; `window`: a table row or footnote shown between its neighbours (`text`),
    the passage alone then in `passage_text` (what its metadata and an answer's quotes are about)."""
    p = hit.passage
    md = p.metadata
    shown = p.window_text() if window else p.text
    out = {
        "id": p.id, "doc_id": p.doc_id, "source": md.get("source", ""), "title": md.get("title", ""),
        "section": md.get("section", ""), "page": md.get("page"), "kind": p.kind, "text": shown,
        "score": round(hit.score, 6), "metadata": md,
    }
    if shown != p.text:
        out["passage_text"] = p.text
    return out


def prefer_patterns(a: Analysis) -> list[str]:
    """Text features a good passage for this question shows (its period; "chủ trì" for who-questions; a
    document number when one is asked for; the day and month named): the retriever lifts fused candidates
    that have them."""
    prefer: list[str] = []
    if a.period == "ytd":
        prefer.append(YEAR_TO_DATE_TEXT)
    elif a.period == "month":
        prefer.append(IN_MONTH_TEXT)
    if a.quarter:
        prefer.append(rf"quý\s+{re.escape(a.quarter)}\b")
    if "who" in a.intents:
        prefer.append(r"chủ trì|\bgiao\b|phụ trách|Cơ quan chủ trì")
    elif "doc" in a.intents:
        prefer.append(r"\d+\s?/\s?(\d{4}/)?[A-ZĐ]")
    for n in a.footnotes:  # the footnote the question names, as the chunker heads it
        prefer.append(rf"^Chú thích {re.escape(n)}:")
    for d, mo in a.day_months:  # 25/12 matches "25/12", "25/12/2023", "ngày 25 tháng 12"
        prefer.append(rf"(?<!\d)0?{d}\s?/\s?0?{mo}(?!\d)|ngày 0?{d} tháng 0?{mo}(?!\d)")
    return prefer


def _is_named(md: Mapping[str, Any], a: Analysis) -> bool:
    """The passage's document is the one the question names by number, or the question names none."""
    own = number_key(md.get("doc_number"))
    if a.number_keys:
        return own in a.number_keys
    return not a.bare_numbers or own.split("/")[0] in {n.lstrip("0") for n, _ in a.bare_numbers}


_TITLE_MONTH = re.compile(r"\bthang\s+(\d{1,2})(?:\s*(?:/|nam)\s*((?:19|20)\d\d))?")
_TITLE_YEAR = re.compile(r"(?<![\d/])((?:19|20)\d\d)(?!\d)")


def _title_months(title: str, date: str) -> list[tuple[int, int]]:
    """The (month, year) pairs a folded title names, in its order: "tháng 02 và 02 tháng đầu năm, nhiệm vụ trọng
    tâm tháng 3 năm 2024" → (2, 2024), (3, 2024). A month written without its year takes the next year the title
    writes, else the document's."""
    years = [(m.start(), m.group(1)) for m in _TITLE_YEAR.finditer(title)]
    out: list[tuple[int, int]] = []
    for m in _TITLE_MONTH.finditer(title):
        year = m.group(2) or next((y for at, y in years if at > m.end()), "") or date[:4]
        if year.isdigit() and 1 <= int(m.group(1)) <= 12:
            out.append((int(m.group(1)), int(year)))
    return list(dict.fromkeys(out + months_written(title)))


def _described(md: Mapping[str, Any], a: Analysis, date_of: Callable[[], str]) -> tuple[int, ...]:
    """How surely the passage's document is the one the question describes, compared as a tuple (all 0: not at
    all). By the number it names; else by the month it names: the title's subject month (its first), then the
    document's date, then any month the title names — a March report dated in April names April as its next
    month's tasks, the April report names it first; else by the year it names: title, then date."""
    if a.number_keys or a.bare_numbers:
        return (int(_is_named(md, a)),)
    if not (a.months or a.years):
        return (0,)
    title, date = fold(str(md.get("title") or "")).lower(), date_of()
    if a.months:
        named = _title_months(title, date)
        return (int(bool(named) and named[0] in a.months),
                int(any(date.startswith(f"{y}-{m:02d}") for m, y in a.months)), int(bool(set(named) & set(a.months))))
    return (int(bool(set(a.years) & set(_TITLE_YEAR.findall(title)))), int(any(date.startswith(y) for y in a.years)))


def plan_for(a: Analysis, query: str, k: int = 10, filters: dict[str, Any] | None = None) -> QueryPlan:
    """What the retriever is asked for a question."""
    return QueryPlan(text=a.lexical_text, k=k, filters=dict(filters or {}), number_keys=a.number_keys,
                     bare_numbers=a.bare_numbers, dense_text=query, restore_diacritics=not a.english,
                     prefer=prefer_patterns(a), prefer_types=a.types, english=a.english)


class SearchService:
    def __init__(self, retriever: HybridRetriever, restore: Callable[[str], str],
                 sentence_vectors: Callable[[list[str]], dict[str, np.ndarray]] | None = None,
                 crosslingual: CrossLingualRerank | None = None,
                 frames: DocumentFrames | None = None) -> None:
        self.retriever = retriever
        self.restore = restore
        # what each document says of itself at ingest (its signer, its date); none known without it
        self.frames = frames or DocumentFrames(lambda doc_id: None, lambda: 0)
        self.sentence_vectors = sentence_vectors
        self.crosslingual = crosslingual or CrossLingualRerank()

    def analyze(self, text: str) -> Analysis:
        return analyze(text, self.restore)

    def search(self, query: str, k: int = 10, filters: dict[str, Any] | None = None,
               analysis: Analysis | None = None) -> SearchOutcome:
        a = analysis or self.analyze(query)
        rerank = a.english and self.sentence_vectors is not None and self.crosslingual.pool > 0
        plan = plan_for(a, query, max(k, self.crosslingual.pool) if rerank else k, filters)
        hits = self.retriever.search(plan)
        if rerank and self.sentence_vectors is not None:
            vec = self.retriever.query_vector(plan.dense_text or plan.text)
            hits = self.crosslingual.rerank(hits, vec, self.sentence_vectors)[:k]
        if "signer" in a.intents and hits:
            # the document the question describes best among the hits (the higher first when equal); the first
            # hit's when it describes none by number or period
            ranked = [(_described(h.passage.metadata, a, partial(self.frames.date, h.passage.doc_id)), -i, h)
                      for i, h in enumerate(hits)]
            surest, _, best = max(ranked, key=lambda t: t[:2])
            about = best if any(surest) else None
            if about is None and not (a.number_keys or a.bare_numbers or a.months or a.years):
                about = hits[0]
            if about is not None:
                hits = self._signature_first(hits, plan, about.passage.doc_id)
        listing = None
        if "list" in a.intents and not a.number_keys:
            listing = self._listing(a, hits, plan)
        if listing is not None:
            hits = listing[1]
        message = ""
        if not hits:
            message = ("Không có đoạn nào khớp bộ lọc." if filters else "Không tìm thấy đoạn văn bản phù hợp.")
        return SearchOutcome(hits, message, listing[0] if listing else None, a)

    def _signature_first(self, hits: list[Hit], plan: QueryPlan, doc_id: str) -> list[Hit]:
        """"Ai ký …?" / "Who signed …?": the signature is in the document the question is about (`doc_id`),
        whatever words the question shares with it. Its passages holding the signer recorded at ingest are
        searched by that name; one that reads as a signature (a role, then the name) goes first."""
        name = self.frames.signer(doc_id)
        if not name:
            return hits
        found = self.retriever.search(QueryPlan(text=name, k=SIGNATURE_BLOCKS, dense_text=name,
                                                filters={**plan.filters, "doc_id": doc_id}))
        key = fold(name).lower()
        holding = [h for h in found if key in fold(h.passage.text).lower()]
        signed = [h for h in holding if "signer" in offers(h.passage.text)] or holding
        if not signed:
            return hits
        first = signed[0]
        return [first, *(h for h in hits if h.passage.id != first.passage.id)][:len(hits)]

    def _listing(self, a: Analysis, hits: list[Hit], plan: QueryPlan) -> tuple[dict[str, Any], list[Hit]] | None:
        """"Sở Nội vụ chủ trì những nhiệm vụ nào?": every table row whose lead column names Sở Nội vụ, the
        ones retrieval ranked first, then the rest in table order."""
        retriever = self.retriever
        column, value, ids = retriever.list_rows(a.restored, a.row_field)
        if not ids:
            return None
        pred = compile_filters(plan.filters)
        cache = retriever.cache
        if pred is not None:
            kept = cache.matching(pred, set(ids))
            ids = [i for i in ids if i in kept]
        rank = {h.passage.id: r for r, h in enumerate(hits)}
        deep = {h.passage.id: h for h in retriever.search(QueryPlan(**{**plan.__dict__, "k": 200}))}
        ordered = sorted(ids, key=lambda i: (rank.get(i, 10**6), -deep[i].score if i in deep else 0.0))
        cache.prefetch(i for i in ordered[:MAX_LISTED_ROWS] if i not in deep)
        out = [deep.get(i) or Hit(cache.by_id[i], 0.0, {"listing": 1}) for i in ordered[:MAX_LISTED_ROWS]]
        return {"field": column, "value": value, "count": len(ids)}, out

    def search_in_context(self, question: str, history: list[str], k: int = 10,
                          filters: dict[str, Any] | None = None,
                          analysis: Analysis | None = None) -> tuple[SearchOutcome, str]:
        """Retrieval for a turn of a conversation; returns the outcome and the query it stands for.

        A question naming its own document number stands alone. An obvious follow-up ("còn nhập khẩu thì
        sao?") is searched with the previous question's topic. Anything in between is searched both ways and
        the two rankings fused, so a follow-up phrased as a full question still sees the earlier document while
        a genuinely new question keeps its own best passages near the top."""
        a = analysis or self.analyze(question)
        if not history or a.number_keys:
            return self.search(question, k, filters, a), question
        combined = f"{question} ({history[-1]})"
        if looks_like_followup(question):
            return self.search(combined, k, filters), combined
        alone = self.search(question, k * 2, filters, a).hits
        joint = self.search(combined, k * 2, filters).hits
        # A conversation anchored on a named document stays on it until another is named: then the joint
        # ranking (which carries that number) counts double.
        prev = self.analyze(history[-1])
        w_joint = 2.0 if prev.number_keys or prev.bare_numbers else 1.0
        scores: dict[str, float] = {}
        by_id: dict[str, Hit] = {}
        for weight, ranked in ((1.0, alone), (w_joint, joint)):
            for r, h in enumerate(ranked):
                scores[h.passage.id] = scores.get(h.passage.id, 0.0) + weight / (60 + r + 1)
                by_id.setdefault(h.passage.id, h)
        best = sorted(scores, key=lambda pid: -scores[pid])[:k]
        hits = [Hit(by_id[pid].passage, scores[pid], by_id[pid].ranks, by_id[pid].dense) for pid in best]
        return SearchOutcome(hits, "" if hits else "Không tìm thấy đoạn văn bản phù hợp.", None,
                             self.analyze(combined)), combined
