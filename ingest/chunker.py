"""Cut a structured document into citable passages with provenance.

Reports: paragraphs packed per section (section path kept), footnotes as passages linked both ways.
Tables (any text layout, several per document, between paragraphs): one passage per row with the column
names, the table's title and the row's part/group titles; column roles (task, deadline, lead, partner,
result) from the column names.
Bulletins: one passage per item (title + body); a long item is split and every piece keeps the title.
"""

from __future__ import annotations

import re
from typing import Any, cast

from domain.passages import Passage, PassageKind, PassageMetadata

from .coverage import build_ledger
from .docnumbers import date_int, find_dates, find_numbers, numbers_with_dates
from .furniture import remove_furniture
from .metadata import SIGN_ROLE, extract_meta
from .structure import UNNUMBERED_LEVEL, keep_small_units_whole, to_blocks
from .tables import full_stt
from .textnorm import SUP_RUN, split_sentences, strip_superscripts, sup_to_int
from .types import Block, DocumentMeta, ParsedDocument, RawDocument, passage_id

MAX_CHARS = 900  # ≈ 230 e5 tokens: short enough to embed fast and to quote, long enough to hold a figure's context
MAX_EMBED_CHARS = 1600  # stays inside e5's 512-token window
WINDOW_CHARS = 240  # of a neighbouring row or footnote shown with a search result …
WINDOW_HEAD = 80  # … of which a long one above keeps its head: its STT and first cell, or its footnote number
_CLOSING = re.compile(r"^(Nơi nhận|TM\.|KT\.|Q\.|TL\.)")
CAPTION_CHARS = 400  # an appendix title with its "(Ban hành kèm theo Nghị quyết số … của …)" line
# "… (Kèm theo …) Đơn vị: Triệu đồng.": a caption may end on the table's unit, full stop and all
_UNIT_LINE = re.compile(r"\bĐơn vị(?: tính)?\s*:\s*[^.;:]{1,40}[.;]?\)?$", re.I)
_RECIPIENT = re.compile(r"^-?\s*(?:Lưu\b|Như trên\b)")  # the last lines of a recipients block

# Column roles, from the words of column names. A role takes the first column that names it, a column serves
# one role, and the order matters: `Thời gian thực hiện` is a deadline before `thực hiện` could make it a lead.
COLUMN_ROLES = (
    ("deadline", re.compile(r"tiến độ|thời gian|thời hạn|hoàn thành|thời điểm|mốc", re.I)),
    ("partner", re.compile(r"phối hợp", re.I)),
    ("lead", re.compile(r"chủ trì|đầu mối|(cơ quan|đơn vị|bộ phận|người|trách nhiệm)\b.*\b(thực hiện|chịu trách nhiệm"
                        r"|được giao|tham mưu)|^(cơ quan|đơn vị|trách nhiệm) thực hiện|^phân công", re.I)),
    ("result", re.compile(r"kết quả|sản phẩm", re.I)),
    ("task", re.compile(r"nhiệm vụ|nội dung|công việc|hoạt động|giải pháp|chỉ tiêu|tên (đề án|dự án|chương trình|"
                        r"nhiệm vụ|thủ tục)", re.I)),
)


def column_roles(header: list[str], numbered: bool) -> dict[str, str]:
    """Role → column name, for the roles the column names say (deadline, partner, lead, result, task). The task
    is the row's main text: a column so named among the first ones, else the first after the STT."""
    roles: dict[str, str] = {}
    for role, rx in COLUMN_ROLES:
        names = header[:3] if role == "task" else header
        col = next((h for h in names if h not in roles.values() and rx.search(h)), None)
        if col:
            roles[role] = col
    main = header[1 if numbered and len(header) > 1 else 0]
    if "task" not in roles and main not in roles.values():
        roles["task"] = main
    return roles


def genre_of(blocks: list[Block]) -> str:
    """`table`: the document is a table under a few title lines (a stand-alone appendix); `bulletin`: news
    items under titles; else `structured` (tables inside it are read per table)."""
    rows = sum(1 for b in blocks if b.kind in ("table_row", "table_group"))
    prose = sum(1 for b in blocks if b.kind in ("para", "heading"))
    titles = sum(1 for b in blocks if b.kind == "heading" and b.level == UNNUMBERED_LEVEL)
    numbered = sum(1 for b in blocks if b.kind == "heading" and b.level < UNNUMBERED_LEVEL and b.label)
    if rows >= 5 and prose <= 3:
        return "table"
    if titles >= 2 and numbered < titles:
        return "bulletin"
    return "structured"


def _text_numbers(text: str) -> dict[str, Any]:
    nums = find_numbers(text)
    keys = list(dict.fromkeys(n.key for n, _, _ in nums))
    return {
        "doc_numbers": keys,
        "doc_numbers_text": list(dict.fromkeys(n.text for n, _, _ in nums)),
        "dates": list(dict.fromkeys(d for d, _, _ in find_dates(text))),
    }


MIN_PACK = 200  # a piece's room never shrinks below this, whatever title it must repeat


def _pack(texts: list[str], limit: int = MAX_CHARS) -> list[str]:
    """Pack paragraphs into pieces ≤ limit; a paragraph over the limit is cut at sentence ends, a sentence
    over it at word boundaries, and a run without spaces at the limit itself: no piece is unbounded (a
    30 MB one-line file is many passages, not one) and every character is kept."""
    limit = max(limit, MIN_PACK)
    pieces: list[str] = []
    cur = ""
    for t in texts:
        units = [t] if len(t) <= limit else [w for s in split_sentences(t) for w in _words_within(s, limit)]
        for u in units:
            if cur and len(cur) + 1 + len(u) > limit:
                pieces.append(cur)
                cur = u
            else:
                cur = f"{cur}\n{u}" if cur and u is t else (f"{cur} {u}" if cur else u)
        if len(t) > limit and cur:
            pieces.append(cur)
            cur = ""
    if cur:
        pieces.append(cur)
    return pieces


def _words_within(sentence: str, limit: int) -> list[str]:
    """A sentence cut into runs ≤ limit: after its last clause end (`; ` `, ` `: `) within reach, else after a
    whole word; a word longer than that in slices of `limit`."""
    if len(sentence) <= limit:
        return [sentence]
    out: list[str] = []
    start, n = 0, len(sentence)
    while n - start > limit:  # offsets, not slices of the rest: linear in the sentence's length
        # Prefer a clause boundary in the second half of the window, then a space.
        clause = max(sentence.rfind(mark, start + limit // 2, start + limit) for mark in ("; ", ", ", ": "))
        cut = clause + 1 if clause >= 0 else sentence.rfind(" ", start + 1, start + limit + 1)
        if cut < 0:  # no space within reach: a fixed-width slice
            out.append(sentence[start : start + limit])
            start += limit
        else:
            out.append(sentence[start:cut])
            start = cut + 1
    if start < n:
        out.append(sentence[start:])
    return out


def neighbours(at: int, before: str, after: str) -> dict[str, Any]:
    """The units a reader sees a short passage among — the rows above and below a table row, the footnotes
    before and after a footnote — kept as metadata for showing it in a search result (`window_text`): a row or a
    footnote is found by itself, and read, as in the document, beside its neighbours. A neighbour longer than
    `WINDOW_CHARS` keeps its head (a row's STT and first cell, a footnote's number) and, the one above, its end
    next to the passage, cut at spaces."""
    md: dict[str, Any] = {}
    if before:
        md["window_before"] = before if len(before) <= WINDOW_CHARS else \
            _before_space(before[:WINDOW_HEAD]) + " … " + _after_space(before[-(WINDOW_CHARS - WINDOW_HEAD):])
    if after:
        md["window_after"] = after if len(after) <= WINDOW_CHARS else _before_space(after[:WINDOW_CHARS]) + "…"
    if md:
        md["window_at"] = at
    return md


def _after_space(s: str) -> str:
    return s.split(" ", 1)[1] if " " in s else s


def _before_space(s: str) -> str:
    return s.rsplit(" ", 1)[0] if " " in s else s


class StructuredChunker:
    """The default chunker. `version` is recorded in the index so a changed chunker forces re-ingest."""

    version = "structured-29"

    def chunk(self, raw: RawDocument, doc_id: str) -> ParsedDocument:
        lines, dropped = remove_furniture(raw.lines)
        blocks = keep_small_units_whole(to_blocks(lines), MAX_CHARS)
        genre = genre_of(blocks)
        meta = extract_meta(doc_id, raw.source, blocks, genre)
        meta.extra["genre"] = genre
        meta.extra["format"] = raw.fmt
        builder = _Builder(meta, raw.ocr_pages)
        if genre == "table":  # a stand-alone appendix: its title lines form one header passage, as before
            first = next(i for i, x in enumerate(blocks) if x.kind == "table_head")
            intro = [x.text for x in blocks[:first] if x.kind in ("para", "heading")]
            for piece in _pack(intro):  # all of it: a long introduction is cut, never truncated
                builder.add(PassageKind.HEADER, piece, blocks[0].page, section="", section_title="")
            blocks = [x for i, x in enumerate(blocks) if i >= first or x.kind not in ("para", "heading")]
        self._sections(blocks, builder, genre)
        # the passages' own texts in order: a paragraph cut between two passages reads on across the cut
        ledger = build_ledger(raw.lines, builder.bodies, dropped + list(raw.dropped))
        return ParsedDocument(meta, builder.passages, list(raw.warnings), ledger)

    def _table(self, head: Block, rows: list[Block], b: _Builder, name: str, titles: list[str]) -> None:
        """One passage per row: the table's name and the row's part/group titles, the column names, the values;
        embedded as labelled sentences (`Cơ quan chủ trì: Sở Nội vụ.`), which e5 matches to questions far
        better than a tab-separated line under a header row."""
        header = list(head.cells)
        numbered = head.label == "numbered"
        roles = column_roles(header, numbered)
        shown = header[1:] if numbered else header
        numbering = f"({' | '.join(head.context)})\n" if head.context else ""  # a row numbering the columns
        rows = [r for r in rows if r.kind == "table_row"]
        lines = [self._row_line(r, header, shown, numbered) for r in rows]
        for i, r in enumerate(rows):
            stt = full_stt(r) if numbered else ""
            values = [r.cells.get(h, "") for h in shown]
            context = " > ".join(r.context)
            text = f"{name} — {context}\n" if context else f"{name}\n"
            text += " | ".join(header) + "\n" + numbering
            # neighbours under the same part and group titles: a row of another part would read as one of this
            above = lines[i - 1] if i and rows[i - 1].context == r.context else ""
            below = lines[i + 1] if i + 1 < len(lines) and rows[i + 1].context == r.context else ""
            window = neighbours(len(text), above, below)
            text += lines[i]
            extra = {f"row_{role}": r.cells.get(col, "") for role, col in roles.items()}
            labelled = " ".join(f"{h}: {v.rstrip('. ')}." for h, v in zip(shown, values) if v.strip())
            lead = f"{header[0]} {stt}. " if numbered and stt else ""
            embed = f"{name} — {context}\n{lead}{labelled}" if context else f"{name}\n{lead}{labelled}"
            b.add(PassageKind.TABLE_ROW, text, r.page, section=stt, section_title=" > ".join([*titles[:1], *r.context]),
                  stt=stt, embed=embed, columns=header, **extra, **window)

    @staticmethod
    def _row_line(r: Block, header: list[str], shown: list[str], numbered: bool) -> str:
        """A row as its passage writes it under the header: its STT (or first cell) and values, tab-separated."""
        values = "\t".join(r.cells.get(h, "") for h in shown)
        if not numbered:
            return values
        stt, first = full_stt(r), r.cells.get(header[0], "")
        return f"{stt if r.label or not first else first}\t{values}"  # `Tổng cộng`, `-`: the cell as written

    def _sections(self, blocks: list[Block], b: _Builder, genre: str) -> None:
        stack: list[Block] = []
        buf: list[Block] = []
        unsaid: list[Block] = []  # headings no passage has printed yet: the next passage starts with them
        footnotes = [x for x in blocks if x.kind == "footnote"]

        def flush() -> None:
            if buf and buf[0].in_header:  # the document's header: what it is, never a section of it
                b.add(PassageKind.HEADER, "\n".join(x.text for x in buf), buf[0].page, section="", section_title="")
                buf.clear()
                return
            item_title = stack[-1].text if stack and stack[-1].level == UNNUMBERED_LEVEL else ""
            lead = "\n".join(h.text for h in unsaid if h.text != item_title)
            if not buf and not lead:
                unsaid.clear()
                return
            numbered = [h for h in stack if h.label]
            section = " > ".join(h.label for h in numbered)
            titles = " > ".join(h.text for h in stack)
            closing = bool(buf) and _CLOSING.match(buf[0].text) is not None
            kind = PassageKind.CLOSING if closing else (
                PassageKind.DIRECTIVE_ITEM if genre == "bulletin" and item_title else PassageKind.PARAGRAPH)
            if not stack and not closing and b.position == 0:
                kind = PassageKind.HEADER
            texts = [x.text for x in buf]
            limit = MAX_CHARS - (len(item_title) + 1 if item_title else 0)
            for k, piece in enumerate(_pack(texts, limit) or [""]):
                if k == 0 and lead:  # headings are part of the text: the first passage under them prints them
                    piece = f"{lead}\n{piece}" if piece else lead
                text = f"{item_title}\n{piece}" if item_title else piece
                extra: dict[str, Any] = {}
                if kind == PassageKind.DIRECTIVE_ITEM:
                    extra.update(_directive_fields(item_title + "\n" + "\n".join(texts)))
                page = buf[0].page if buf else unsaid[0].page
                b.add(kind, text, page, section=section or (item_title[:120] if item_title else ""),
                      section_title=titles, body=piece if k else text, **extra)
            buf.clear()
            unsaid.clear()

        table: tuple[Block, list[Block], str, list[str]] | None = None
        recent: list[Block] = []  # the blocks since the last table: the next table's caption is at their end

        def close_table() -> None:
            nonlocal table
            if table is not None:
                self._table(*table[:2], b, table[2], table[3])
                table = None

        for blk in blocks:
            if blk.kind == "footnote":
                continue
            if blk.kind == "table_head":
                caption = _caption(recent) or [h.text for h in stack[-1:]]
                recent.clear()
                flush()
                close_table()
                table = (blk, [], self._table_name(b.meta, genre, caption), [] if genre == "table" else caption)
                continue
            if blk.kind in ("table_row", "table_group") and table is not None:
                table[1].append(blk)
                continue
            close_table()
            recent.append(blk)
            if blk.in_header:
                if not (buf and buf[-1].in_header):
                    flush()
                    stack = []  # an attached document starts afresh
                buf.append(blk)
                continue
            if buf and buf[-1].in_header:
                flush()
            if blk.kind == "heading":
                if buf:
                    flush()
                stack = [h for h in stack if h.level < blk.level]
                stack.append(blk)
                unsaid.append(blk)
                continue
            if _CLOSING.match(blk.text) and buf and not _CLOSING.match(buf[0].text):
                flush()
            buf.append(blk)
        flush()
        close_table()
        b.add_footnotes(footnotes)

    @staticmethod
    def _table_name(meta: DocumentMeta, genre: str, caption: list[str]) -> str:
        """What a row passage says it belongs to: the appendix and its document for a stand-alone appendix,
        else the table's title and caption (the heading above it, a `(Kèm theo …)` or `Đơn vị tính` line)."""
        if genre == "table" or not caption:
            return f"{meta.doc_type or 'Phụ lục'} {meta.attached_to or meta.number}".strip()
        return " — ".join(dict.fromkeys(caption))


def _caption(before: list[Block]) -> list[str]:
    """The lines right above a table that name it (its title, `(Kèm theo …)`, `Đơn vị tính: triệu đồng`, a line
    introducing it with a colon): up to three short headings or paragraphs, up to a signature or recipients
    block ("CHỦ TỊCH Nguyễn Văn A", "- Lưu: VT.") or a sentence of the text (ending with a full stop or a
    semicolon, the unit line "Đơn vị: triệu đồng." aside), none of which names a table."""
    out: list[str] = []
    for x in reversed(before[-3:]):
        text = x.text.strip()
        if x.kind not in ("para", "heading") or len(text) > CAPTION_CHARS or _CLOSING.match(text) \
                or SIGN_ROLE.match(text) \
                or _RECIPIENT.match(text) or (text.endswith((".", ";")) and not _UNIT_LINE.search(text)):
            break
        out.insert(0, x.text)
    return out


def _directive_fields(item: str) -> dict[str, Any]:
    """The directive a bulletin item reports: the first number given with its date, else the first number."""
    pairs = numbers_with_dates(item)
    if not pairs:
        return {}
    num, date = next(((n, d) for n, d in pairs if d), pairs[0])
    return {
        "directive_number": num.text,
        "directive_key": num.key,
        "directive_type": num.doc_type,
        "directive_date": date,
    }


class _Builder:
    def __init__(self, meta: DocumentMeta, ocr_pages: dict[int, float] | None = None) -> None:
        self.meta = meta
        self.ocr_pages = ocr_pages or {}
        self.passages: list[Passage] = []
        self.bodies: list[str] = []  # each passage's own text, without the item title a continuation repeats
        self.position = 0

    def add(self, kind: PassageKind, text: str, page: int | None, *, section: str, section_title: str,
            body: str | None = None, embed: str | None = None, **extra: Any) -> Passage:
        """`extra`: more metadata keys of PassageMetadata (a row's cells, a footnote's links, an item's directive)."""
        meta = self.meta
        md: dict[str, Any] = {
            "doc_id": meta.doc_id, "source": meta.source, "title": meta.title, "doc_type": meta.doc_type,
            "doc_number": meta.number, "doc_date": meta.date, "kind": kind, "page": page,
            "section": section, "section_title": section_title,
        }
        if meta.attached_to:
            md["attached_to"] = meta.attached_to
        if meta.period:
            md["period"] = meta.period
        md.update(_text_numbers(text))
        md.update({k: v for k, v in extra.items() if v not in (None, "")})
        md["date_int"] = date_int(md.get("directive_date") or meta.date)
        if page in self.ocr_pages:  # the text came from OCR: say so, and how sure Tesseract was
            md["ocr"] = True
            md["ocr_confidence"] = self.ocr_pages[page]
        doc_label = " ".join(x for x in (meta.doc_type, meta.number or meta.attached_to, meta.title) if x)
        context = f"{doc_label}. {section_title}".strip(". ") if kind != PassageKind.TABLE_ROW else doc_label
        if embed is None:
            embed = f"{context}\n{text}" if context else text
        elif kind == PassageKind.TABLE_ROW:
            embed = f"{doc_label}\n{embed}"
        embed = strip_superscripts(embed)[:MAX_EMBED_CHARS]
        pid = passage_id(meta.doc_id, self.position, text)
        p = Passage(pid, meta.doc_id, self.position, kind, text, embed, cast(PassageMetadata, md))
        self.passages.append(p)
        self.bodies.append(text if body is None else body)
        self.position += 1
        return p

    def add_footnotes(self, footnotes: list[Block]) -> None:
        """Footnote passages know the sentence citing them; the citing passage lists its footnotes."""
        holders: dict[int, tuple[Passage, str]] = {}
        for p in self.passages:
            for m in SUP_RUN.finditer(p.text):
                n = sup_to_int(m.group(0))
                sentence = next((s for s in split_sentences(p.text) if m.group(0) in s), p.text[:300])
                holders.setdefault(n, (p, sentence))
        texts = [f"Chú thích {int(fn.label)}: {fn.text}" for fn in footnotes]
        for i, (fn, text) in enumerate(zip(footnotes, texts)):
            n = int(fn.label)
            holder = holders.get(n)
            citing = holder[1] if holder else ""
            window = neighbours(0, texts[i - 1] if i else "", texts[i + 1] if i + 1 < len(texts) else "")
            fp = self.add(PassageKind.FOOTNOTE, text, fn.page,
                          section=holder[0].metadata["section"] if holder else "",
                          section_title=holder[0].metadata["section_title"] if holder else "",
                          footnote_no=n, citing_sentence=strip_superscripts(citing),
                          cited_by=holder[0].id if holder else "", **window)
            fp.embed_text = (fp.embed_text + "\n(" + strip_superscripts(citing) + ")")[:MAX_EMBED_CHARS]
            if holder:
                links = holder[0].metadata.setdefault("footnotes", [])
                links.append({"n": n, "id": fp.id, "text": fn.text})
