"""The header of an official document (its thể thức): issuer block, national motto, number, place and date,
document type and title. It says what the document is; it is never a section of it. Its blocks are marked
`in_header` so that no passage ever carries "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", an issuer line or the
document's title as its section; the chunker gives them a `header` passage of their own.

A header starts at a motto block (with the issuer lines above it) — also the header of a document attached
further on (a plan attached to a decision) — or at the first block of a document that opens with a
header-shaped line (number, place and date, type word, or a title before any text)."""

from __future__ import annotations

import re

from domain.agencies import ISSUER_HEAD
from domain.doctypes import header_word_re

from .furniture import MOTTO, MOTTO_LINE
from .textnorm import ends_sentence
from .types import Block

_NUMBER = re.compile(r"^Số\s*[:.]|^V/v\b", re.I)
_PLACE_DATE = re.compile(r"^[A-ZĐÀ-Ỹ][\wÀ-ỹ.\s]{1,40},\s*ngày\b")
_ATTACHED = re.compile(r"^\((?:Ban hành )?[Kk]èm theo\b")
_BODY_START = re.compile(r"^(Căn cứ|Kính gửi|Thực hiện|Theo|Trên cơ sở|Xét|Nhằm|Để)\b")
ISSUER_BLOCKS = 2
FRAGMENT_WORDS = 6
TITLE_BLOCKS = 3


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _has_motto(text: str) -> bool:
    return bool(MOTTO.search(text) or MOTTO_LINE.search(text))


def _header_line(text: str) -> bool:
    return bool(_has_motto(text) or _NUMBER.match(text) or _PLACE_DATE.match(text) or header_word_re().match(text))


def _extent(blocks: list[Block], start: int) -> int:
    """Where the header beginning at `start` ends (exclusive): issuer lines and header lines (motto, number,
    place and date, type word), then the title under the type word (capitals, or one block in plain case
    that is not yet the text), then "(Kèm theo …)"."""
    i = start
    issuer = title = 0
    typed = False
    while i < len(blocks):
        b = blocks[i]
        text = b.text
        if b.kind in ("footnote", "table_row") or _BODY_START.match(text) or (b.kind == "heading" and b.label):
            break
        if _header_line(text):
            typed = typed or bool(header_word_re().match(text))
        elif _ATTACHED.match(text):
            pass
        elif not typed and _caps(text) and issuer < ISSUER_BLOCKS:
            issuer += 1
        elif not typed and i > start and len(text.split()) <= FRAGMENT_WORDS and not ends_sentence(text):
            pass  # a piece of a header line wrapped apart ("Quảng" / "Ninh, ngày …", "19 tháng 11 năm 2025")
        elif typed and title < TITLE_BLOCKS and (_caps(text) or (title == 0 and not ends_sentence(text))):
            title += 1
        else:
            break
        i += 1
    return i


def _issuer_start(blocks: list[Block], k: int) -> int:
    """The issuer block's first line above position k (up to two capitalised lines)."""
    start = k
    while start > 0 and k - start < ISSUER_BLOCKS and _caps(blocks[start - 1].text) and \
            blocks[start - 1].kind in ("para", "heading") and not blocks[start - 1].label:
        start -= 1
    return start


def mark_document_headers(blocks: list[Block]) -> None:
    """Mark the blocks of every document header: they become plain blocks flagged `in_header`. A header is
    anchored on the national motto, on an issuer line followed by a header line (an attached plan or
    appendix under its issuer's name), or on the document's first block when it is a header line or a
    title."""
    marked: list[range] = []

    def mark(anchor: int, start: int) -> None:
        if not any(anchor in r for r in marked):
            marked.append(range(start, max(_extent(blocks, anchor), anchor + 1)))

    for k, b in enumerate(blocks):
        if b.kind not in ("para", "heading"):
            continue
        if _has_motto(b.text):
            mark(k, _issuer_start(blocks, k))
        elif ISSUER_HEAD.match(b.text) and _caps(b.text) and k + 1 < len(blocks) and \
                _header_line(blocks[k + 1].text) and not _has_motto(blocks[k + 1].text):
            mark(k, _issuer_start(blocks, k))
    first = blocks[0] if blocks else None
    if first is not None and not any(0 in r for r in marked) and (
            _header_line(first.text) or (first.kind == "heading" and not first.label)):
        mark(0, 0)
    for r in marked:
        for b in blocks[r.start : r.stop]:
            if b.kind in ("para", "heading"):
                b.kind, b.level, b.label, b.in_header = "para", 0, "", True
