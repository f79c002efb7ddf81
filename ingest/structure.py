"""Recover a document's structure from its lines: tables (`texttables.py`, any text layout), paragraphs
(hard wraps and page breaks undone), headings with their numbering, footnote bodies."""

from __future__ import annotations

import re

from .bracketnotes import bracket_footnotes
from .header import mark_document_headers
from .tables import table_blocks
from .textnorm import (
    SUPERSCRIPT_DIGITS,
    clean_line,
    ends_sentence,
    starts_block,
    starts_lower,
    sup_to_int,
)
from .texttables import find_tables
from .types import Block, Line

_FOOTNOTE = re.compile(rf"^([{SUPERSCRIPT_DIGITS}]+)\s*(\S.*)$")
_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_HEADINGS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"^(Chương|CHƯƠNG|Phần|PHẦN)\s+([IVXLC\d]+)\b\.?\s*(.*)$"), 0),
    (re.compile(rf"^({_ROMAN})[.\s]\s*(\S.*)$"), 1),
    (re.compile(r"^(Điều\s+\d+)\.?\s*(.*)$"), 2),
    (re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(\S.*)$"), 4),
    (re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s+(\S.*)$"), 3),
    (re.compile(r"^(\d{1,2})\.\s+(\S.*)$"), 2),
    (re.compile(r"^([a-zđ])\)\s+(\S.*)$"), 5),
]
MAX_HEADING_CHARS = 220
ARTICLE_LEVEL = 2  # an Điều; its khoản (numbered clauses) sit one level below
_SIGNATURE = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s")  # signature roles are not headings
UNNUMBERED_LEVEL = 6  # a title line above a news item or a block of text


def _is_table_line(text: str) -> bool:
    return text.count("\t") >= 2


def join_lines(lines: list[Line]) -> list[Line]:
    """Undo hard wraps: consecutive lines form one paragraph unless the next one starts a new block."""
    out: list[Line] = []
    open_para = False
    for ln in lines:
        raw = ln.text
        if raw.strip() in ("", "|") or set(raw.strip()) <= {"|", "-", "_", "=", "*"}:
            open_para = False
            continue
        text = clean_line(raw)
        if not text:
            continue
        if _is_table_line(raw):
            out.append(Line(text, ln.page))
            open_para = False
            continue
        can_join = (
            open_para
            and not ends_sentence(out[-1].text)
            and not starts_block(text)
            and not _FOOTNOTE.match(text)
            and not _FOOTNOTE.match(out[-1].text[:3])
        ) or (open_para and starts_lower(text) and not _FOOTNOTE.match(text))
        if can_join:
            out[-1] = Line(out[-1].text + " " + text, out[-1].page)
        else:
            out.append(Line(text, ln.page))
            open_para = True
    return out


def heading_of(text: str) -> tuple[int, str, str] | None:
    """(level, label, title) when the paragraph reads as a numbered or capitalised heading."""
    if len(text) > MAX_HEADING_CHARS or text.rstrip().endswith((".", ";", ",")) or _SIGNATURE.match(text):
        return None
    for pattern, level in _HEADINGS:
        m = pattern.match(text)
        if not m:
            continue
        if level == 0:
            return 0, f"{m.group(1)} {m.group(2)}", m.group(3)
        if level == 1 and not m.group(1):
            continue
        label, title = m.group(1), m.group(2)
        if level == 1 and not (title[:1].isupper() and len(title) <= 200):
            continue
        if level == 5 and len(text) > 120:
            return None
        return level, label, title
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 8 and all(c.isupper() for c in letters) and len(text) <= 160:
        return 0, "", text
    return None


def to_blocks(lines: list[Line]) -> list[Block]:
    """Tables first (their rows become `table_head`/`table_row` blocks, whatever their text layout), then the
    text around them: classify paragraphs, rejoin paragraphs that a page break (and its footnotes) cut in two."""
    blocks: list[Block] = []
    pos = 0
    lines = bracket_footnotes(lines)
    for table in find_tables(lines):
        blocks += _text_blocks(lines[pos : table.start])
        blocks += table_blocks(table)
        pos = table.end
    blocks += _text_blocks(lines[pos:])
    _mark_title_lines(blocks)
    _nest_clauses_under_articles(blocks)
    mark_document_headers(blocks)
    return _rejoin_page_breaks(blocks)


def _text_blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    for ln in join_lines(lines):
        text = ln.text
        m = _FOOTNOTE.match(text)
        if m and not _is_table_line(text):
            blocks.append(Block("footnote", m.group(2).strip(), ln.page, label=str(sup_to_int(m.group(1)))))
            continue
        h = heading_of(text)
        if h and not _is_table_line(text):
            blocks.append(Block("heading", text, ln.page, level=h[0], label=h[1]))
        else:
            blocks.append(Block("para", text, ln.page))
    return blocks


def _nest_clauses_under_articles(blocks: list[Block]) -> None:
    """In a legal text (Điều … headings), a numbered heading under an Điều is one of its khoản, not a sibling
    of the Điều: `Điều 14 > 3 > a`, so passages and citations keep the article they belong to."""
    if sum(1 for b in blocks if b.kind == "heading" and b.label.startswith("Điều")) < 2:
        return
    in_article = False
    for b in blocks:
        if b.kind != "heading":
            continue
        if b.label.startswith("Điều"):
            in_article = True
        elif b.level < ARTICLE_LEVEL:  # Chương, Phần, a Roman-numbered part: above any article
            in_article = False
        elif in_article and b.level == ARTICLE_LEVEL and b.label.isdigit():
            b.level = ARTICLE_LEVEL + 1


def _mark_title_lines(blocks: list[Block]) -> None:
    """A short unpunctuated line followed by body text is an item title (news bulletins, crawled pages)."""
    for i, b in enumerate(blocks[:-1]):
        nxt = blocks[i + 1]
        if (
            b.kind == "para"
            and len(b.text) <= 250
            and len(b.text.split()) >= 4
            and not ends_sentence(b.text)
            and not b.text.endswith(",")
            and not starts_lower(b.text)
            and not starts_block(b.text)
            and nxt.kind == "para"
            and not starts_lower(nxt.text)
            and (len(nxt.text) > len(b.text) or ends_sentence(nxt.text))
        ):
            b.kind, b.level = "heading", UNNUMBERED_LEVEL


def _rejoin_page_breaks(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if b.kind == "para" and out:
            j = len(out) - 1
            while j >= 0 and out[j].kind == "footnote":
                j -= 1
            crossed_footnotes = j < len(out) - 1
            prev = out[j] if j >= 0 else None
            if prev is not None and prev.kind == "para" and not prev.in_header and not ends_sentence(prev.text) and (
                crossed_footnotes or starts_lower(b.text)
            ):
                prev.text = prev.text + " " + b.text
                continue
        out.append(b)
    return out
