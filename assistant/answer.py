"""The extractive answerer: find the shortest spans of the retrieved passages that answer what the question
asks (a figure with its period, an agency, a document, a date, a content), quote them verbatim under the
name of their source, or say plainly that the documents do not hold the answer.

An answer is one attribution line ("Theo Công văn số 1887/UBND-NC ngày 28/12/2023:") and one or two quoted
spans, each ending with the marker of the citation it comes from; a question asking two things ("bao nhiêu
…, sở nào chủ trì?") gets a second span when the first does not hold both."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.retrieval import Hit
from index.vntext import fold, has_diacritics, tokens
from ingest.textnorm import sentence_spans, strip_superscripts

from .asks import (
    MONTH_TEXT,
    YTD_TEXT,
    Ask,
    asks_signer,
    counts,
    doc_type_matches,
    figures_of,
    measure_words,
    names_signer,
    offers,
    read_ask,
    who_acts,
)
from .citations import section_ref, short_source
from .injection import quotes_instruction
from .query import analyze
from .sources import citation_of
from .types import Answer, Citation

if TYPE_CHECKING:
    from .search import SearchService
    from .settings import Settings

ABSTAIN_VI = "Không tìm thấy thông tin trong tài liệu để trả lời câu hỏi này."
ABSTAIN_EN = "The documents do not contain the information needed to answer this question."
MAX_SPAN = 300  # a quoted span; the attribution line adds ≈ 60 characters
CLAUSE_WINDOW = 240
CORE_INTENTS = ("quantity", "percent", "money", "who", "doc", "when", "task")
# Bigrams with a function word say little about the topic ("dự án thuộc"): they count for a fraction.
_FUNCTION = frozenset("thuộc tại trên dưới đối với về theo của các những từ đến cho đang được đã sẽ là có và ở trong "
                      "khi nếu này đó thì mà để".split())
CANDIDATE_HITS = 6
# Scoring weights (chosen on ../shared/eval/dev.jsonl with `chidao eval`; see bench/RESULTS.md)
W_UNIT, W_CONTEXT, W_RANK = 0.6, 0.3, 0.1
B_INTENT, P_INTENT, B_PERIOD = 0.12, 0.1, 0.12
RARE_IDF = 4.0  # a term this rare names the asked thing (idf over the indexed passages)
LENGTH_COST = 0.0003  # per character: of two spans that hold the answer, the shorter one
_OTHER_RANGE = re.compile(r"từ \d{1,2}/\d{1,2}\s?[-–]|\d{1,2}/\d{1,2}\s?[-–]\s?\d{1,2}/\d{1,2}")
# Words rare in documents but not what a question is about (time and linking words of the question itself).
_NOT_SPECIFIC = frozenset("sang tới đến vừa qua nay hiện đang sẽ dự kiến tính ước chừng khoảng gần hơn".split())
_FURNITURE = re.compile(r"^[^,\n]{2,40}, ngày\b[^.]{0,30}$|^(Số|V/v|Kính gửi|CỘNG HÒA|Độc lập)\b[^.]{0,60}$", re.I)
_TOTAL_Q = re.compile(r"\btổng\b|\btong\b|\btotal\b|tất cả|tat ca", re.I)
# Words that only ask (they are in every question, never the answer's topic)
_ASKING = frozenset("""bao nhiêu mấy nào gì ai đâu không được là cộng ước tính khoảng cho tôi biết hỏi vậy thì
    sao còn phần trong đó số liệu xin hãy như thế nào những các có những việc""".split())
# Period words are matched by the period bonus, not as topic words (lũy kế ≈ cộng dồn ≈ từ đầu năm).
_PERIOD_WORDS = re.compile(r"lũy kế|luỹ kế|cộng dồn|từ đầu năm|\d+ tháng đầu năm|(hai|ba) tháng đầu năm|tính đến|"
                           r"tính tới|đến nay|trong tháng|so far|year to date", re.I)


@dataclass
class _Candidate:
    hit: Hit
    rank: int
    start: int
    end: int
    text: str
    score: float
    offers: set[str]
    coverage: float
    specific: bool = False


def _content_terms(text: str) -> list[str]:
    out = []
    for t in tokens(text):
        parts = t.split("_")
        if all(p in _ASKING for p in parts):
            continue
        if "_" in t or len(t) > 1:
            out.append(t)
    return out


class ExtractiveAnswerer:
    mode = "extractive"

    def __init__(self, search: SearchService, settings: Settings) -> None:
        self.search = search
        self.settings = settings

    # --- the answer ------------------------------------------------------------------------------
    def answer(self, question: str, history: list[str] | None = None,
               filters: dict[str, Any] | None = None) -> Answer:
        history = history or []
        outcome, query = self.search.search_in_context(question, history, self.settings.answer_top_k, filters)
        qa = analyze(question)
        english = qa.english
        if outcome.listing and outcome.hits:
            return self._listing(outcome.listing, outcome.hits, english, query)
        hits = outcome.hits
        if not hits:
            return self._abstain(english, [], query)

        restorer = self.search.c.retriever.cache.restorer
        q_text = qa.lexical_text if english else (question if has_diacritics(question) else restorer.restore(question))
        ask = read_ask(question, english)
        topic_text = ""
        if query != question and history:  # a follow-up: the span holds its own words, the passage the topic
            prev = history[-1]
            topic_text = prev if has_diacritics(prev) else restorer.restore(prev)
            if not [i for i in ask.intents if i in CORE_INTENTS]:
                ask.intents = read_ask(prev).intents + ask.intents
            if not ask.period:
                ask.period = read_ask(prev).period
        exclude = set(qa.number_keys) | {k for h in history for k in analyze(h).number_keys}

        lexicon = self.search.c.lexical
        ask.measures = measure_words(q_text)
        ask.total = bool(_TOTAL_Q.search(question))
        ask.text_lower = q_text.lower()
        ask.dates = _dates_named(question)

        def weigh(text: str) -> dict[str, float]:
            return {t: max(lexicon.idf(t), 0.05) * (0.3 if "_" in t and set(t.split("_")) & _FUNCTION else 1.0)
                    for t in _content_terms(_PERIOD_WORDS.sub(" ", text))}

        weights = weigh(q_text)
        known = {t: w for t, w in weights.items() if lexicon.idf(t) > 0 and "_" not in t and t not in _NOT_SPECIFIC}
        ask.specific = max(known, key=lambda t: known[t]) if known else ""
        ctx_weights = {**weigh(topic_text), **weights}
        cands = self._candidates(hits[:CANDIDATE_HITS], weights, ctx_weights, ask, exclude)
        if not cands:
            return self._abstain(english, hits, query)
        cands.sort(key=lambda c: -c.score)
        best = self._unit_filter(ask, cands)
        if best is None or best.score < self.settings.abstain_threshold or self._not_covered(q_text, ask, best):
            out = self._abstain(english, hits, query)
            out.confidence = best.score if best else 0.0
            return out
        parts = [best]
        missing = [i for i in ask.intents if i in CORE_INTENTS and i not in best.offers and i != "quantity"]
        if "quantity" in ask.intents and "quantity" not in best.offers:
            missing.append("quantity")
        for intent in missing[:1]:
            extra = self._second_part(cands, best, intent)
            if extra is not None:
                parts.append(extra)
        if asks_signer(question) and not any(names_signer(c.hit.passage.text) for c in parts):
            return self._abstain(english, hits, query)  # who signed is not said in what was found
        if ask.wants_figure and self._named_without_figure(best, weights):
            return self._abstain(english, hits, query)
        only_figure = not [i for i in ask.intents if i in CORE_INTENTS and i not in ("quantity", "percent", "money")]
        if ask.wants_figure and only_figure and not any("quantity" in c.offers for c in parts):
            return self._abstain(english, hits, query)  # asked how much; no span gives a figure
        out = self._compose(parts, english, query)
        out.confidence = best.score
        return out

    # --- candidates --------------------------------------------------------------------------------
    def _candidates(self, hits: list[Hit], weights: dict[str, float], ctx_weights: dict[str, float], ask: Ask,
                    exclude: set[str]) -> list[_Candidate]:
        total = sum(weights.values()) or 1.0
        ctx_total = sum(ctx_weights.values()) or 1.0
        out: list[_Candidate] = []
        for rank, hit in enumerate(hits):
            p = hit.passage
            ctx_tokens = set(tokens(_context(p)))
            ctx_cov = sum(w for t, w in ctx_weights.items() if t in ctx_tokens) / ctx_total
            for start, end, text, sentence in self._units(hit):
                if len(re.findall(r"\w+", text)) < 4 or _FURNITURE.match(text):  # a lone cell, a place-date line
                    continue
                if quotes_instruction(p, start, end):  # a document's command is never quoted as the answer
                    continue
                # a table row is read with its column names ("Cơ quan phối hợp: …")
                toks = set(tokens(_labelled_row(p.metadata) if p.kind == "table_row" else text))
                cov = sum(w for t, w in weights.items() if t in toks) / total
                if sentence != text:  # a clause window: the subject is often earlier in its sentence
                    stoks = set(tokens(sentence))
                    cov = 0.6 * cov + 0.4 * sum(w for t, w in weights.items() if t in stoks) / total
                got = self._offers(hit, text, ask, exclude)
                score = W_UNIT * cov + W_CONTEXT * ctx_cov + W_RANK / (rank + 1)
                for intent in ask.intents:
                    if intent not in CORE_INTENTS:
                        continue
                    score += B_INTENT if intent in got else -P_INTENT
                if "doc" in ask.intents and doc_type_matches(text, ask.doc_type, exclude):
                    score += B_INTENT
                if "who" in ask.intents and p.kind != "table_row" and who_acts(text):
                    score += B_INTENT
                score += self._period_bonus(ask, text)
                if ask.dates:
                    hit_dates = sum(1 for rx in ask.dates if rx.search(text))
                    if hit_dates:
                        score += B_PERIOD * hit_dates / len(ask.dates)
                    elif _MONTH_YEAR_TEXT.search(text):
                        score -= B_PERIOD  # about another month
                if ask.measures and counts(text, ask.measures):
                    score += B_INTENT
                specific = bool(ask.specific) and ask.specific in toks
                if specific:
                    score += B_INTENT  # the question's most specific word ("ngô" in "ngô gieo trồng …")
                if ask.total and re.search(r"\btổng\b", text, re.I):
                    score += B_INTENT / 2
                score -= LENGTH_COST * len(text) + self._contradiction(ask, text)
                if p.kind == "directive_item" and start == 0 and "\n" in p.text:
                    score -= 0.15  # the item's title restates the question; the answer is in the body
                if p.kind == "closing":
                    score -= 0.2
                out.append(_Candidate(hit, rank, start, end, text, score, got, cov, specific))
        if any(c.specific for c in out):  # the specific word is there to be quoted: spans without it lose more
            for c in out:
                if not c.specific:
                    c.score -= B_INTENT / 2
        return out

    @staticmethod
    def _contradiction(ask: Ask, text: str) -> float:
        """`ngoài công lập` answers nothing about `công lập`: a qualifier the question does not have."""
        for m in re.finditer(r"\b(ngoài|không|chưa|trừ)\s+(\w+\s\w+)", text.lower()):
            phrase = m.group(2)
            if phrase in ask.text_lower and f"{m.group(1)} {phrase}" not in ask.text_lower:
                return B_INTENT
        return 0.0

    @staticmethod
    def _period_bonus(ask: Ask, text: str) -> float:
        if ask.period == "ytd":
            if YTD_TEXT.search(text) and not _OTHER_RANGE.search(text):
                return B_PERIOD
            return -B_PERIOD / 2 if MONTH_TEXT.search(text) or _OTHER_RANGE.search(text) else 0.0
        if ask.period == "month":
            if re.search(r"trong tháng|riêng tháng", text, re.I):
                return B_PERIOD
            return -B_PERIOD / 2 if YTD_TEXT.search(text) else 0.0
        return 0.0

    @staticmethod
    def _offers(hit: Hit, text: str, ask: Ask, exclude: set[str]) -> set[str]:
        md = hit.passage.metadata
        if hit.passage.kind != "table_row":
            got = offers(text, ask, exclude)
            if "nhiệm vụ" in str(md.get("section_title") or "").lower():
                got.add("task")
            return got
        got = offers(" ".join(str(md.get(f"row_{f}") or "") for f in ("task", "result")), ask, exclude)
        got.discard("who")
        got.discard("when")
        if md.get("row_lead"):
            got.add("who")
        if md.get("row_deadline"):
            got.add("when")
        got.add("task")
        return got

    def _units(self, hit: Hit) -> list[tuple[int, int, str, str]]:
        """(start, end, span, its sentence): sentences, and windows of clauses of the long ones."""
        p = hit.passage
        text = p.text
        if p.kind == "table_row":
            line_start = text.rfind("\n") + 1
            return [(line_start, len(text), text[line_start:], text[line_start:])]
        spans: list[tuple[int, int]] = []
        offset = 0
        for line in text.split("\n"):  # an item's title line is a unit of its own
            spans += [(offset + a, offset + b) for a, b in sentence_spans(line)]
            offset += len(line) + 1
        if p.kind == "footnote":
            head = re.match(r"^Chú thích \d+:\s*", text)
            spans = [(max(a, head.end() if head else 0), b) for a, b in spans]
        out = []
        for s, e in spans:
            sent = text[s:e]
            if len(sent) <= MAX_SPAN:
                out.append((s, e, sent, sent))
                if ";" in sent:  # a list of figures: each item is a span of its own too
                    for m in re.finditer(r"[^;]+", sent):
                        piece = m.group(0).strip()
                        if len(piece.split()) >= 3 and len(piece) < len(sent) - 5:
                            a = s + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                            out.append((a, a + len(piece), piece, sent))
                continue
            # A long sentence chains figures with commas: offer windows of its clauses.
            clauses = [m.span() for m in re.finditer(r"[^,:]+[,:]?", sent)]
            for i in range(len(clauses)):
                j = i
                while j + 1 < len(clauses) and clauses[j + 1][1] - clauses[i][0] <= CLAUSE_WINDOW:
                    j += 1
                a, b = clauses[i][0], clauses[j][1]
                piece = sent[a:b]
                lead = len(piece) - len(piece.lstrip())
                out.append((s + a + lead, s + b, piece.strip(), sent))
        return out

    # --- choosing ----------------------------------------------------------------------------------
    @staticmethod
    def _unit_filter(ask: Ask, cands: list[_Candidate]) -> _Candidate | None:
        """`bao nhiêu tiền` needs an amount of money, `mấy phần trăm` a percentage: the best span that has it."""
        for need in ("money", "percent"):
            if need in ask.intents:
                top = [c for c in cands[:15] if need in c.offers]
                if not top:
                    return None if need == "money" else cands[0]
                if top[0].score >= cands[0].score - 0.25:
                    return top[0]
                return None if need == "money" else cands[0]
        return cands[0]

    @staticmethod
    def _second_part(cands: list[_Candidate], best: _Candidate, intent: str) -> _Candidate | None:
        """The best span offering what the first one lacks: from the same passage, or one ranked close."""
        for c in cands:
            same = c.hit.passage.id == best.hit.passage.id
            if c is best or intent not in c.offers or same and c.start < best.end and best.start < c.end:
                continue
            if same or (c.rank <= 2 and c.coverage >= 0.5 * best.coverage and c.score >= best.score - 0.25):
                return c
        return None

    @staticmethod
    def _named_without_figure(best: _Candidate, weights: dict[str, float]) -> bool:
        """The passage names what is asked (its rarest two-syllable term) only in a sentence without a figure,
        while the figure found belongs to something else: "Giá vé thực hiện theo Quyết định số 55…" next to
        "Mức trợ giá … 180.857 đồng" for a question about the ticket price."""
        p = best.hit.passage
        body = p.text.split("\n", 1)[1] if p.kind == "directive_item" and "\n" in p.text else p.text
        body_tokens = set(tokens(body))
        present = {t: w for t, w in weights.items() if "_" in t and w >= RARE_IDF and t in body_tokens}
        if not present:
            return False
        rarest = max(present, key=lambda t: present[t])
        if rarest in set(tokens(best.text)):
            return False
        naming = [x for a, b in sentence_spans(body) if rarest in set(tokens(x := body[a:b]))]
        return bool(naming) and all(not figures_of(x) for x in naming)

    def _not_covered(self, q_text: str, ask: Ask, best: _Candidate) -> bool:
        """Abstain when the question names something the corpus never mentions (an acronym such as CPI) or a
        period the answering passage does not cover (quý I when the report covers one month)."""
        lex = self.search.c.lexical
        for t in tokens(q_text):
            if "_" in t or t.isdigit():
                continue
            if re.fullmatch(r"[a-zà-ỹđ]{3,}", t) and lex.idf(t) == 0.0 and lex.idf(fold(t), folded=True) == 0.0 \
                    and t.upper() in q_text and not _spelled_out(t, best.hit.passage.text):
                return True
        p = best.hit.passage
        context = _context(p)
        if ask.quarter and not re.search(rf"quý\s+{ask.quarter}\b", context, re.I):
            return True
        for month, year in _MONTH_YEAR.findall(q_text):
            m = int(month)
            said = rf"(?<!\d)0?{m}\s?/\s?{year}|tháng 0?{m} năm {year}"
            period = f"{p.metadata.get('period') or ''} {p.metadata.get('doc_date') or ''}"
            if not re.search(said, context, re.I) and not re.search(said, period) and \
                    f"{year}-{m:02d}" not in period:
                return True  # a month the passage does not cover
        return False

    # --- rendering ---------------------------------------------------------------------------------
    def _compose(self, parts: list[_Candidate], english: bool, query: str) -> Answer:
        citations: list[Citation] = []
        lines: list[str] = []
        numbers: dict[str, int] = {}
        last_source = ""
        for c in parts:
            pid = c.hit.passage.id
            if pid not in numbers:
                numbers[pid] = len(citations) + 1
                citations.append(citation_of(numbers[pid], c.hit.passage, c.start, c.end))
            source = self._attribution(c, english)
            if source != last_source:
                lines.append(source)
                last_source = source
            lines.append(f"{self._span_text(c)} [{numbers[pid]}]")
        best = parts[0]
        md = best.hit.passage.metadata
        holder_id = md.get("cited_by") if best.hit.passage.kind == "footnote" else None
        holder = self.search.c.retriever.cache.by_id.get(holder_id) if holder_id else None
        if holder is not None and md.get("citing_sentence") and sum(map(len, lines)) < 260:
            cited = str(md["citing_sentence"])
            start = holder.text.find(cited[:40])
            citations.append(citation_of(len(citations) + 1, holder, start, start + len(cited) if start >= 0 else -1))
            if len(cited) > 150:
                cited = cited[:147].rsplit(" ", 1)[0] + "…"
            intro = "Footnote to the sentence" if english else "Chú thích cho câu"
            lines.append(f"{intro}: “{cited}” [{len(citations)}]")
        return Answer("\n".join(lines), False, citations, [], query)

    @staticmethod
    def _attribution(c: _Candidate, english: bool) -> str:
        md = c.hit.passage.metadata
        kind = c.hit.passage.kind
        source = short_source(md)
        where = ""
        if kind == "footnote" and md.get("footnote_no"):
            where = f", {'footnote' if english else 'chú thích'} {md['footnote_no']}"
        elif kind == "table_row" and md.get("stt"):
            where = f", {'task' if english else 'nhiệm vụ'} {md['stt']}"
        elif md.get("section") and kind not in ("directive_item",):
            where = f", {'section' if english else 'mục'} {section_ref(md['section'])}"
        return f"{'According to' if english else 'Theo'} {source}{where}:"

    @staticmethod
    def _span_text(c: _Candidate) -> str:
        p = c.hit.passage
        md = p.metadata
        if p.kind == "table_row":
            task = str(md.get("row_task") or "")
            if len(task) > 220:
                task = task[:217].rsplit(" ", 1)[0] + "…"
            fields = [("Tiến độ", md.get("row_deadline")), ("Cơ quan chủ trì", md.get("row_lead")),
                      ("Cơ quan phối hợp", md.get("row_partner")), ("Kết quả/sản phẩm", md.get("row_result"))]
            shown = []
            for name, value in fields:
                value = str(value or "").strip()
                if not value:
                    continue
                if len(value) > 140:
                    value = value[:137].rsplit(" ", 1)[0] + "…"
                shown.append(f"{name}: {value}")
            return f"“{task}” — " + "; ".join(shown)
        span = strip_superscripts(c.text).strip()
        return span[0].upper() + span[1:] if span[:1].islower() else span

    def _listing(self, listing: dict[str, Any], hits: list[Hit], english: bool, query: str) -> Answer:
        shown = hits[:6]
        citations = [citation_of(i + 1, h.passage, -1, -1) for i, h in enumerate(shown)]
        first = hits[0].passage.metadata
        role = {"lead": "chủ trì", "partner": "phối hợp", "deadline": "tiến độ"}.get(listing["field"], "")
        value = _original_case(str(first.get(f"row_{listing['field']}") or ""), listing["value"])
        if english:
            head = f"{listing['count']} tasks match ({listing['field']}: {value[:60]}), per {short_source(first)}:"
        else:
            head = f"Theo {short_source(first)}, có {listing['count']} nhiệm vụ ({role}: {value[:60]}):"
        lines = [head]
        for i, h in enumerate(shown):
            md = h.passage.metadata
            task = str(md.get("row_task") or "")
            if len(task) > 90:
                task = task[:87].rsplit(" ", 1)[0] + "…"
            lines.append(f"- {md.get('stt', '')} {task} [{i + 1}]")
        if listing["count"] > len(shown):
            lines.append(f"… và {listing['count'] - len(shown)} nhiệm vụ khác." if not english
                         else f"… and {listing['count'] - len(shown)} more.")
        return Answer("\n".join(lines), False, citations, [], query)

    @staticmethod
    def _abstain(english: bool, hits: list[Hit], query: str) -> Answer:
        related = [citation_of(i + 1, h.passage, -1, -1) for i, h in enumerate(hits[:3])]
        return Answer(ABSTAIN_EN if english else ABSTAIN_VI, True, [], related, query)


def _original_case(cell: str, folded_value: str) -> str:
    """The words of `cell` that fold to `folded_value` (`so noi vu` in `- Sở Nội vụ chủ trì` → `Sở Nội vụ`)."""
    words = folded_value.split()
    rx = re.compile(r"\W+".join(re.escape(w) for w in words), re.I)
    m = rx.search(fold(cell))
    return cell[m.start() : m.end()] if m and len(fold(cell)) == len(cell) else folded_value


_MONTH_YEAR = re.compile(r"tháng\s+(\d{1,2})\s?(?:/|năm)\s?((?:19|20)\d\d)", re.I)


_MONTH_YEAR_TEXT = re.compile(r"(?<![\d/])\d{1,2}\s?/\s?(?:19|20)\d\d\b|tháng \d{1,2} năm (?:19|20)\d\d")
_EN_MONTHS = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                               "august", "september", "october", "november", "december"))}


def _dates_named(question: str) -> list[re.Pattern[str]]:
    """Month/year and years the question names, as patterns a span that is about them contains."""
    q = question.lower()
    out: list[re.Pattern[str]] = []
    for name, m in _EN_MONTHS.items():
        for y in re.findall(rf"\b{name}\s+((?:19|20)\d\d)", q):
            out.append(re.compile(rf"(?<!\d)0?{m}\s?/\s?{y}|tháng 0?{m} năm {y}", re.I))
    for m, y in re.findall(r"tháng\s+(\d{1,2})\s?(?:/|năm)\s?((?:19|20)\d\d)", q):
        out.append(re.compile(rf"(?<!\d)0?{int(m)}\s?/\s?{y}|tháng 0?{int(m)} năm {y}", re.I))
    return out


def _context(p: Any) -> str:
    """A passage with what frames it: its document's title, number and its section titles."""
    md = p.metadata
    head = " ".join(str(md.get(k) or "") for k in ("doc_type", "doc_number", "attached_to", "title", "section_title",
                                                    "citing_sentence"))
    return f"{head}\n{p.text}"


def _labelled_row(md: dict[str, Any]) -> str:
    labels = (("task", "Nhiệm vụ"), ("deadline", "Tiến độ"), ("lead", "Cơ quan chủ trì"),
              ("partner", "Cơ quan phối hợp"), ("result", "Kết quả sản phẩm"))
    return ". ".join(f"{name}: {md.get(f'row_{key}')}" for key, name in labels if md.get(f"row_{key}"))


def _spelled_out(acronym: str, text: str) -> bool:
    """`mtqg` is written out in the passage as `mục tiêu quốc gia` (initials of consecutive words)."""
    initials = "".join(w[0] for w in fold(text).lower().split() if w[:1].isalpha())
    return fold(acronym).lower() in initials
