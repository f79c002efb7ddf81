"""How an extractive answer reads: one attribution line per source ("Theo Công văn số 1887/UBND-NC ngày
28/12/2023:") and the quoted spans, each ending with the marker of its citation; a footnote comes with the
sentence citing it; a listing lists the matching task rows; an abstention says what was not found and what
the documents closest to the question do say."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from index.catalog import StoredPassage
from index.retrieval import Hit
from index.vntext import STOPWORDS_FOLDED, fold
from ingest.textnorm import strip_superscripts

from .citations import row_noun, section_ref, short_source
from .sources import citation_of
from .spans import row_cells
from .types import Answer, Citation

ABSTAIN_VI = "Không tìm thấy thông tin trong tài liệu để trả lời câu hỏi này."
ABSTAIN_EN = "The documents do not contain the information needed to answer this question."


@dataclass
class Quote:
    """A span chosen to be quoted: where it is in which passage."""

    hit: Hit
    start: int
    end: int
    text: str
    unit: str
    frame: str = ""  # the agency the passage's heading names, shown before a span that does not name it


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_BRACKET_REF = re.compile(r"\[(\d{1,3})\]")


def unmark(text: str) -> str:
    """A document's own bracketed footnote references ("Chính phủ[3]") shown as superscripts ("Chính phủ³"):
    in an answer, "[n]" is chidao's citation marker and must point at the n-th cited passage only."""
    return _BRACKET_REF.sub(lambda m: m.group(1).translate(_SUPERSCRIPT), text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "…"


def attribution(q: Quote, english: bool) -> str:
    md = q.hit.passage.metadata
    kind = q.hit.passage.kind
    where = ""
    if kind == "footnote" and md.get("footnote_no"):
        where = f", {'footnote' if english else 'chú thích'} {md['footnote_no']}"
    elif kind == "table_row" and md.get("stt"):
        where = f", {row_noun(md, english)} {md['stt']}"
    elif md.get("section") and kind != "directive_item":
        ref = section_ref(md["section"])
        where = f", {ref}" if ref.startswith("Điều") else f", {'section' if english else 'mục'} {ref}"
    return unmark(f"{'According to' if english else 'Theo'} {short_source(md)}{where}:")


ANSWER_MAX_CHARS = 700  # an answer read at a glance, and embedded whole by API clients
QUOTES_MAX_CHARS = 600  # an answer's quotes: with their source lines under ANSWER_MAX_CHARS
CELL_CHARS = 140  # a row's cells as shown in a quote …
ASKED_CELL_CHARS = 420  # … and the cell the question asks about (its words are there): a long result cell whole


def _asked_cell(cells: list[tuple[str, str]], asked: str) -> int:
    """The cell sharing most of the question's words (two at least), -1 when none does."""
    words = {w for w in re.findall(r"[^\W_]+", fold(asked).lower()) if w not in STOPWORDS_FOLDED}
    shared = [len(words & set(re.findall(r"[^\W_]+", fold(v).lower()))) for _, v in cells]
    best = max(range(len(cells)), key=lambda i: shared[i], default=-1)
    return best if best >= 0 and shared[best] >= 2 else -1


def span_text(q: Quote, english: bool = False, asked: str = "") -> str:
    """The quote as shown: a table row as its task and labelled cells (the one the question `asked` about less
    clipped), a sentence of a long cell under the row's first cell, any other span verbatim."""
    p = q.hit.passage
    md = p.metadata
    if p.kind == "table_row" and q.unit == "row":
        task = str(md.get("row_task") or "").strip()
        cells = [(c, v) for c, v in row_cells(p) if v != task]
        full = _asked_cell(cells, asked) if asked else -1
        shown = "; ".join(f"{c}: {_clip(v, ASKED_CELL_CHARS if i == full else CELL_CHARS)}"
                          for i, (c, v) in enumerate(cells))
        return unmark((f"“{_clip(task, 220)}” — {shown}" if task else shown) or _clip(q.text, 300))
    span = unmark(strip_superscripts(q.text).strip())
    if p.kind == "table_row":  # a sentence of a long cell, under the row it belongs to
        label = next((v for _, v in row_cells(p) if span not in v), "")
        return unmark(f"“{_clip(label, 120)}” — {span}") if label else span
    span = span[0].upper() + span[1:] if span[:1].islower() else span
    return f"{q.frame}: {span}" if q.frame else span


def compose(parts: list[Quote], english: bool, query: str,
            passage_by_id: Callable[[str], StoredPassage | None]) -> Answer:
    citations: list[Citation] = []
    lines: list[str] = []
    numbers: dict[str, int] = {}
    last_source = ""
    # the asked cell of a row less clipped, as long as the quotes stay readable at a glance
    texts = [span_text(q, english, query) for q in parts]
    if sum(map(len, texts)) > QUOTES_MAX_CHARS:
        texts = [span_text(q, english) for q in parts]
    for q, shown in zip(parts, texts):
        pid = q.hit.passage.id
        if pid not in numbers:
            numbers[pid] = len(citations) + 1
            citations.append(citation_of(numbers[pid], q.hit.passage, q.start, q.end))
        source = attribution(q, english)
        if source != last_source:
            lines.append(source)
            last_source = source
        lines.append(f"{shown} [{numbers[pid]}]")
    best = parts[0].hit.passage
    md = best.metadata
    holder_id = md.get("cited_by") if best.kind == "footnote" else None
    holder = passage_by_id(str(holder_id)) if holder_id else None
    if holder is not None and md.get("citing_sentence") and sum(map(len, lines)) < 260:
        cited = str(md["citing_sentence"])
        start = holder.text.find(cited[:40])
        citations.append(citation_of(len(citations) + 1, holder, start, start + len(cited) if start >= 0 else -1))
        intro = "Footnote to the sentence" if english else "Chú thích cho câu"
        lines.append(f"{intro}: “{unmark(_clip(cited, 150))}” [{len(citations)}]")
    return Answer("\n".join(lines), False, citations, [], query)


def abstain(english: bool, hits: list[Hit], query: str, missing: str = "", nearest: list[Quote] | None = None) -> Answer:
    """The documents do not answer: say so, name what was not found, and quote what the closest spans do say
    (marked and cited, so a reader can judge), with the closest passages in `related`."""
    related = [citation_of(i + 1, h.passage, -1, -1) for i, h in enumerate(hits[:3])]
    if english:
        text = ABSTAIN_EN if not missing else f"The documents do not state {missing}."
    else:
        text = ABSTAIN_VI if not missing else f"Tài liệu không nêu {missing}."
    citations: list[Citation] = []
    said = "The closest passage" if english else "Đoạn gần nhất"
    for q in nearest or []:
        citations.append(citation_of(len(citations) + 1, q.hit.passage, q.start, q.end))
        text += f"\n{said} — {attribution(q, english)}\n{_clip(span_text(q, english), 260)} [{len(citations)}]"
        said = "Next" if english else "Tiếp theo"
    return Answer(text, True, citations, related, query)


def listing(found: dict[str, Any], hits: list[Hit], english: bool, query: str) -> Answer:
    shown = hits[:6]
    citations = [citation_of(i + 1, h.passage, -1, -1) for i, h in enumerate(shown)]
    first = hits[0].passage.metadata
    role = {"lead": "chủ trì", "partner": "phối hợp", "deadline": "tiến độ"}.get(found["field"], "")
    value = _original_case(str(first.get(f"row_{found['field']}") or ""), found["value"])
    if english:
        head = f"{found['count']} tasks match ({found['field']}: {value[:60]}), per {short_source(first)}:"
    else:
        head = f"Theo {short_source(first)}, có {found['count']} nhiệm vụ ({role}: {value[:60]}):"
    lines = [head]
    for i, h in enumerate(shown):
        md = h.passage.metadata
        lines.append(f"- {md.get('stt', '')} {unmark(_clip(str(md.get('row_task') or ''), 90))} [{i + 1}]")
    if found["count"] > len(shown):
        more = found["count"] - len(shown)
        lines.append(f"… and {more} more." if english else f"… và {more} nhiệm vụ khác.")
    return Answer("\n".join(lines), False, citations, [], query)


def _original_case(cell: str, folded_value: str) -> str:
    """The words of `cell` that fold to `folded_value` (`so noi vu` in `- Sở Nội vụ chủ trì` → `Sở Nội vụ`)."""
    words = folded_value.split()
    rx = re.compile(r"\W+".join(re.escape(w) for w in words), re.I)
    m = rx.search(fold(cell))
    return cell[m.start() : m.end()] if m and len(fold(cell)) == len(cell) else folded_value
