"""Features of a candidate answer span that mean the same on any document: how much of the question's
topic it covers (idf-weighted, relative to the corpus), whether it holds what the question asks for (a figure,
an agency, a date…), whether its period and dates agree with the question's, how retrieval ranked its
passage, its shape. The answer model (`assistant/ranker.py`) weighs them with weights fitted by
`bench/fit_answerer.py`; nothing here names a topic."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from domain.figures import DATE, DOCNUM, MONEY, NUMBER, PERCENT, YEAR, counted_noun_follows, offers
from domain.passages import PassageMetadata
from domain.periods import is_in_month, is_year_to_date, quarter_of
from domain.words import fold
from index.catalog import StoredPassage
from index.retrieval import Hit
from index.vntext import tokens

from .analysis import Analysis
from .measures import measure_absent as is_measure_absent
from .spans import Span

CORE = ("quantity", "percent", "money", "who", "doc", "when", "year", "where", "signer")
SHAPED = ("quantity", "percent", "money", "doc", "when", "year")  # intents answered by a figure, date or number
PAIRED = ("quantity", "percent", "money", "who", "doc", "when", "year")  # asked and offered / asked and missing, apart
UNKNOWN_IDF = 8.0  # the weight of a question term the corpus never uses (rarer than anything it holds)
BIGRAM_SHARE = 0.5  # a bigram's share of its idf: one with a function word says little of the topic ("dự án thuộc")
# a month of a year, in text folded to no diacritics: "7/2025", "tháng 7 năm 2025", "tháng 7/2025"
_OTHER_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s?/\s?((?:19|20)\d\d)(?![\d/])|thang\s+(\d{1,2})\s*(?:nam|/)\s*((?:19|20)\d\d)",
                          re.I)
_FULL_DATE = re.compile(r"(?<![\d/])\d{1,2}\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?((?:19|20)\d\d)(?![\d/])")  # "03/5/2024"
_MONTH_ONLY = re.compile(r"\btrong tháng\b|\btháng\s+\d{1,2}\b(?!\s*(?:/|năm)\s*\d)", re.I)


def context_of(p: StoredPassage) -> str:
    """A passage with what frames it: its document's type, number, title and its section titles."""
    md = p.metadata
    head = " ".join(str(md.get(k) or "") for k in ("doc_type", "doc_number", "attached_to", "title", "section_title",
                                                    "citing_sentence", "table_header"))
    return f"{head}\n{p.text}"


@dataclass
class QuestionTerms:
    """The question's content terms with their idf weights, computed once per question."""

    weights: dict[str, float]  # term → idf (UNKNOWN_IDF for terms the corpus never uses)
    total: float
    rare: list[str]  # the up-to-three rarest terms the corpus does use
    unknown_share: float  # weight share of terms the corpus never uses
    folded: bool  # matched on folded tokens (a question typed without diacritics)

    @classmethod
    def build(cls, a: Analysis, idf: Callable[[str, bool], float]) -> QuestionTerms:
        # typed without diacritics (English too): matched on folded tokens, where names ("Lang Son"), acronyms
        # and figures of an English question meet the Vietnamese text
        folded = a.folded
        terms = a.content_terms(folded)
        weights: dict[str, float] = {}
        for t in terms:
            w = idf(t, folded)
            weights[t] = (w if w > 0 else UNKNOWN_IDF) * (BIGRAM_SHARE if "_" in t else 1.0)
        total = sum(weights.values()) or 1.0
        known = {t: w for t, w in weights.items() if idf(t, folded) > 0 and not t[:1].isdigit()}
        rare = sorted(known, key=lambda t: -known[t])[:3]
        unknown = sum(w for t, w in weights.items() if idf(t, folded) == 0 and "_" not in t)
        return cls(weights, total, rare, unknown / total, folded)

    def coverage(self, toks: AbstractSet[str]) -> float:
        return sum(w for t, w in self.weights.items() if t in toks) / self.total


@lru_cache(maxsize=8192)
def text_tokens(text: str, folded: bool) -> frozenset[str]:
    """The tokens a span or passage holds for matching a question's terms."""
    # the same passages' spans and contexts come back question after question: tokenised once
    return frozenset(tokens(text, folded=folded))



def months_written(folded: str) -> list[tuple[int, int]]:
    """The (month, year) pairs a text folded to no diacritics writes."""
    return [(int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4))) for m in _OTHER_MONTH.finditer(folded)]


def _dates_agree(a: Analysis, text: str) -> tuple[float, float]:
    """(match, conflict): the month/year or year the question names is in the text / another one is."""
    if not (a.months or a.years):
        return 0.0, 0.0
    f = fold(text).lower()
    named_months = months_written(f)
    match = any(mm in named_months for mm in a.months) or any(y in f for y in a.years)
    conflict = bool(a.months) and bool(named_months) and not any(mm in named_months for mm in a.months)
    if a.years and not a.months:
        years = set(YEAR.findall(f))
        conflict = bool(years) and not (years & set(a.years))
    return float(match), float(conflict and not match)


def span_offers(span: Span, p: StoredPassage, frame: str = "") -> set[str]:
    """What the span can answer (domain.figures.offers); a table row says who and when by its columns; a
    span under a heading naming an agency (`frame`) says who by it."""
    got = offers(span.text if span.unit != "row" else span.sentence)
    if frame:
        got.add("who")
    if span.unit == "row":
        got.discard("who")
        got.discard("when")
        if p.metadata.get("row_lead"):
            got.add("who")
        if p.metadata.get("row_deadline"):
            got.add("when")
    return got


def candidate_features(a: Analysis, q: QuestionTerms, hit: Hit, rank: int, top_score: float, span: Span,
                       got: set[str], ctx_toks: AbstractSet[str], top_dense: float) -> tuple[dict[str, float], AbstractSet[str]]:
    """The features of one span, and the tokens of the span with its sentence."""
    p = hit.passage
    span_toks = text_tokens(span.text if span.unit != "row" else span.sentence, q.folded)
    sent_toks = span_toks if span.sentence == span.text else text_tokens(span.sentence, q.folded)
    near = span_toks | sent_toks
    asked = [i for i in a.intents if i in CORE]
    offered = sum(1 for i in asked if i in got)
    shaped = [i for i in asked if i in SHAPED and i in got]
    fresh = _fresh_offers(span.text if span.unit != "row" else span.sentence, a.text) if shaped else set()
    per_intent = {}
    for i in PAIRED:
        per_intent[f"hit_{i}"] = float(i in asked and i in got)
        per_intent[f"miss_{i}"] = float(i in asked and i not in got)
    period_match = period_conflict = 0.0
    if a.period == "ytd":
        period_match = float(is_year_to_date(span.text))
        period_conflict = float(not period_match and bool(_MONTH_ONLY.search(span.text)))
    elif a.period == "month":
        period_match = float(is_in_month(span.text))
        period_conflict = float(not period_match and is_year_to_date(span.text))
    quarter_conflict = 0.0
    if a.quarter:
        qs = quarter_of(context_of(p))
        quarter_conflict = float(qs != a.quarter)
    date_match, date_conflict = _dates_agree(a, span.text)
    ctx_match, _ = _dates_agree(a, context_of(p))
    rare_near = sum(1 for t in q.rare if t in near) / len(q.rare) if q.rare else 0.0
    rare_absent = float(bool(q.rare) and q.rare[0] not in ctx_toks)
    dense_rank = hit.ranks.get("dense")
    lex_rank = hit.ranks.get("lexical")
    english = float(a.english)
    f = {
        "cov_span": q.coverage(span_toks),
        "cov_sent": q.coverage(sent_toks),
        "cov_ctx": q.coverage(ctx_toks),
        "rare_near": rare_near,
        "rare_absent_ctx": rare_absent,
        "unknown_share": q.unknown_share,
        "asked_offered": offered / len(asked) if asked else 0.0,
        "asked_missing": float(bool(asked) and offered < len(asked)),
        "figure_asked_offered": float(a.wants_figure and "quantity" in got),
        "only_content_asked": float(not asked),
        "measure_follows": float(any(counted_noun_follows(span.text, m) for m in a.measures)),
        "period_match": period_match,
        "period_conflict": period_conflict,
        "quarter_conflict": quarter_conflict,
        "date_match": max(date_match, 0.5 * ctx_match),
        "date_conflict": date_conflict,
        "rank_recip": 1.0 / (1 + rank),
        "fused_rel": hit.score / top_score if top_score > 0 else 0.0,
        "dense_recip": 1.0 / dense_rank if dense_rank else 0.0,
        "lex_recip": 1.0 / lex_rank if lex_rank else 0.0,
        "dense_gap": hit.dense - top_dense,
        "len_log": math.log(1 + len(span.text)) / 6.0,
        "is_row": float(span.unit == "row"),
        "is_footnote": float(p.kind == "footnote"),
        "is_frame": float(p.kind in ("closing", "header")),
        "is_title_line": float(p.kind == "directive_item" and span.start == 0 and "\n" in p.text),
        "is_window": float(span.unit in ("window", "item")),
        "english": english,
        "english_dense": english / dense_rank if dense_rank else 0.0,
        "english_rank": english / (1 + rank),
        "number_named_near": float(bool(a.number_keys) and any(k in near for k in a.number_keys)),
        "qfig_near": _question_figures_near(a, span.text if span.unit != "row" else span.sentence),
        "footnote_named": float(p.kind == "footnote" and str(p.metadata.get("footnote_no", "")).lower()
                                in a.footnotes),
        "asked_fresh": sum(1 for i in shaped if i in fresh) / len(shaped) if shaped else 0.0,
        "asked_echo_only": float(any(i not in fresh for i in shaped)),
        **per_intent,
    }
    return f, near


def _fresh_offers(text: str, question: str) -> set[str]:
    """What the span offers once the figures, dates and numbers the question itself writes are blanked out: a
    span whose only date is the one the question names does not say when; the answer is what the question
    does not already hold."""
    asked = _word_run(question)
    blanked = text
    for rx in (DOCNUM, DATE, MONEY, PERCENT, NUMBER):
        for m in rx.finditer(text):
            echoed = _word_run(m.group())
            if echoed.strip() and echoed in asked:  # the same words in a row, whole words (spaces around each)
                blanked = blanked[:m.start()] + " " * (m.end() - m.start()) + blanked[m.end():]
    return offers(blanked) if blanked != text else offers(text)


@lru_cache(maxsize=4096)
def _word_run(text: str) -> str:
    """The folded words of `text`, each between spaces (" a b "): one run within another is whole words."""
    return " " + " ".join(re.findall(r"[^\W_]+", fold(text).lower())) + " "


def topic_absence(a: Analysis, q: QuestionTerms, best: StoredPassage, best_terms: AbstractSet[str],
                   top: list[StoredPassage], frames: dict[str, str] | None = None) -> dict[str, float]:
    """How much of the question's topic the best span's passage — and all of the top passages — leave out: the
    share of idf weight absent, and the weightiest absent term relative to the question's weightiest; and
    whether a year the question names is missing from the best passage and its document's date; the share of
    the question's proper names neither the passages nor their documents' frames (`frames`: issuer, place,
    title, signer) write. A word the document's frame writes is held by all of its passages. A question about a
    subject, period or place the documents do not hold shows it here whatever its words."""
    top_weight = max(q.weights.values(), default=1.0) or 1.0
    topical = {t: w for t, w in q.weights.items() if not t[:1].isdigit()}

    def absent(toks: AbstractSet[str]) -> tuple[float, float]:
        missing = [w for t, w in topical.items() if t not in toks]
        return sum(missing) / q.total, max(missing, default=0.0) / top_weight

    frame = (frames or {}).get
    # the document's own frame holds what its passages do not repeat: a plan of Đồng Tháp's committee writes
    # "trên địa bàn tỉnh", and a question "… doanh nghiệp ở Đồng Tháp" asks of it all the same
    ctx = text_tokens(context_of(best), q.folded) | best_terms | text_tokens(frame(best.doc_id, ""), q.folded)
    around: set[str] = set(ctx)
    for p in top:
        around |= text_tokens(context_of(p), q.folded) | text_tokens(frame(p.doc_id, ""), q.folded)
    share, heaviest = absent(ctx)
    share_top, heaviest_top = absent(around)
    dated = f"{context_of(best)} {best.metadata.get('date_int') or ''}"
    year_absent = float(bool(a.years) and not any(y in dated for y in a.years))
    month_absent = float(bool(a.months) and not _month_held(a.months, context_of(best), best.metadata))
    # what the question counts ("bao nhiêu biên chế") written nowhere in the best passage or its frame: the
    # passage is about the subject, not about that measure of it
    measure_absent = float(is_measure_absent(a, f"{frame(best.doc_id, '')}\n{context_of(best)}"))
    names_best, names_top = _names_absent(a.names, f"{frame(best.doc_id, '')}\n{context_of(best)}",
                                          [f"{frame(p.doc_id, '')}\n{context_of(p)}" for p in top])
    return {"absent_share": share, "absent_heaviest": heaviest, "absent_share_top": share_top,
            "absent_heaviest_top": heaviest_top, "year_absent": year_absent, "month_absent": month_absent,
            "measure_absent": measure_absent, "names_asked": float(bool(a.names)),
            "names_absent": names_best, "names_absent_top": names_top}


def _month_held(months: list[tuple[int, int]], text: str, md: PassageMetadata) -> bool:
    """A month the question names ("tháng 7/2025") is written in the passage and its frame, or is the month of
    its document's date: a report of March does not hold July's figures."""
    folded = fold(text).lower()
    # a full date ("đến ngày 03/5/2024") is written in its month too
    written = months_written(folded) + [(int(m), int(y)) for m, y in _FULL_DATE.findall(folded)]
    dated = [str(md.get("date_int") or ""), *(str(d).replace("-", "") for d in md.get("dates") or [])]
    return any(mm in written or any(d.startswith(f"{mm[1]}{mm[0]:02d}") for d in dated) for mm in months)


def _names_absent(names: list[str], best: str, top: list[str]) -> tuple[float, float]:
    """The share of the question's proper names the best passage (with its frame) does not write, and the share
    none of the top passages writes — compared without diacritics and case, as typed questions often are."""
    if not names:
        return 0.0, 0.0
    wanted = [_squash(n).split() for n in names]
    best_words = _squash(best).split()
    top_words = [_squash(t).split() for t in [best, *top]]
    return (sum(not _name_held(n, best_words) for n in wanted) / len(wanted),
            sum(not any(_name_held(n, t) for t in top_words) for n in wanted) / len(wanted))


NAME_GAP = 2  # words a document may write inside a name of 3+ words ("Tết [Nguyên đán] Giáp Thìn")


def _name_held(name: list[str], words: list[str]) -> bool:
    """The name's words in order, with at most NAME_GAP other words among them: documents write a name in
    full where questions shorten it. A two-word name (a place: "Quảng Nam") only as written: with a gap it
    would be found in "Quảng Ninh, Nam Định"."""
    if not name:
        return True
    gap_allowed = NAME_GAP if len(name) >= 3 else 0
    for start, w in enumerate(words):
        if w != name[0]:
            continue
        at, gaps = start, 0
        for part in name[1:]:
            nxt = next((j for j in range(at + 1, min(len(words), at + 2 + gap_allowed - gaps)) if words[j] == part), -1)
            if nxt < 0:
                break
            gaps += nxt - at - 1
            at = nxt
        else:
            return True
    return False


def _squash(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(text).lower()))


def add_sentence_similarity(rows: list[dict[str, float]], sims: list[float | None], english: bool) -> None:
    """The cosine of the question and each span's sentence (embedded at ingest; e5 is cross-lingual, so an
    English question meets the Vietnamese sentence that answers it), and its gap to the best sentence."""
    known = [x for x in sims if x is not None]
    fill = min(known) if known else 0.0  # a sentence without a vector (an index from before) counts as the worst
    best = max(known) if known else 0.0
    for row, sim in zip(rows, sims):
        value = fill if sim is None else sim
        row["dense_sent"] = value
        row["dense_sent_gap"] = value - best
        row["english_dense_sent"] = (value - best) if english else 0.0


_QFIG = re.compile(r"\d+(?:[.,]\d+)*%?")


def _question_figures_near(a: Analysis, text: str) -> float:
    """Share of the figures the question itself names (not years) that the span repeats ("95%", "15-20/11")."""
    figs = [f for f in _QFIG.findall(a.text) if not re.fullmatch(r"(?:19|20)\d\d", f)]
    if not figs:
        return 0.0
    return sum(1 for f in figs if f in text) / len(figs)


# The order of the model's weights (assistant/data/answer_model.json names them too and is checked against this).
FEATURE_NAMES = ("cov_span", "cov_sent", "cov_ctx", "rare_near", "rare_absent_ctx", "unknown_share", "asked_offered",
          "asked_missing", "figure_asked_offered", "only_content_asked", "measure_follows", "period_match",
          "period_conflict", "quarter_conflict", "date_match", "date_conflict", "rank_recip", "fused_rel",
          "dense_recip", "lex_recip", "dense_gap", "len_log", "is_row", "is_footnote", "is_frame", "is_title_line",
          "is_window", "english", "english_dense", "english_rank", "number_named_near", "qfig_near", "asked_fresh", "asked_echo_only",
          "footnote_named",
          "dense_sent", "dense_sent_gap", "english_dense_sent", "prev_cov",
          *(f"{kind}_{i}" for i in PAIRED for kind in ("hit", "miss")))
