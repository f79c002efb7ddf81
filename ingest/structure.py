"""Recover a document's structure from its lines: tables (`texttables.py`, any text layout), paragraphs
(hard wraps and page breaks undone), headings with their numbering, footnote bodies."""

from __future__ import annotations

import re

from domain.doctypes import type_word_re

from .bracketnotes import bracket_footnotes
from .header import mark_document_headers
from .metadata import SIGN_ROLE
from .tables import table_blocks
from .textnorm import (
    LIST_MARKER,
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
ITEM_LEVEL = 5  # a lettered item ("a) Nhiệm vụ:", "b) Cơ quan thực hiện:") read as a heading
ARTICLE_LEVEL = 2  # an Điều; its khoản (numbered clauses) sit one level below
_SIGNATURE = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s")  # signature roles are not headings
UNNUMBERED_LEVEL = 6  # a title line above a news item or a block of text


TITLE_LINE_CHARS = 250
TRICH_YEU_CHARS = 320  # an item titled by its directive's trích yếu ("Kế hoạch triển khai …") runs to some 300
WRAPPED_LINE_CHARS = 50  # a line this long that stops mid-sentence was wrapped, not written as a heading or item
_DASH_GOES_ON = re.compile(r"^[-–]\s+([a-zđà-ỹ\d])")
_NUMBER_GOES_ON = re.compile(r"^\d{3,}(?![\d.)])")  # "… đến năm" / "2030 đạt …": no list is numbered 2030
# a word a number always follows ("kể từ ngày 08 tháng / 12 năm 2025", "tại khoản / 2 Điều 5"), written in lower
# case (a heading in capitals "… TRONG THÁNG" may well be followed by its list "1. …")
_NEEDS_NUMBER = re.compile(r"(?:^|\s)(?:ngày|tháng|năm|số|khoản|điểm|quý)$")
_NUMBER_NOT_MARKER = re.compile(r"^\d{1,4}(?:[ /]|$)")  # "12 năm 2025", "08/12/2025"; not a list's "1." / "1)"


def _wrapped_before(previous_raw: str, previous_opened: bool, paragraph: str, line: str) -> bool:
    """A hard wrap before the dash of "kinh tế - xã hội" or "2021 - 2025", or before a year ("mục tiêu đến năm /
    2030 đạt …", a title in capitals "… GIAI ĐOẠN / 2026 - 2030"): the line it ends is long and cut
    mid-sentence — not a list item of its own — and the dash goes on in lower case, or joins two figures; the
    number has three digits or more (no list is numbered 2030). A number after a word that always takes one
    ("ngày 08 tháng / 12 năm 2025") goes on the line before, whatever its length."""
    prev = previous_raw.strip()
    if _NEEDS_NUMBER.search(prev) and _NUMBER_NOT_MARKER.match(line):
        return True
    if len(prev) < WRAPPED_LINE_CHARS or ends_sentence(paragraph):
        return False
    dash = _DASH_GOES_ON.match(line)
    if dash:  # a list's next item also opens with a dash: after a line that opened an item, it is one
        return not (previous_opened and starts_block(prev)) and (not dash.group(1).isdigit() or prev[-1:].isdigit())
    return _NUMBER_GOES_ON.match(line) is not None


def _bare_marker(text: str) -> bool:
    """A list marker alone on its line ("1." / "a)" / "IV."): PDF extraction often puts a clause's number on a line
    of its own; the clause is the line after it."""
    return LIST_MARKER.fullmatch(text) is not None


def _nothing_follows(lines: list[Line], at: int) -> bool:
    """The line after `at` ends the paragraph (blank, a table rule, the end) or opens a block of its own."""
    following = lines[at + 1].text.strip() if at + 1 < len(lines) else ""
    return following in ("", "|") or starts_block(following) or _bare_marker(following)


def _is_table_line(text: str) -> bool:
    return text.count("\t") >= 2


def join_lines(lines: list[Line]) -> list[Line]:
    """Undo hard wraps: consecutive lines form one paragraph unless the next one starts a new block."""
    out: list[Line] = []
    open_para = False
    last_raw, last_opened = "", False  # the line before, and whether it opened the paragraph it is in
    for at, ln in enumerate(lines):
        raw, previous_raw, previous_opened = ln.text, last_raw, last_opened
        last_raw = raw
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
        bare = _bare_marker(text)
        # a marker alone on its line opens the clause on the line after it; with no clause after it (a blank line,
        # or the next item) it ends the open sentence before it ("… tại Phụ lục / VIII. / 11. …", "ngày 31 tháng /
        # 12.")
        ends_open_sentence = bare and open_para and not ends_sentence(out[-1].text) and _nothing_follows(lines, at)
        can_join = ends_open_sentence or not bare and ((
            open_para
            and not ends_sentence(out[-1].text)
            and not starts_block(text)
            and not _FOOTNOTE.match(text)
            and not _FOOTNOTE.match(out[-1].text[:3])
        ) or (open_para and starts_lower(text) and not _FOOTNOTE.match(text)) or (
            open_para and _wrapped_before(previous_raw, previous_opened, out[-1].text, text)) or (
            open_para and _bare_marker(out[-1].text) and not starts_block(text)))
        if can_join:
            out[-1] = Line(out[-1].text + " " + text, out[-1].page)
            last_opened = False
        else:
            out.append(Line(text, ln.page))
            open_para = last_opened = True
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
            and (len(b.text) <= TITLE_LINE_CHARS or len(b.text) <= TRICH_YEU_CHARS and _opens_with_type(b.text))
            and len(b.text.split()) >= 4
            and not ends_sentence(b.text)
            and not b.text.endswith(",")
            and not starts_lower(b.text)
            and not starts_block(b.text)
            and not SIGN_ROLE.match(b.text)  # "CHỦ TỊCH Nguyễn Văn A" above an appendix signs, it titles nothing
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


def _opens_with_type(text: str) -> bool:
    return type_word_re().match(text) is not None


def keep_small_units_whole(blocks: list[Block], limit: int) -> list[Block]:
    """A numbered unit that fits in one passage is quoted as one: its lettered items are read as its text, not
    as headings of their own. A plan's "4.3. Về số hóa / a) Nhiệm vụ: … / b) Cơ quan thực hiện: /
    - Đơn vị chủ trì: …" was cut into a passage holding the task and one holding the agency without it, though
    the unit is some 450 characters. A unit too long for one passage, or holding another kind of heading
    (a title line under an item would become the unit's only heading), keeps its items as headings: their
    titles (often an agency's name) then frame the tasks under them."""
    out = list(blocks)
    decided: set[int] = set()  # parents already weighed: a unit of many items is measured once, not per item
    for i, b in enumerate(out):
        if b.kind != "heading" or b.level != ITEM_LEVEL:
            continue
        parent = next((k for k in range(i - 1, -1, -1) if out[k].kind == "heading" and out[k].level < ITEM_LEVEL), None)
        if parent is None or parent in decided or any(x.kind.startswith("table") or x.in_header for x in out[parent:i]):
            continue
        decided.add(parent)
        level = out[parent].level
        end = next((j for j in range(parent + 1, len(out))
                    if (out[j].kind == "heading" and out[j].level <= level) or out[j].kind.startswith("table")
                    or out[j].in_header), len(out))
        inner = [x for x in out[parent + 1:end] if x.kind == "heading"]
        if all(x.level == ITEM_LEVEL for x in inner) and \
                sum(len(x.text) + 1 for x in out[parent:end] if x.kind != "footnote") <= limit:
            for j in range(parent + 1, end):
                if out[j].kind == "heading" and out[j].level == ITEM_LEVEL:
                    out[j] = Block("para", out[j].text, out[j].page)
    return out
