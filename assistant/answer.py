"""The extractive answerer: the question analysed once; retrieval; candidate spans of the best passages
(sentences, items, clause windows, table rows, footnotes — never cut inside a figure); each span scored by the
fitted answer model over general features; the best span quoted under the name of its source, with a second
span when the question asks two things the first does not hold or the model scores them alike; or, when the
answerability model says the best span is unlikely to answer, an abstention that says what was not found
and what the closest passage says.

No rule here names the words of any question or document: what a question asks for, its period and its
dates come from `domain`; the weights come from `assistant/data/answer_model.json` (bench/fit_answerer.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from domain.followups import asks_what_about
from domain.questions import asks_its_own
from index.catalog import StoredPassage, embed_hash
from index.retrieval import Hit

from .analysis import Analysis, analyze
from .compose import ANSWER_MAX_CHARS, QUOTES_MAX_CHARS, Quote, abstain, compose, listing, span_text
from .features import (
    CORE,
    FEATURE_NAMES,
    QuestionTerms,
    add_sentence_similarity,
    candidate_features,
    context_of,
    span_offers,
    text_tokens,
    topic_absence,
)
from .frames import DocumentFrames
from .measures import measure_uncounted
from .missing import missing_phrase
from .ranker import AnswerModel
from .spans import Span, agency_frame, lead_agency, spans_of
from .types import Answer, AnswerEvent, events_of

if TYPE_CHECKING:
    from .search import SearchService
    from .settings import Settings

CANDIDATE_HITS = 6  # passages whose spans compete
ABSENCE_HITS = 5  # the passages whose words count as "the documents hold it" for the answerability model
SECOND_PART_RANKS = 3  # a second span may come from a passage ranked this close
SECOND_PART_GAIN = 0.15  # …and must add this share of the question's topic weight the first span lacks
SECOND_PART_MAX_CHARS = QUOTES_MAX_CHARS  # two quotes with their source lines under 700 characters


@dataclass
class Candidate:
    hit: Hit
    rank: int
    span: Span
    features: dict[str, float]
    offers: set[str]
    terms: frozenset[str]  # the question's content terms the span (with its sentence) holds
    frame: str = ""  # the agency of the passage's heading, when the question asks who and the span names none
    score: float = 0.0

    def quote(self) -> Quote:
        return Quote(self.hit, self.span.start, self.span.end, self.span.text, self.span.unit, self.frame)


@dataclass
class Reading:
    """Everything the answerer read for one question: the analysis, the query searched, the hits, the scored
    candidates (best first), the spans an answer would quote and the answerability features. The fitting
    script reads the same."""

    analysis: Analysis
    query: str
    hits: list[Hit]
    candidates: list[Candidate]
    answerability: dict[str, float]
    listing: dict[str, Any] | None = None
    terms: QuestionTerms | None = None
    parts: list[Candidate] = field(default_factory=list)
    frames: dict[str, str] = field(default_factory=dict)  # doc id → its issuer, place, title, signer
    signed: bool = False  # a who-signed question answered by the signature itself (`parts`), not the model


class ExtractiveAnswerer:
    mode = "extractive"

    def __init__(self, search: SearchService, settings: Settings, model: AnswerModel,
                 idf: Callable[[str, bool], float], restore: Callable[[str], str],
                 passage_by_id: Callable[[str], StoredPassage | None],
                 query_vector: Callable[[str], np.ndarray], vectors: Callable[[list[str]], dict[str, np.ndarray]],
                 is_instruction: Callable[[StoredPassage, int, int], bool] | None = None,
                 frames: DocumentFrames | None = None) -> None:
        self.search = search
        self.settings = settings
        self.model = model
        self.idf = idf
        self.restore = restore
        self.passage_by_id = passage_by_id
        self.query_vector = query_vector
        self.vectors = vectors
        self.is_instruction = is_instruction or (lambda p, a, b: False)
        # what each document says of itself at ingest (issuer, place, title, signer); none known without it
        self.frames = frames or DocumentFrames(lambda doc_id: None, lambda: 0)

    # --- reading -----------------------------------------------------------------------------------
    def read(self, question: str, history: list[str] | None = None,
             filters: dict[str, Any] | None = None) -> Reading:
        history = history or []
        a = analyze(question, self.restore)
        outcome, query = self.search.search_in_context(question, history, self.settings.answer_top_k, filters, a)
        if outcome.listing and outcome.hits:
            return Reading(a, query, outcome.hits, [], {}, outcome.listing)
        topic = a
        if query != question and history:  # a follow-up: the span holds its own words, the passage the topic
            prev = analyze(history[-1], self.restore)
            # "còn X thì sao?" asks what the previous question asked, of X; "các đơn vị báo cáo về đâu?" asks
            # its own thing, whatever the previous question asked
            if not [i for i in a.intents if i in CORE] and \
                    (asks_what_about(question) or not asks_its_own(question, a.english)):
                a.intents = [*prev.intents, *a.intents]
            a.period = a.period or prev.period
            a.quarter = a.quarter or prev.quarter
            topic = outcome.analysis or analyze(query, self.restore)
        terms = QuestionTerms.build(a, self.idf)
        topic_terms = terms if topic is a else QuestionTerms.build(topic, self.idf)
        hits = outcome.hits
        cands = self._candidates(a, terms, topic_terms, hits[:CANDIDATE_HITS])
        self._sentence_similarity(topic, cands)
        if cands:
            for c, score in zip(cands, self.model.span_scores([c.features for c in cands])):
                c.score = float(score)
            cands.sort(key=lambda c: -c.score)
        signature = self._signature(a, hits, cands)
        parts = [signature] if signature else choose_parts(cands, a, terms, self.model.second_margin) if cands else []
        # what a document says of itself (issuer, place, title, signer): a name the question gives may be there
        docs = [c.hit.passage.doc_id for c in cands[:1]] + [h.passage.doc_id for h in hits[:ABSENCE_HITS]]
        frames = {d: self.frames(d) for d in dict.fromkeys(docs)}
        return Reading(a, query, hits, cands, answerability(a, terms, cands, hits, parts, frames), terms=terms,
                       parts=parts, frames=frames, signed=signature is not None)

    def _signature(self, a: Analysis, hits: list[Hit], cands: list[Candidate]) -> Candidate | None:
        """Who signed: the signer recorded at ingest, quoted from the first hit — the signature search put
        first — with the role line above it ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"). The signature says it; no
        model is needed to weigh it."""
        if "signer" not in a.intents or not hits:
            return None
        hit = hits[0]
        text, name = hit.passage.text, self.frames.signer(hit.passage.doc_id)
        at = text.find(name) if name else -1
        if at < 0:
            return None
        line = text.rfind("\n", 0, at) + 1
        above = text.rfind("\n", 0, max(0, line - 1)) + 1 if line else line
        start = above if line and text[above:line].strip().isupper() else line
        quoted = text[start:at + len(name)]
        span = Span(start, at + len(name), quoted, quoted, "sentence")
        like = next((c for c in cands if c.hit is hit), cands[0] if cands else None)
        features = dict(like.features) if like else dict.fromkeys(FEATURE_NAMES, 0.0)
        return Candidate(hit, 0, span, features, {"signer", "who"}, frozenset())

    def _candidates(self, a: Analysis, terms: QuestionTerms, topic_terms: QuestionTerms,
                    hits: list[Hit]) -> list[Candidate]:
        out: list[Candidate] = []
        if not hits:
            return out
        top_score = hits[0].score
        top_dense = max(h.dense for h in hits)
        asks_who = "who" in a.intents
        for rank, hit in enumerate(hits):
            p = hit.passage
            ctx = text_tokens(context_of(p), terms.folded)
            agency = agency_frame(p) if asks_who and p.kind != "table_row" else ""
            lead, lead_end = lead_agency(p) if asks_who and p.kind != "table_row" else ("", 0)
            spans = spans_of(p)
            sentences = sorted({(sp.start, sp.end) for sp in spans if sp.unit in ("sentence", "footnote")})
            for span in spans:
                if self.is_instruction(p, span.start, span.end):
                    continue  # a document's instruction to a reader is never quoted as an answer
                # the agency heading the passage does the tasks under it, even a span naming others (whom it
                # directs): the quote then says who; a span that writes the name itself needs no frame
                frame = agency if agency and agency not in span.text else ""
                if not frame and lead and span.end <= lead_end and lead not in span.text:
                    frame = lead  # a later clause of the item the agency opens
                got = span_offers(span, p, frame)
                f, near = candidate_features(a, terms, hit, rank, top_score, span, got, ctx, top_dense)
                if topic_terms is not terms:
                    f["cov_ctx"] = topic_terms.coverage(ctx)
                before = [b for b in sentences if b[1] <= span.start]
                # what a plan asks is often the sentence after the one that restates the question's topic
                f["prev_cov"] = terms.coverage(text_tokens(p.text[before[-1][0]:before[-1][1]], terms.folded)) \
                    if before else 0.0
                out.append(Candidate(hit, rank, span, f, got, frozenset(t for t in terms.weights if t in near), frame))
        return out

    def _sentence_similarity(self, a: Analysis, cands: list[Candidate]) -> None:
        if not cands:
            return
        q = np.asarray(self.query_vector(a.restored), dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        hashes = [embed_hash(c.span.sentence) for c in cands]
        found = self.vectors(list(dict.fromkeys(hashes)))
        sims = [float(np.dot(found[h], q) / (np.linalg.norm(found[h]) or 1.0)) if h in found else None
                for h in hashes]
        add_sentence_similarity([c.features for c in cands], sims, a.english)

    # --- the answer --------------------------------------------------------------------------------
    def answer(self, question: str, history: list[str] | None = None,
               filters: dict[str, Any] | None = None) -> Answer:
        r = self.read(question, history, filters)
        english = r.analysis.english
        if r.listing is not None:
            return listing(r.listing, r.hits, english, r.query)
        if not r.candidates:
            return abstain(english, r.hits, r.query)
        confidence = self.model.answerable_proba(r.answerability)
        parts = r.parts
        if not r.signed and (confidence < self.model.threshold
                             or unoffered(r.analysis, parts, self.model.required_offers)
                             or self.model.blocked(r.answerability)):
            # what the closest spans say, quoted as such, never as the answer
            held = [text for c in parts for text in (context_of(c.hit.passage), r.frames.get(c.hit.passage.doc_id, ""))]
            out = shortened(abstain(english, r.hits, r.query,
                                    missing_phrase(r.analysis, held, r.terms, quoted_text(parts)) if r.terms else "",
                                    [c.quote() for c in parts]))
            out.confidence = confidence
            return out
        out = compose_within(parts, english, r.query, self.passage_by_id)
        out.confidence = confidence
        return out

    def stream(self, question: str, history: list[str] | None = None,
               filters: dict[str, Any] | None = None) -> Iterator[AnswerEvent]:
        """The answer as stream events (computed at once: its lines are sent as they are)."""
        yield from events_of(self.answer(question, history, filters))


def answerability(a: Analysis, terms: QuestionTerms, cands: list[Candidate], hits: list[Hit],
                  parts: list[Candidate], frames: dict[str, str] | None = None) -> dict[str, float]:
    """What the answerability model reads: the best span's score, its margin over the next span that is not
    part of it and over the fifth, the best span's own features, the share of what the question asks for (a
    figure, an agency, a signer…) that none of the quoted spans offers, and how much of the question's topic
    the best passage and the top passages leave out."""
    if not cands:
        return {}
    best = cands[0]
    asked = [i for i in a.intents if i in CORE]
    unoffered_share = len(unoffered(a, parts, CORE)) / len(asked) if asked else 0.0
    rival = next((c for c in cands[1:] if not _overlap(c, best)), None)
    fifth = cands[min(4, len(cands) - 1)]
    return {"s1": best.score, "s_gap": best.score - (rival.score if rival else best.score - 5.0),
            "s_gap5": best.score - fifth.score, "n_candidates": float(len(cands)), "unoffered": unoffered_share,
            "unknown_share": terms.unknown_share, "english": float(a.english),
            "top_dense": max((h.dense for h in hits), default=0.0),
            **topic_absence(a, terms, best.hit.passage, best.terms, [h.passage for h in hits[:ABSENCE_HITS]],
                            frames or {}),
            "measure_uncounted": float(measure_uncounted(a, quoted_text(parts))),
            **{f"best_{k}": v for k, v in best.features.items()}}


def quoted_text(parts: list[Candidate]) -> str:
    """What the answer would quote, its spans widened to their sentences as shown, and a table row's passage with its
    caption and column names (a row's unit is often there: "(Đơn vị: triệu đồng)")."""
    quotes = widened(parts)
    return "\n".join([span_text(q) for q in quotes] + [q.hit.passage.text for q in quotes if q.hit.passage.kind == "table_row"])


def unoffered(a: Analysis, parts: list[Candidate], intents: tuple[str, ...]) -> list[str]:
    """What the question asks for, among `intents`, that none of the quoted spans offers."""
    return [i for i in a.intents if i in intents and not any(i in c.offers for c in parts)]


def widened(parts: list[Candidate], budget: int = SECOND_PART_MAX_CHARS) -> list[Quote]:
    """The quotes of the chosen spans, a clause window or item of a sentence quoted as its whole sentence when
    the answer stays within `budget` characters of quotes: the clause the model chose often needs the one beside
    it (the agency at the sentence's head, the second figure asked for)."""
    quotes = [c.quote() for c in parts]
    for i, c in enumerate(parts):
        span, text = c.span, c.hit.passage.text
        if span.unit not in ("window", "item") or c.hit.passage.kind == "table_row":
            continue
        start = text.find(span.sentence, max(0, span.end - len(span.sentence)))
        if start < 0 or start > span.start:
            continue
        whole = Quote(c.hit, start, start + len(span.sentence), span.sentence, "sentence", c.frame)
        others = sum(len(span_text(q)) for j, q in enumerate(quotes) if j != i)
        if others + len(span_text(whole)) <= budget:
            quotes[i] = whole
    return quotes


def _overlap(c: Candidate, d: Candidate) -> bool:
    return c.hit.passage.id == d.hit.passage.id and c.span.start < d.span.end and d.span.start < c.span.end


def compose_within(parts: list[Candidate], english: bool, query: str,
                   passage_by_id: Callable[[str], StoredPassage | None]) -> Answer:
    """The answer composed from the widest quotes that keep it within ANSWER_MAX_CHARS: the chosen spans widened to
    their sentences, as chosen, then the first span alone widened and as chosen (the quotes' budget does not count
    the source lines, which two documents double)."""
    tries = (widened(parts), [c.quote() for c in parts], widened(parts[:1]), [parts[0].quote()])
    out = compose(tries[0], english, query, passage_by_id)
    for quotes in tries[1:]:
        if len(out.answer) <= ANSWER_MAX_CHARS:
            break
        out = compose(quotes, english, query, passage_by_id)
    return shortened(out)


def shortened(out: Answer, limit: int = ANSWER_MAX_CHARS) -> Answer:
    """An answer still past `limit` (one row of many long cells, an abstention's two quotes) with its longest lines
    cut, each at the last clause or cell boundary that fits ("; ", ". ", ", ": never inside a figure), marked "…",
    their citations kept."""
    lines = out.answer.split("\n")
    for _ in range(len(lines)):
        excess = sum(map(len, lines)) + len(lines) - 1 - limit
        if excess <= 0:
            break
        i = max(range(len(lines)), key=lambda k: len(lines[k]))
        marker = re.search(r"\s\[\d+\]$", lines[i])
        tail = marker.group() if marker else ""
        body = lines[i][: len(lines[i]) - len(tail)]
        room = max(0, len(body) - excess - 1)
        # a clause first ("; ", ". "), a comma only when no clause ends in the last half ("December 19, 2025"),
        # a space, and a hard cut only for a line without one
        cut = max(body.rfind("; ", 0, room), body.rfind(". ", 0, room))
        if cut < room // 2:
            cut = max(cut, body.rfind(", ", 0, room))
        if cut <= 0:
            cut = body.rfind(" ", 0, room)
        if cut <= 0:
            cut = room
        lines[i] = body[:cut].rstrip(" ;,.") + "…" + tail
    out.answer = "\n".join(lines)
    return out


def choose_parts(cands: list[Candidate], a: Analysis, terms: QuestionTerms, margin: float) -> list[Candidate]:
    """The best span, and a second one when the first may not hold all the answer: the question asks for
    something the first does not offer (a figure and the agency, a date and the place), or asks twice ("bao
    nhiêu … và bao nhiêu …") and another span covers the topic words the first leaves out, or — the model
    cannot tell them apart — the runner-up scores within `margin` of the best. The answer stays short: no
    second span past SECOND_PART_MAX_CHARS."""
    best = cands[0]
    near = [c for c in cands[1:] if not _overlap(c, best) and c.score >= best.score - margin]
    extra: Candidate | None = None
    missing = [i for i in a.intents if i in CORE and i not in best.offers]
    close = [c for c in near if c.hit.passage.id == best.hit.passage.id or c.rank < SECOND_PART_RANKS]
    if missing:
        extra = next((c for c in close if missing[0] in c.offers), None)
    elif a.asks >= 2:
        def gain(c: Candidate) -> float:
            return sum(terms.weights[t] for t in c.terms - best.terms) / terms.total

        top = max(close, key=gain, default=None)
        extra = top if top is not None and gain(top) >= SECOND_PART_GAIN else None
    if extra is None and near:
        extra = near[0]  # the best-scored span that is not part of the first
    if extra is None or len(span_text(best.quote())) + len(span_text(extra.quote())) > SECOND_PART_MAX_CHARS:
        return [best]
    return [best, extra]

