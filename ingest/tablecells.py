"""What the table readers share: the raw table a reader returns, how a cell's text is made from its lines, and
the tests of a row's shape (column names, a row numbering the columns, a row number)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .docnumbers import find_dates, find_numbers
from .textnorm import clean_line

MAX_COLUMNS = 24
RULE = re.compile(r"^\s*[-=_+*:]{3,}\s*$")  # a border or separator line, or a rule under a title
STT_WORD = re.compile(r"^(STT|TT|Số\s*TT|Số\s+thứ\s+tự)\.?$", re.I)
ANCHOR = re.compile(r"^(?:[IVX]+|\d{1,3}(?:\.\d{1,3})*|[a-zđ]|[A-H])[.)]?$")  # an STT, alone in its cell
PIPE_ONLY = re.compile(r"^\s*\|\s*$")


@dataclass
class RawTable:
    start: int  # index of the table's first line in the document's lines
    end: int  # one past its last line
    rows: list[list[str]]  # every row as read, the column-name row first; a cell's lines joined by spaces
    pages: list[int | None]
    layout: str
    width: int = 0  # the column count the reader found (0: read it from the rows)


Run = tuple[int, int, list[list[str]], list[int | None], list[int]]  # start, end, rows, pages, line of each row


def cell_text(lines: list[str]) -> str:
    """One cell from its lines: cleaned (markup, spaces) and joined; border lines inside a cell dropped."""
    parts = [clean_line(t).replace("\t", " ") for t in lines if not RULE.match(t)]
    return " ".join(p.strip() for p in parts if p.strip())


def looks_like_header(cells: list[str]) -> bool:
    """Column names: at least two, all filled, short, with letters; not `Label:` pairs, not figures, and no
    date or document number (an issuer block `Số: 12/KH-UBND | Hà Nội, ngày …` is laid out as a table too)."""
    if len(cells) < 2 or not all(cells):
        return False
    if any(len(c) > 200 or not re.search(r"[^\W\d_]", c) or c.endswith(":") for c in cells):
        return False
    if sum(len(c) for c in cells) > 120 * len(cells) or ANCHOR.match(cells[0]) and not STT_WORD.match(cells[0]):
        return False
    return not any(re.fullmatch(r"\d+(?:[.,]\d+)*", c) or find_dates(c) or find_numbers(c) for c in cells)


def _shape(text: str) -> str:
    return re.sub(r"\d+", "0", text.lower())


def header_is_data(header: list[str], rows: list[list[str]]) -> bool:
    """The first row is one of the data rows when the rows under it open the same way (`Mẫu số 01`, `Mẫu số
    02`…): a list without column names."""
    firsts = [r[0] for r in rows[:6] if r and r[0]]
    return sum(1 for c in firsts if _shape(c) == _shape(header[0])) >= 2


def is_numbering(cells: list[str]) -> bool:
    """A row that only numbers the columns: `1 2 3 …`, `(1) (2)`, `A B 1 2 3=1+2`."""
    return len(cells) >= 2 and all(re.fullmatch(r"\(?[A-Z0-9]{1,2}\)?(?:\s*=\s*[\d()+\-*/x.]+)?", c) for c in cells) \
        and sum(c.strip("()").isdigit() for c in cells) >= len(cells) / 2
