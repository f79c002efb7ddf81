"""Tables in extracted text, whatever layout the producer flattened them to. Each reader finds tables by
their shape and returns the rows as lists of cells, the column-name row(s) first; `tables.py` turns them into
row records. The layouts:

- tab-separated rows (our own PDF, DOCX and HTML readers, tab-separated text files);
- `|`-separated rows (`| STT | Nhiệm vụ |`, Markdown, grid tables with `+----+` borders);
- one cell per line between lines holding only `|` (crawled pages: `|` c1 `|` c2 … `|` cN `|` per row, so a
  row boundary and an empty cell both read as two `|` lines in a row — rows are found by the column count);
- one cell per line between separator lines of dashes;
- short lines under a header of short lines (`STT` / `Nhiệm vụ` / `Chủ trì` …), rows anchored by STT.

A table is only taken when its first row reads as column names and at least two rows follow that fit the
columns: a two-cell layout block (issuer | motto, recipients | signature) stays text."""

from __future__ import annotations

import re
from collections import Counter

from .pipetables import read_cell_per_line
from .tablecells import (
    ANCHOR,
    MAX_COLUMNS,
    PIPE_ONLY,
    RULE,
    STT_WORD,
    RawTable,
    Run,
    cell_text,
    looks_like_header,
)
from .types import Line

_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")  # Markdown's row under the names
_GRID_RULE = re.compile(r"^\s*\+(?:[-=]{3,}\+)+\s*$")  # a grid table's border between rows
# Words of column names, for the one layout that has nothing else to go on (short lines without borders).
_COLUMN_WORDS = re.compile(r"nhiệm vụ|nội dung|công việc|chủ trì|phối hợp|thực hiện|thời gian|thời hạn|tiến độ|"
                           r"hoàn thành|kết quả|sản phẩm|ghi chú|đơn vị|cơ quan|số lượng|mức|tên|chỉ tiêu|kinh phí",
                           re.I)


def find_tables(lines: list[Line]) -> list[RawTable]:
    """Every table in the document, in reading order; a line belongs to at most one table."""
    found: list[RawTable] = []
    used = [False] * len(lines)
    for reader in (read_cell_per_line, _tabbed, _pipe_rows, _between_rules, _short_lines):
        for t in reader(lines, used):
            found.append(t)
            for i in range(t.start, t.end):
                used[i] = True
    return sorted(found, key=lambda t: t.start)


# --- tab-separated and `|`-separated rows ------------------------------------------------------------------


def _tabbed(lines: list[Line], used: list[bool]) -> list[RawTable]:
    """Runs of tab-separated rows; blank lines (page breaks) inside a run are skipped. A run without a
    column-name row that follows a table of the same width after a few lines of text (a folio, a running
    title) continues that table."""
    runs = _runs(lines, used, lambda t: "\t" in t.strip("\n") and t.count("\t") >= 1,
                 lambda t: [c for c in t.split("\t")])
    out: list[RawTable] = []
    for start, end, rows, pages, _ in (piece for run in runs for piece in _split_at_new_header(run)):
        width = Counter(len(r) for r in rows).most_common(1)[0][0]
        if len(rows) < 2 or width < 2 or (len(rows) < 3 and not looks_like_header(rows[0])):
            continue
        if not any(r.count("") < len(r) - 1 for r in rows[1:]):
            continue
        out.append(RawTable(start, end, [[cell_text([c]) for c in r] for r in rows], pages, "tab"))
    return out


def _split_at_new_header(run: Run) -> list[Run]:
    """Two tables one after the other: a row opening with `STT` that is not the first row repeated starts the
    next table."""
    start, end, rows, pages, at = run
    cuts = [i for i, r in enumerate(rows) if i and r and STT_WORD.match(cell_text([r[0]]))
            and [cell_text([c]) for c in r] != [cell_text([c]) for c in rows[0]]]
    if not cuts:
        return [run]
    bounds = [0, *cuts, len(rows)]
    return [(at[a] if a else start, at[b] if b < len(rows) else end, rows[a:b], pages[a:b], at[a:b])
            for a, b in zip(bounds, bounds[1:])]


def _pipe_rows(lines: list[Line], used: list[bool]) -> list[RawTable]:
    """`| a | b |` or `a | b` rows (Markdown, grid tables). Between `+---+` borders a row may run over several
    lines, cell by cell; without borders each line is a row."""
    def is_row(t: str) -> bool:
        s = t.strip()
        return s.count("|") >= 2 and not PIPE_ONLY.match(s) or bool(_GRID_RULE.match(s) or _MD_RULE.match(s))

    def cells(t: str) -> list[str]:
        s = t.strip()
        if _GRID_RULE.match(s):
            return []  # a border: ends the row being read
        if _MD_RULE.match(s):
            return ["\x00"]  # Markdown's alignment row: no cells
        s = s[1:] if s.startswith("|") else s
        s = s[:-1] if s.endswith("|") else s
        return s.split("|")

    out: list[RawTable] = []
    for start, end, raw_rows, pages, _ in _runs(lines, used, is_row, cells, keep_empty=True):
        gridded = any(not r for r in raw_rows)
        rows: list[list[str]] = []
        row_pages: list[int | None] = []
        open_row = False
        for r, page in zip(raw_rows, pages):
            if r == ["\x00"]:
                continue
            if not r:
                open_row = False
                continue
            if gridded and open_row:  # the next line of the same bordered row
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], r + [""] * (len(rows[-1]) - len(r)))]
                continue
            rows.append([c.strip() for c in r])
            row_pages.append(page)
            open_row = gridded
        if len(rows) < 3:
            continue
        width = Counter(len(r) for r in rows).most_common(1)[0][0]
        fitting = sum(1 for r in rows if len(r) == width)
        if width < 2 or fitting < 0.6 * len(rows) or not looks_like_header([cell_text([c]) for c in rows[0]]):
            continue
        out.append(RawTable(start, end, [[cell_text([c]) for c in r] for r in rows], row_pages, "pipe-rows"))
    return out


def _runs(lines: list[Line], used: list[bool], is_row: object, split: object,
          keep_empty: bool = False) -> list[Run]:
    """Maximal runs of row lines (blank lines inside a run allowed): (start, end, rows, pages, line of each
    row)."""
    out: list[Run] = []
    i = 0
    while i < len(lines):
        if used[i] or not is_row(lines[i].text):  # type: ignore[operator]
            i += 1
            continue
        start = j = i
        rows: list[list[str]] = []
        pages: list[int | None] = []
        at: list[int] = []
        last = i
        while j < len(lines) and not used[j]:
            t = lines[j].text
            if is_row(t):  # type: ignore[operator]
                r = split(t)  # type: ignore[operator]
                if r or keep_empty:
                    rows.append(r)
                    pages.append(lines[j].page)
                    at.append(j)
                last = j
            elif t.strip():
                break
            j += 1
        out.append((start, last + 1, rows, pages, at))
        i = last + 1
    return out


# --- one cell per line: between separator lines, or under a header of short lines -------------------------


def _between_rules(lines: list[Line], used: list[bool]) -> list[RawTable]:
    """Blocks of lines between separator lines (`-----`), the first block the column names one per line, each
    next block one row with one line per cell. A block whose line count is not the column count (a wrapped
    cell) keeps its first line as the first cell and the rest as the second."""
    rules = [i for i, ln in enumerate(lines) if RULE.match(ln.text) and not used[i]]
    out: list[RawTable] = []
    k = 0
    while k + 2 < len(rules):
        block = _block(lines, rules[k], rules[k + 1], used)
        if block is None or not 2 <= len(block) <= MAX_COLUMNS or not looks_like_header(block) or \
                any(len(c) > 80 for c in block):
            k += 1
            continue
        n = len(block)
        rows, pages = [block], [lines[rules[k] + 1].page]
        j = k + 1
        while j + 1 < len(rules):
            body = _block(lines, rules[j], rules[j + 1], used)
            if body is None or len(body) > 4 * n:
                break
            rows.append(body if len(body) == n else _fold(body, n))
            pages.append(lines[rules[j] + 1].page)
            j += 1
        if sum(1 for r in rows[1:] if len(r) == n) >= 2:
            out.append(RawTable(rules[k], rules[j] + 1, [r + [""] * (n - len(r)) for r in rows], pages, "rules"))
            k = j
        else:
            k += 1
    return out


def _block(lines: list[Line], a: int, b: int, used: list[bool]) -> list[str] | None:
    if b - a < 2 or any(used[a:b]):
        return None
    body = [cell_text([ln.text]) for ln in lines[a + 1 : b]]
    return [c for c in body if c] or None


def _fold(body: list[str], n: int) -> list[str]:
    """Lines that do not map one per cell: the number (if any) in the first cell, the rest in the second, so no
    text is lost even when its column cannot be told."""
    if ANCHOR.match(body[0]):
        return [body[0], " ".join(body[1:])] + [""] * (n - 2)
    return ["", " ".join(body)] + [""] * (n - 2)


def _short_lines(lines: list[Line], used: list[bool]) -> list[RawTable]:
    """`STT` and the other column names on lines of their own, then rows: an STT number alone on its line and
    one line per cell. A row whose line count does not fit is folded (number, then all its text)."""
    out: list[RawTable] = []
    i = 0
    while i < len(lines):
        if used[i] or not STT_WORD.match(cell_text([lines[i].text])):
            i += 1
            continue
        header: list[str] = []
        j = i
        while j < len(lines) and not used[j] and len(header) < MAX_COLUMNS:
            c = cell_text([lines[j].text])
            if not c or len(c) > 60 or (header and ANCHOR.match(c)):
                break
            header.append(c)
            j += 1
        named = sum(1 for c in header[1:] if _COLUMN_WORDS.search(c))
        if len(header) < 3 or named < 2 or not looks_like_header(header):
            i += 1
            continue
        n = len(header)
        rows, pages = [header], [lines[i].page]
        while j < len(lines) and not lines[j].text.strip():
            j += 1
        while j < len(lines) and not used[j]:
            first = cell_text([lines[j].text])
            if not ANCHOR.match(first):
                break
            body: list[str] = []
            k = j + 1
            while k < len(lines) and not used[k] and len(body) < 4 * n:
                c = cell_text([lines[k].text])
                if not c and (len(body) >= n - 1 or not body or _row_starts(lines, k + 1, used)):
                    break  # a blank line before the next row (or after a full one)
                if c and (len(body) >= n - 1 or _row_starts(lines, k, used)):
                    break
                if c:
                    body.append(c)
                k += 1
            rows.append([first, *body] if len(body) == n - 1 else _fold([first, *body], n))
            pages.append(lines[j].page)
            j = k
            while j < len(lines) and not lines[j].text.strip():
                j += 1
        if sum(1 for r in rows[1:] if len(r) == n and all(r[:2])) >= 2:
            out.append(RawTable(i, j, rows, pages, "short-lines"))
            i = j
        else:
            i += 1
    return out


def _row_starts(lines: list[Line], k: int, used: list[bool]) -> bool:
    """A row of the short-lines layout starts at line `k` (blank lines skipped): a number alone on its line,
    then a line of text (the task), not another figure."""
    while k < len(lines) and not lines[k].text.strip():
        k += 1
    if k + 1 >= len(lines) or used[k] or not ANCHOR.match(cell_text([lines[k].text])):
        return False
    return len(cell_text([lines[k + 1].text]).split()) >= 2
