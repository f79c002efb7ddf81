"""Cut a structured document into citable passages with provenance.

Reports: paragraphs packed per section (section path kept), footnotes as passages linked both ways.
Task tables: one passage per row with column names and part/group titles.
Bulletins: one passage per item (title + body); a long item is split and every piece keeps the title.
"""

from __future__ import annotations

import re
from typing import Any

from .docnumbers import date_int, find_dates, find_numbers, numbers_with_dates
from .metadata import extract_meta
from .structure import UNNUMBERED_LEVEL, to_blocks
from .tables import build_rows, full_stt
from .textnorm import SUP_RUN, split_sentences, strip_superscripts, sup_to_int
from .types import Block, DocumentMeta, ParsedDocument, Passage, RawDocument, passage_id

MAX_CHARS = 900  # ≈ 230 e5 tokens: short enough to embed fast and to quote, long enough to hold a figure's context
MAX_EMBED_CHARS = 1600  # stays inside e5's 512-token window
_CLOSING = re.compile(r"^(Nơi nhận|TM\.|KT\.|Q\.|TL\.)")

COLUMN_ROLES = (
    ("task", re.compile(r"nhiệm vụ|nội dung|công việc", re.I)),
    ("deadline", re.compile(r"tiến độ|thời gian|thời hạn|hoàn thành", re.I)),
    ("lead", re.compile(r"chủ trì", re.I)),
    ("partner", re.compile(r"phối hợp", re.I)),
    ("result", re.compile(r"kết quả|sản phẩm", re.I)),
)


def genre_of(blocks: list[Block]) -> str:
    rows = sum(1 for b in blocks if b.kind == "table_row")
    titles = sum(1 for b in blocks if b.kind == "heading" and b.level == UNNUMBERED_LEVEL)
    numbered = sum(1 for b in blocks if b.kind == "heading" and b.level < UNNUMBERED_LEVEL and b.label)
    if rows >= 5 and rows >= 0.3 * len(blocks):
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
    """A sentence cut into runs of whole words ≤ limit; a word longer than that in slices of `limit`."""
    if len(sentence) <= limit:
        return [sentence]
    out: list[str] = []
    start, n = 0, len(sentence)
    while n - start > limit:  # offsets, not slices of the rest: linear in the sentence's length
        cut = sentence.rfind(" ", start + 1, start + limit + 1)
        if cut < 0:  # no space within reach: a fixed-width slice
            out.append(sentence[start : start + limit])
            start += limit
        else:
            out.append(sentence[start:cut])
            start = cut + 1
    if start < n:
        out.append(sentence[start:])
    return out


class StructuredChunker:
    """The default chunker. `version` is recorded in the index so a changed chunker forces re-ingest."""

    version = "structured-6"

    def chunk(self, raw: RawDocument, doc_id: str) -> ParsedDocument:
        blocks = to_blocks(raw.lines)
        genre = genre_of(blocks)
        meta = extract_meta(doc_id, raw.source, blocks, genre)
        meta.extra["genre"] = genre
        meta.extra["format"] = raw.fmt
        builder = _Builder(meta, raw.ocr_pages)
        if genre == "table":
            self._table(blocks, builder)
        else:
            self._sections(blocks, builder, genre)
        return ParsedDocument(meta, builder.passages, list(raw.warnings))

    def _table(self, blocks: list[Block], b: _Builder) -> None:
        rows = build_rows([x for x in blocks if x.kind == "table_row"])
        intro = [x.text for x in blocks if x.kind in ("para", "heading")]
        if intro:
            b.add("header", "\n".join(intro)[:MAX_CHARS], blocks[0].page, section="", section_title="")
        header = next((list(r.cells) for r in rows), [])
        roles = {role: next((h for h in header if rx.search(h)), None) for role, rx in COLUMN_ROLES}
        table_name = f"{b.meta.doc_type or 'Phụ lục'} {b.meta.attached_to or b.meta.number}".strip()
        for r in rows:
            if r.kind != "table_row":
                continue
            stt = full_stt(r)
            values = [r.cells.get(h, "") for h in header[1:]]
            context = " > ".join(r.context)
            text = f"{table_name} — {context}\n" if context else f"{table_name}\n"
            text += " | ".join(header) + "\n" + stt + "\t" + "\t".join(values)
            extra = {f"row_{role}": r.cells.get(col, "") if col else "" for role, col in roles.items()}
            # The embedding sees the row as labelled sentences ("Cơ quan chủ trì: Sở Nội vụ."), which e5 matches
            # to questions far better than a tab-separated line under a header row.
            labelled = " ".join(f"{h}: {v.rstrip('. ')}." for h, v in zip(header[1:], values) if v.strip())
            embed = f"{table_name} — {context}\n{header[0] if header else 'STT'} {stt}. {labelled}"
            b.add("table_row", text, r.page, section=stt, section_title=context, stt=stt, embed=embed, **extra)

    def _sections(self, blocks: list[Block], b: _Builder, genre: str) -> None:
        stack: list[Block] = []
        buf: list[Block] = []
        footnotes = [x for x in blocks if x.kind == "footnote"]

        def flush() -> None:
            if not buf:
                return
            numbered = [h for h in stack if h.label]
            section = " > ".join(h.label for h in numbered)
            titles = " > ".join(h.text for h in stack)
            item_title = stack[-1].text if stack and stack[-1].level == UNNUMBERED_LEVEL else ""
            closing = _CLOSING.match(buf[0].text) is not None
            kind = "closing" if closing else ("directive_item" if genre == "bulletin" and item_title else "paragraph")
            if not stack and not closing and b.position == 0:
                kind = "header"
            texts = [x.text for x in buf]
            limit = MAX_CHARS - (len(item_title) + 1 if item_title else 0)
            for piece in _pack(texts, limit):
                text = f"{item_title}\n{piece}" if item_title else piece
                extra: dict[str, Any] = {}
                if kind == "directive_item":
                    extra.update(_directive_fields(item_title + "\n" + "\n".join(texts)))
                b.add(kind, text, buf[0].page, section=section or (item_title[:120] if item_title else ""),
                      section_title=titles, **extra)
            buf.clear()

        for blk in blocks:
            if blk.kind == "footnote":
                continue
            if blk.kind == "heading":
                flush()
                stack = [h for h in stack if h.level < blk.level]
                stack.append(blk)
                continue
            if _CLOSING.match(blk.text) and buf and not _CLOSING.match(buf[0].text):
                flush()
            buf.append(blk)
        flush()
        b.add_footnotes(footnotes)


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
        self.position = 0

    def add(self, kind: str, text: str, page: int | None, *, section: str, section_title: str,
            embed: str | None = None, **extra: Any) -> Passage:
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
        context = f"{doc_label}. {section_title}".strip(". ") if kind != "table_row" else doc_label
        if embed is None:
            embed = f"{context}\n{text}" if context else text
        elif kind == "table_row":
            embed = f"{doc_label}\n{embed}"
        embed = strip_superscripts(embed)[:MAX_EMBED_CHARS]
        pid = passage_id(meta.doc_id, self.position, text)
        p = Passage(pid, meta.doc_id, self.position, kind, text, embed, md)
        self.passages.append(p)
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
        for fn in footnotes:
            n = int(fn.label)
            holder = holders.get(n)
            citing = holder[1] if holder else ""
            text = f"Chú thích {n}: {fn.text}"
            fp = self.add("footnote", text, fn.page,
                          section=holder[0].metadata["section"] if holder else "",
                          section_title=holder[0].metadata["section_title"] if holder else "",
                          footnote_no=n, citing_sentence=strip_superscripts(citing),
                          cited_by=holder[0].id if holder else "")
            fp.embed_text = (fp.embed_text + "\n(" + strip_superscripts(citing) + ")")[:MAX_EMBED_CHARS]
            if holder:
                links = holder[0].metadata.setdefault("footnotes", [])
                links.append({"n": n, "id": fp.id, "text": fn.text})
