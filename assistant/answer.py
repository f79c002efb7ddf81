"""The extractive answerer: find the shortest span of the retrieved passages that answers the question,
quote it verbatim with its source, or say plainly that the documents do not hold the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.retrieval import Hit
from index.vntext import fold, has_diacritics, tokens
from ingest.textnorm import sentence_spans, strip_superscripts

from .citations import citation_label, short_source
from .query import analyze
from .types import Answer, Citation

if TYPE_CHECKING:
    from .search import SearchService
    from .settings import Settings

ABSTAIN_VI = "Không tìm thấy thông tin trong tài liệu để trả lời câu hỏi này."
ABSTAIN_EN = "The documents do not contain the information needed to answer this question."
MAX_SPAN = 420

_Q_QUANTITY = re.compile(r"bao nhiêu|mấy|tỷ lệ|phần trăm|how many|how much|what percent|bao nhieu|may |ty le", re.I)
_Q_WHO = re.compile(r"cơ quan nào|\bai\b|sở nào|đơn vị nào|chủ trì|who|which (agency|department|body|organization)|"
                    r"co quan nao|so nao|chu tri|ban nào|đối tượng nào", re.I)
_Q_DOC = re.compile(r"(văn bản|quyết định|nghị định|công điện|kế hoạch|thông tư|nghị quyết|báo cáo|công văn) nào|"
                    r"số mấy|which (decision|document|decree|plan)|van ban nao|quyet dinh nao", re.I)
_Q_WHEN = re.compile(r"khi nào|ngày nào|bao giờ|thời hạn|tiến độ|thời gian|when|deadline|khi nao|ngay nao|"
                     r"thoi han|tien do|moc thoi gian|mốc thời gian", re.I)
_UNITS = {"tiền": "đồng", "phần trăm": "%", "percent": "%", "tien": "đồng", "phan tram": "%"}
_NUM = re.compile(r"\d")
_NOT_FIGURES = re.compile(r"\d+\s?/\s?(\d{4}/)?[A-ZĐ][\w-]*|\d{1,2}/\d{1,2}(/\d{4})?|\b(19|20)\d\d\b|\d{4}\s?-\s?\d{4}")
_FIGURE = re.compile(r"\d")
_AGENCY = re.compile(r"\b(Sở|Ban|UBND|Ủy ban|Văn phòng|Thanh tra|Công an|Bộ|Trung tâm|Cục|Chi cục|Đài|Báo)\b")
_DOCNUM = re.compile(r"\d+\s?/\s?(\d{4}/)?[A-ZĐ]")


@dataclass
class _Candidate:
    hit: Hit
    rank: int
    start: int
    end: int
    text: str
    score: float


def _content_terms(query: str, folded: bool) -> list[str]:
    return [t for t in tokens(query, folded=folded) if "_" in t or len(t) > 1]


class ExtractiveAnswerer:
    mode = "extractive"

    def __init__(self, search: SearchService, settings: Settings) -> None:
        self.search = search
        self.settings = settings

    def answer(self, question: str, history: list[str] | None = None,
               filters: dict[str, Any] | None = None) -> Answer:
        history = history or []
        outcome, query = self.search.search_in_context(question, history, self.settings.answer_top_k, filters)
        hits = outcome.hits
        english = analyze(question).english
        if not hits:
            return Answer(ABSTAIN_EN if english else ABSTAIN_VI, True, [], [], query)
        lexicon = self.search.c.lexical
        restorer = self.search.c.retriever.cache.restorer
        q_text = question if has_diacritics(question) or english else restorer.restore(question)
        if english:
            q_text = analyze(question).lexical_text
        if query != question:  # a follow-up: the current question's words count double
            q_text = q_text + " " + q_text + " " + (history[-1] if history else "")
        folded = False
        terms = _content_terms(q_text, folded)
        weights = {t: max(lexicon.idf(t), 0.05) for t in terms}
        total = sum(weights.values()) or 1.0

        keys = set(analyze(query).number_keys)
        cands: list[_Candidate] = []
        for rank, hit in enumerate(hits[:6]):
            for start, end, text in self._units(hit):
                toks = set(tokens(text))
                cov = sum(w for t, w in weights.items() if t in toks) / total
                score = cov + 0.12 / (rank + 1) + self._type_bonus(question, text, hit)
                if hit.passage.kind == "directive_item" and start == 0:
                    score -= 0.15  # the item's title restates the question; the answer is in the body
                own = {str(hit.passage.metadata.get("directive_key") or "")}
                if keys and keys & (set(hit.passage.metadata.get("doc_numbers") or []) | own):
                    score += 0.15
                cands.append(_Candidate(hit, rank, start, end, text, score))
        if not cands:
            return Answer(ABSTAIN_EN if english else ABSTAIN_VI, True, [], [], query)
        cands.sort(key=lambda c: -c.score)
        best = self._unit_filter(question, cands)
        if best is None or self._missing_key_terms(q_text, best) or best.score < self.settings.abstain_threshold:
            related = [self._citation(i + 1, h, None) for i, h in enumerate(hits[:3])]
            msg = ABSTAIN_EN if english else ABSTAIN_VI
            return Answer(msg, True, [], related, query)
        citations = [self._citation(1, best.hit, best)]
        holder_id = best.hit.passage.metadata.get("cited_by") if best.hit.passage.kind == "footnote" else None
        holder = self.search.c.retriever.cache.by_id.get(holder_id) if holder_id else None
        if holder is not None:
            citations.append(self._citation(2, Hit(holder, 0.0, {}), None))
        text = self._render(best, english, with_citing=holder is not None)
        return Answer(text, False, citations, [], query)

    # --- candidate spans -------------------------------------------------------------------------
    def _units(self, hit: Hit) -> list[tuple[int, int, str]]:
        p = hit.passage
        text = p.text
        if p.kind == "table_row":
            line_start = text.rfind("\n") + 1
            return [(line_start, len(text), text[line_start:])]
        out = []
        spans: list[tuple[int, int]] = []
        offset = 0
        for line in text.split("\n"):  # an item's title line is a unit of its own
            spans += [(offset + a, offset + b) for a, b in sentence_spans(line)]
            offset += len(line) + 1
        if p.kind == "footnote":
            head = re.match(r"^Chú thích \d+:\s*", text)
            spans = [(max(a, head.end() if head else 0), b) for a, b in spans]
        for s, e in spans:
            sent = text[s:e]
            if len(sent) <= MAX_SPAN:
                out.append((s, e, sent))
                continue
            # A long sentence chains figures with commas: offer windows of its clauses.
            parts = [m.span() for m in re.finditer(r"[^,;:]+[,;:]?", sent)]
            for i in range(len(parts)):
                j = i
                while j + 1 < len(parts) and parts[j + 1][1] - parts[i][0] <= 260:
                    j += 1
                out.append((s + parts[i][0], s + parts[j][1], sent[parts[i][0] : parts[j][1]].strip()))
        return out

    @staticmethod
    def _type_bonus(question: str, text: str, hit: Hit) -> float:
        bonus = 0.0
        q = question.lower()
        ytd_q = re.search(r"lũy kế|luy ke|cộng dồn|cong don|từ đầu năm|tu dau nam|(2|02|hai) tháng|(2|02|hai) thang|"
                          r"year to date|first two months", q)
        ytd_t = re.search(r"lũy kế|cộng dồn|02 tháng|2 tháng|từ đầu năm", text, re.I)
        if ytd_q and ytd_t:
            bonus += 0.1
        elif re.search(r"trong tháng|tháng này|this month", q) and re.search(r"trong tháng", text, re.I):
            bonus += 0.1
        if _Q_QUANTITY.search(question):
            bonus += 0.12 if _FIGURE.search(_NOT_FIGURES.sub(" ", text)) else -0.15
        if _Q_WHO.search(question):
            bonus += 0.15 if "chủ trì" in text or "giao" in text.lower() else (0.05 if _AGENCY.search(text) else -0.05)
        if _Q_DOC.search(question):
            bonus += 0.12 if _DOCNUM.search(text) else -0.05
        if _Q_WHEN.search(question):
            bonus += 0.08 if re.search(r"\d{1,2}/\d{1,2}/\d{4}|ngày|năm \d{4}|Thường xuyên|Trong năm", text) else 0.0
        return bonus

    @staticmethod
    def _unit_filter(question: str, cands: list[_Candidate]) -> _Candidate | None:
        """`bao nhiêu tiền` needs an amount in đồng, `bao nhiêu phần trăm` a percentage: prefer spans that have it."""
        q = question.lower()
        need = next((u for k, u in _UNITS.items() if k in q or k in fold(q)), None)
        if need is None:
            return cands[0]
        for c in cands[:12]:
            if need == "%" and re.search(r"\d\s?%", c.text):
                return c
            if need == "đồng" and re.search(r"\d[\d.,]*\s*(nghìn |triệu |tỷ )?đồng", c.text):
                return c
        return None

    def _missing_key_terms(self, query: str, best: _Candidate) -> bool:
        """Abstain when the question names something the corpus never mentions (e.g. CPI) or a period the
        retrieved passages do not cover (quý I)."""
        lex = self.search.c.lexical
        for t in tokens(query):
            if "_" in t or t.isdigit():
                continue
            if re.fullmatch(r"[a-zà-ỹđ]{2,}", t) and lex.idf(t) == 0.0 and lex.idf(fold(t), folded=True) == 0.0:
                if len(t) >= 3 and t.upper() in query:  # an acronym the documents never use
                    return True
        m = re.search(r"quý\s+([IV]+|\d)", query, re.I)
        if m and not re.search(rf"quý\s+{m.group(1)}\b", best.hit.passage.text, re.I):
            return True
        return False

    # --- rendering -------------------------------------------------------------------------------
    def _render(self, best: _Candidate, english: bool, with_citing: bool = False) -> str:
        p = best.hit.passage
        md = p.metadata
        span = strip_superscripts(best.text).strip()
        if p.kind == "table_row":
            fields = [("Tiến độ", md.get("row_deadline")), ("Cơ quan chủ trì", md.get("row_lead")),
                      ("Cơ quan phối hợp", md.get("row_partner")), ("Kết quả/sản phẩm", md.get("row_result"))]
            task = md.get("row_task") or ""
            body = f"nhiệm vụ {md.get('stt', '')} “{task}”: " + "; ".join(f"{k}: {v}" for k, v in fields if v)
            if len(body) > 600:
                body = body[:597].rsplit(" ", 1)[0] + "…"
            span = body
        source = short_source(md)
        where = ""
        if p.kind == "footnote" and md.get("footnote_no"):
            where = f" (chú thích {md['footnote_no']})"
        elif md.get("section") and p.kind not in ("directive_item", "table_row"):
            where = f" (mục {md['section'].replace(' > ', '.')})"
        if english:
            return f"According to {source}{where}: {span} [1]"
        out = f"Theo {source}{where}, {span[0].lower() + span[1:] if span[:2].istitle() and not span[:3].isupper() else span} [1]"
        if with_citing and md.get("citing_sentence") and len(out) < 320:
            cited = md["citing_sentence"]
            if len(cited) > 160:
                cited = cited[:157].rsplit(" ", 1)[0] + "…"
            out += f"\nChú thích này thuộc câu: “{cited}” [2]"
        return out

    @staticmethod
    def _citation(n: int, hit: Hit, cand: _Candidate | None) -> Citation:
        p = hit.passage
        md = p.metadata
        return Citation(
            n=n, id=p.id, doc_id=p.doc_id, source=md.get("source", ""), title=md.get("title", ""),
            section=md.get("section", ""), page=md.get("page"), kind=p.kind, text=p.text,
            label=citation_label(md, p.kind), quote_start=cand.start if cand else -1,
            quote_end=cand.end if cand else -1, metadata=md,
        )
