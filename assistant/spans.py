"""Candidate answer spans of a passage: its sentences, the items of a sentence that chains figures with
semicolons, windows of clauses of a long sentence, a table row read with its column names, a footnote.

A span starts and ends at a sentence, clause or item boundary, never inside a figure, a date ("ngày 19 tháng
12 năm 2025"), a percentage or a document number: boundaries falling inside one of `domain.figures.number_spans`
are not used (a decimal comma "6.137,6" is not a clause boundary)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.agencies import AGENCY
from domain.figures import number_spans
from index.catalog import StoredPassage
from ingest.textnorm import sentence_spans

MAX_SPAN = 300  # a quoted span; the attribution line adds ≈ 60 characters
CLAUSE_WINDOW = 240
MIN_WORDS = 4  # shorter units are lone cells, place-date lines, headings
_FOOTNOTE_HEAD = re.compile(r"^Chú thích \d+:\s*")
# A clause ends at a comma, semicolon or colon followed by a space (a decimal comma has none).
_CLAUSE_END = re.compile(r"[,;:](?=\s)")
_ROW_LABELS = (("task", "Nhiệm vụ"), ("deadline", "Thời hạn"), ("lead", "Cơ quan chủ trì"),
               ("partner", "Cơ quan phối hợp"), ("result", "Kết quả"))


@dataclass(frozen=True)
class Span:
    start: int  # character offsets inside the passage text (the quote to highlight)
    end: int
    text: str
    sentence: str  # the sentence it belongs to (the subject is often earlier in it)
    unit: str  # sentence | item | window | row | footnote


def _inside_figure(pos: int, protected: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in protected)


def row_cells(p: StoredPassage) -> list[tuple[str, str]]:
    """A table row's cells as (column name, value), the numbering column aside: from the row's last line (its
    values, tab-separated) and the column names the chunker recorded."""
    md = p.metadata
    columns = [str(c) for c in md.get("columns") or []]
    values = p.text.rsplit("\n", 1)[-1].split("\t")
    if columns and len(values) == len(columns):
        pairs = list(zip(columns, values))
        if md.get("stt") is not None or re.fullmatch(r"(?i)s[ốo]?\s*tt|tt|stt", columns[0].strip()):
            pairs = pairs[1:]
        return [(c, v.strip()) for c, v in pairs if v.strip()]
    return [(name, str(md.get(f"row_{key}"))) for key, name in _ROW_LABELS if md.get(f"row_{key}")]


def labelled_row(p: StoredPassage) -> str:
    """A table row as labelled cells ("Cơ quan chủ trì: Sở Nội vụ. Thời hạn: Quý II"), for matching."""
    return ". ".join(f"{c}: {v}" for c, v in row_cells(p))


def spans_of(p: StoredPassage) -> list[Span]:
    text = p.text
    if p.kind == "table_row":
        start = text.rfind("\n") + 1
        row = Span(start, len(text), text[start:], labelled_row(p) or text[start:], "row")
        return [row, *_long_cells(text, start)]
    protected = number_spans(text)
    sentences: list[tuple[int, int]] = []
    # an item's title line is a unit of its own; a line break inside a date of a hard-wrapped crawl is not
    breaks = [m.start() for m in re.finditer("\n", text) if not _inside_figure(m.start(), protected)]
    offset = 0
    for end in [*breaks, len(text)]:
        line = text[offset:end]
        sentences += [(offset + a, offset + b) for a, b in sentence_spans(line)
                      if not _inside_figure(offset + b, protected)]
        offset = end + 1
    if p.kind == "footnote":
        head = _FOOTNOTE_HEAD.match(text)
        skip = head.end() if head else 0
        sentences = [(max(a, skip), b) for a, b in sentences if b > skip]
    return _units(text, sentences, protected, "footnote" if p.kind == "footnote" else "sentence")


def _units(text: str, sentences: list[tuple[int, int]], protected: list[tuple[int, int]], unit: str) -> list[Span]:
    """Each sentence as a span, with its semicolon items; a sentence too long to quote as its clause windows;
    none shorter than MIN_WORDS."""
    out: list[Span] = []
    for s, e in sentences:
        sent = text[s:e]
        if len(sent) <= MAX_SPAN:
            out.append(Span(s, e, sent, sent, unit))
            if ";" in sent:
                out += _items(text, s, e, protected)
            continue
        out += _windows(text, s, e, protected)
    return [sp for sp in out if len(re.findall(r"\w+", sp.text)) >= MIN_WORDS]


def _long_cells(text: str, start: int) -> list[Span]:
    """A row too long to quote whole (a cell holding a scoring guide, a procedure, a list of communes) offers
    the sentences, items and clause windows of its long cells as spans of their own, as a paragraph would."""
    if len(text) - start <= MAX_SPAN:
        return []
    out: list[Span] = []
    pos = start
    for cell in text[start:].split("\t"):
        a, b = pos, pos + len(cell)
        pos = b + 1
        if b - a <= MAX_SPAN // 2:
            continue
        protected = [(a + x, a + y) for x, y in number_spans(cell)]  # a cell is a text of its own
        sentences = [(a + x, a + y) for x, y in sentence_spans(cell) if not _inside_figure(a + y, protected)]
        out += _units(text, sentences, protected, "sentence")
    return out


def _items(text: str, s: int, e: int, protected: list[tuple[int, int]]) -> list[Span]:
    """The items of a sentence that lists figures with semicolons: each is a span of its own."""
    out = []
    start = s
    sent = text[s:e]
    cuts = [s + m.start() for m in re.finditer(";", sent) if not _inside_figure(s + m.start(), protected)]
    for cut in [*cuts, e]:
        piece = text[start:cut]
        lead = len(piece) - len(piece.lstrip())
        a, b = start + lead, start + len(piece.rstrip())
        if b - a < len(sent) - 5 and len(piece.split()) >= 3:
            out.append(Span(a, b, text[a:b], sent, "item"))
        start = cut + 1
    return out


def _windows(text: str, s: int, e: int, protected: list[tuple[int, int]]) -> list[Span]:
    """A long sentence chains figures with commas: windows of its consecutive clauses, up to CLAUSE_WINDOW."""
    sent = text[s:e]
    bounds = [s] + [s + m.end() for m in _CLAUSE_END.finditer(sent)
                    if not _inside_figure(s + m.end() - 1, protected)] + [e]
    clauses = [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
    out = []
    for i in range(len(clauses)):
        j = i
        while j + 1 < len(clauses) and clauses[j + 1][1] - clauses[i][0] <= CLAUSE_WINDOW:
            j += 1
        a, b = clauses[i][0], clauses[j][1]
        piece = text[a:b]
        a += len(piece) - len(piece.lstrip())
        b = a + len(text[a:b].rstrip())
        if b > a:
            out.append(Span(a, b, text[a:b], sent, "window"))
    return out


def sentence_texts(p: StoredPassage) -> list[str]:
    """The sentences of a passage that candidate spans belong to (a table row's labelled cells for a row):
    embedded at ingest, so the answerer can compare each with the question."""
    return list(dict.fromkeys(sp.sentence for sp in spans_of(p)))


_NUMBERING = re.compile(r"^\s*(?:Điều\s+\d+[a-zđ]?\s*[.:]|(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)])\s*")
_PROPOSED_TO = re.compile(r"^(?:Đề nghị|Giao|Yêu cầu)\s+", re.I)
# a decree's article or clause headed by whose duties it lists ("3. Trách nhiệm của Bộ Nội vụ")
_DUTIES_OF = re.compile(r"^(?:trách nhiệm|nhiệm vụ|quyền hạn)(?:(?:,|\s+và)\s+(?:trách nhiệm|nhiệm vụ|quyền hạn))*"
                        r"\s+của\s+", re.I)
# where an item's subject ends and its task begins ("5. Văn phòng Thường trực … quốc gia tăng cường kiểm tra …"):
# a role first (no agency's name holds "chủ trì"), else the first verb directives assign tasks with
_ROLE_VERB = re.compile(r"\s(?:chủ trì|phối hợp|có trách nhiệm|chịu trách nhiệm|là cơ quan|được giao)(?!\w)")
_TASK_VERB = re.compile(r"\s(?:tăng cường|tiếp tục|khẩn trương|chỉ đạo|hướng dẫn|tổ chức|triển khai|thực hiện|rà soát|"
                        r"theo dõi|kiểm tra|đôn đốc|báo cáo|nghiên cứu|tham mưu|phải|cần|chủ động|tập trung|"
                        r"đẩy mạnh|bảo đảm|đảm bảo)(?!\w)")
# an item's opening agency: a head that is only an agency's ("Sở", "Ủy ban nhân dân", "Bộ"…; not "Tổ chức",
# "Trường hợp", "Báo cáo"); a head that is also a common word's first syllable opens an agency only before a
# capitalised name ("Ban Quản lý", "Bộ Tài chính"; not "Ban đầu", "Bộ đội", "Quỹ đất")
_LEAD_HEADS = ("Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND", "Văn phòng", "Công an", "Trung tâm", "Chi cục",
               "Bộ Chỉ huy", "Kho bạc", "Các sở", "Thanh tra", "Chủ tịch", "Bộ trưởng", "Ngân hàng")
_NAMED_HEADS = ("Sở", "Ban", "Bộ", "Cục", "Tổng cục", "Quỹ", "Đài", "Báo", "Tòa án", "Viện")
# an opening that is the issuer writing or a clause introducing a list, not an agency given a task
_NOT_A_TASK = re.compile(r"\s(?:trân trọng|ban hành|thông báo|quy định|đề nghị|yêu cầu|sau đây|như sau|"
                         r"được thành lập)(?!\w)")
# a heading opening with a common word whose first syllable is an agency's head word ("Tổ chức thực hiện",
# "Trường hợp", "Báo cáo", "Hội nghị", "Ban hành", "Đoàn kết", "Sở hữu"), not with an agency
_COMMON_OPENING = re.compile(r"(?:Tổ chức|Trường hợp|Báo cáo|Hội nghị|Ban hành|Đoàn kết|Sở hữu)(?!\w)")


_HEADS_LONGEST_FIRST = sorted((*_LEAD_HEADS, *_NAMED_HEADS), key=len, reverse=True)  # "Bộ trưởng" before "Bộ"


def _opens_with_agency(text: str) -> bool:
    for head in _HEADS_LONGEST_FIRST:
        if text.startswith(head + " "):
            after = text[len(head) + 1:].split(" ", 1)[0]
            if not after or not after[0].isalnum() or after in ("viên", "lại"):  # "Thanh tra, kiểm tra", "… viên"
                return False
            return head in _LEAD_HEADS or after[0].isupper()
    return False


def agency_frame(p: StoredPassage) -> str:
    """The agency a passage's heading names ("V. TỔ CHỨC THỰC HIỆN > 6. Sở Xây dựng" → "Sở Xây dựng"): plans
    list each agency's tasks under its name, so the tasks' sentences do not repeat who carries them out."""
    parts = [x.strip() for x in str(p.metadata.get("section_title") or "").split(" > ") if x.strip()]
    for part in reversed(parts[-2:]):
        name = _DUTIES_OF.sub("", _PROPOSED_TO.sub("", _NUMBERING.sub("", part))).strip(" :.")
        if len(name) <= 100 and AGENCY.match(name) and not _COMMON_OPENING.match(name):
            return name
    return ""


def lead_agency(p: StoredPassage) -> tuple[str, int]:
    """The agency a passage's first item opens with, as its subject ("5. Văn phòng Thường trực Ban Chỉ đạo 389
    quốc gia tăng cường …; kịp thời tổng hợp …; đề xuất …", "4. Sở Tài chính: Chủ trì …"), and where that item's
    line ends: every clause of the item is its task, though only the first names it. ("", 0) when the passage
    opens otherwise."""
    line = p.text.split("\n", 1)[0]
    body = _NUMBERING.sub("", line)
    head, colon, _ = body.partition(":")
    found = [m for m in (_ROLE_VERB.search(head), _TASK_VERB.search(head)) if m]
    verb = min(found, key=lambda m: m.start()) if found else None
    end = verb.start() if verb else len(head) if colon else -1
    if end < 0 or end > 100 or not _opens_with_agency(head) or _NOT_A_TASK.search(head[:end]):
        return "", 0
    return head[:end].split("(")[0].strip(" ,"), len(line)
