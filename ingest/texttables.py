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
from dataclasses import dataclass

from .docnumbers import find_dates, find_numbers
from .textnorm import clean_line
from .types import Line

MAX_COLUMNS = 24
MAX_CELL_CHARS = 1500  # a cell of a crawled table is at most a long paragraph; beyond that it is page text
MAX_CELL_LINES = 30
PREFIX_ROWS = 12
STOP_COST = 3.0  # ending a table where `|` lines go on (not at text) is a worse fit than a few short rows
MAX_SHORT_RUN = 8  # more short rows in a row than this is not a table of this width any more
_PIPE_ONLY = re.compile(r"^\s*\|\s*$")
_RULE = re.compile(r"^\s*[-=_+*:]{3,}\s*$")  # a border or separator line, or a rule under a title
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")  # Markdown's row under the names
_GRID_RULE = re.compile(r"^\s*\+(?:[-=]{3,}\+)+\s*$")  # a grid table's border between rows
_STT_WORD = re.compile(r"^(STT|TT|Số\s*TT|Số\s+thứ\s+tự)\.?$", re.I)
_FILLER = re.compile(r"^[^\w]{1,80}$")  # dots, dashes, ellipses: a row that only fills space
_OPENS_WITH_NUMBER = re.compile(r"^(?:[IVX]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]?(?:\s|$)")
ANCHOR = re.compile(r"^(?:[IVX]+|\d{1,3}(?:\.\d{1,3})*|[a-zđ]|[A-H])[.)]?$")
# Words of column names, for the one layout that has nothing else to go on (short lines without borders).
_COLUMN_WORDS = re.compile(r"nhiệm vụ|nội dung|công việc|chủ trì|phối hợp|thực hiện|thời gian|thời hạn|tiến độ|"
                           r"hoàn thành|kết quả|sản phẩm|ghi chú|đơn vị|cơ quan|số lượng|mức|tên|chỉ tiêu|kinh phí",
                           re.I)


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
    parts = [clean_line(t).replace("\t", " ") for t in lines if not _RULE.match(t)]
    return " ".join(p.strip() for p in parts if p.strip())


def looks_like_header(cells: list[str]) -> bool:
    """Column names: at least two, all filled, short, with letters; not `Label:` pairs, not figures, and no
    date or document number (an issuer block `Số: 12/KH-UBND | Hà Nội, ngày …` is laid out as a table too)."""
    if len(cells) < 2 or not all(cells):
        return False
    if any(len(c) > 200 or not re.search(r"[^\W\d_]", c) or c.endswith(":") for c in cells):
        return False
    if sum(len(c) for c in cells) > 120 * len(cells) or ANCHOR.match(cells[0]) and not _STT_WORD.match(cells[0]):
        return False
    return not any(re.fullmatch(r"\d+(?:[.,]\d+)*", c) or find_dates(c) or find_numbers(c) for c in cells)


def _shape(text: str) -> str:
    return re.sub(r"\d+", "0", text.lower())


def header_is_data(header: list[str], rows: list[list[str]]) -> bool:
    """The first row is one of the data rows when the rows under it open the same way (`Mẫu số 01`, `Mẫu số
    02`…): a list without column names."""
    firsts = [r[0] for r in rows[:6] if r and r[0]]
    return sum(1 for c in firsts if _shape(c) == _shape(header[0])) >= 2


def find_tables(lines: list[Line]) -> list[RawTable]:
    """Every table in the document, in reading order; a line belongs to at most one table."""
    found: list[RawTable] = []
    used = [False] * len(lines)
    for reader in (_cell_per_line, _tabbed, _pipe_rows, _between_rules, _short_lines):
        for t in reader(lines, used):
            found.append(t)
            for i in range(t.start, t.end):
                used[i] = True
    return sorted(found, key=lambda t: t.start)


# --- one cell per line between `|` lines -------------------------------------------------------------------

def _cell_per_line(lines: list[Line], used: list[bool]) -> list[RawTable]:
    pipes = [i for i, ln in enumerate(lines) if _PIPE_ONLY.match(ln.text)]
    if len(pipes) < 6:
        return []
    segments = [lines[a + 1 : b] for a, b in zip(pipes, pipes[1:])]
    texts = [cell_text([ln.text for ln in seg]) for seg in segments]
    # Text that cannot be one cell: paragraphs with a blank line between them, or a page of text.
    prose = [len(t) > MAX_CELL_CHARS or len(seg) > MAX_CELL_LINES or _has_paragraph_break(seg)
             for t, seg in zip(texts, segments)]
    ruled = [any(_RULE.match(ln.text) for ln in seg) for seg in segments]
    out: list[RawTable] = []
    i = 0
    while i < len(texts):
        if not texts[i]:
            i += 1
            continue
        spans = _best_table_in_run(texts, prose, ruled, i)
        if spans is None:
            i += _run(texts, i)
            continue
        end = spans[-1][1]  # the segment after the last row's closing `|`: text, or the next table's opening
        rows = [texts[a:b] for a, b in spans]
        out.append(RawTable(pipes[spans[0][0]], pipes[end] + 1, rows, [lines[pipes[a]].page for a, _ in spans],
                            "cell-per-line", max(len(r) for r in rows)))
        i = end
    return out


def _best_table_in_run(texts: list[str], prose: list[bool], ruled: list[bool], i: int) -> list[tuple[int, int]] | None:
    """The column names are the last cells of a run of filled segments, and what comes before them in the run
    is text around the table (an appendix title after a signature block's closing `|`): try each start."""
    found: list[tuple[float, int, list[tuple[int, int]]]] = []
    for start in range(i, i + _run(texts, i) - 1):
        got = _pipe_table_at(texts, prose, ruled, start)
        if got is not None:
            found.append((got[0], start, got[1]))
    if not found:
        return None
    top = max(score for score, _, _ in found)
    # Equal fits: the header that opens with an STT column, else the shortest (text before it is not a name).
    tied = [f for f in found if f[0] >= top - 1e-6]
    return max(tied, key=lambda f: (bool(_STT_WORD.match(texts[f[1]])), f[1]))[2]


def _has_paragraph_break(seg: list[Line]) -> bool:
    filled = [i for i, ln in enumerate(seg) if ln.text.strip()]
    return bool(filled) and any(not seg[i].text.strip() for i in range(filled[0], filled[-1]))


def _run(texts: list[str], start: int) -> int:
    k = 0
    while start + k < len(texts) and texts[start + k]:
        k += 1
    return k


def is_numbering(cells: list[str]) -> bool:
    """A row that only numbers the columns: `1 2 3 …`, `(1) (2)`, `A B 1 2 3=1+2`."""
    return len(cells) >= 2 and all(re.fullmatch(r"\(?[A-Z0-9]{1,2}\)?(?:\s*=\s*[\d()+\-*/x.]+)?", c) for c in cells) \
        and sum(c.strip("()").isdigit() for c in cells) >= len(cells) / 2


def _pipe_table_at(texts: list[str], prose: list[bool], ruled: list[bool],
                   start: int) -> tuple[float, list[tuple[int, int]]] | None:
    """A table whose column-name row begins at segment `start`: its rows as segment ranges. The column count
    is the header's, or — when a second row of names sits under a spanning name, or a row numbers the
    columns — the count those imply, whichever parse fits the most full rows."""
    k = _run(texts, start)
    if any(prose[start : start + k]) or any(ruled[start : start + k]) or not looks_like_header(texts[start : start + k]):
        return None
    widths = {k}
    r = start + k + 1
    for depth in range(3):  # the rows right under the column names
        k2 = _run(texts, r)
        row = texts[r : r + k2]
        if is_numbering(row):
            widths.add(k2)
        elif depth == 0 and k2 >= 2 and all(0 < len(c) <= 120 and re.search(r"[^\W\d_]", c) for c in row):
            widths |= {k + k2 - spanned for spanned in range(1, min(k, k2))}
        r += k2 + 1
    # The column count whose parse fits the first rows best (the whole parse could be rewarded for swallowing
    # whatever follows the table), then the better overall fit.
    best: tuple[tuple[int, float], int, list[tuple[int, int]]] | None = None
    for n in sorted(w for w in widths if w <= MAX_COLUMNS):
        score, spans = _parse_rows(texts, prose, start, k, n)
        fit = (sum(1 for a, b in spans[1:PREFIX_ROWS] if b - a == n), score)
        if best is None or fit > best[0]:
            best = (fit, n, spans)
    if best is None:
        return None
    (_, score), n, spans = best
    data = [(a, b) for a, b in spans[1:] if sum(1 for t in texts[a:b] if t) >= 2]
    if len(data) < 2 or score < (1 if _STT_WORD.match(texts[start]) else 2 * n) or header_is_data(texts[start : start + k], [texts[a:b] for a, b in data]):
        return None
    return score, spans


def _row_gain(cells: list[str], n: int, numbered: bool) -> float:
    """How well a row of cells fits a table of `n` columns, counted per cell so that fits of different column
    counts compare: a full row counts each cell; a short row (a title spanning the row, a row under a cell
    spanning rows) counts half per filled cell. A row that opens with
    a number (STT, `1.2.`) gains a little — that is what tells the true rows from a parse shifted by one empty
    cell —, and under an `STT` column (`numbered`) a row with its number in the second cell is a shifted one."""
    filled = sum(1 for c in cells if c)
    gain = float(n) if len(cells) == n else 0.5 * filled
    if _OPENS_WITH_NUMBER.match(cells[0]):
        gain += 0.5
    elif numbered and not cells[0] and len(cells) > 1 and ANCHOR.match(cells[1]) and not is_numbering(cells[1:]):
        gain -= n
    return gain


def _parse_rows(texts: list[str], prose: list[bool], start: int, k: int, n: int) -> tuple[float, list[tuple[int, int]]]:
    """Best split of the segments from `start` into rows of at most `n` cells, each row followed by one empty
    segment (the `|` closing a row and the `|` opening the next), rows scored by `_row_gain`. The table ends
    after a row followed by text (a few words or a number followed by more `|` lines cost, as they are more
    likely a cell of a misread row); before a row holding `STT` (the next table's column names); after more
    than MAX_SHORT_RUN short rows in a row; or before any row, at a cost (the `|` lines left over become
    text). The first row is the column-name row of `k` cells."""
    m = len(texts)
    numbered = bool(_STT_WORD.match(texts[start]))
    Back = tuple[int, int, int] | None  # the row before: (its start, short rows before it, its size)
    best: dict[tuple[int, int], tuple[float, Back]] = {(start, 0): (0.0, None)}
    final: tuple[float, tuple[int, int, int]] | None = None  # score, last row
    reach = start

    def offer(state: tuple[int, int], score: float, back: Back) -> None:
        nonlocal reach
        if state not in best or score > best[state][0]:
            best[state] = (score, back)
            reach = max(reach, state[0])

    for r in range(start, m + 1):
        if r > reach:
            break
        for c in range(MAX_SHORT_RUN + 1):
            if (r, c) not in best:
                continue
            score, before = best[(r, c)]
            if before is not None and (final is None or score - STOP_COST > final[0]):
                final = (score - STOP_COST, before)  # the table ends before row r, leaving `|` lines as text
            repeat = texts[r : r + k] == texts[start : start + k]  # the column names again (a page break)
            for size in range(1, n + 1) if r > start else (k,):
                e = r + size
                if e > m or prose[e - 1] or r > start and not repeat and _STT_WORD.match(texts[e - 1]):
                    break  # text, or another table's column names
                short = r > start and size < n
                if short and c == MAX_SHORT_RUN:
                    continue
                total = score + (_row_gain(texts[r:e], n, numbered) if r > start else 0.0)
                here = (r, c, size)
                nc = c + 1 if short else 0
                if e == m or texts[e]:  # the closing `|` is followed by text (or by nothing): the table ends here
                    # …a few words or a number followed by more `|` lines are more likely a cell of a misread row
                    end = total - (0.0 if e == m or prose[e] or len(texts[e]) >= 40 else STOP_COST)
                    if final is None or end > final[0]:
                        final = (end, here)
                    if e + 1 < m and _FILLER.match(texts[e]):  # …unless it is a filler row (`……`) without borders
                        offer((e + 1, nc), total - 1.0, here)
                    continue
                offer((e + 1, nc), total, here)
    if final is None:
        return -1.0, []
    spans: list[tuple[int, int]] = []
    row: Back = final[1]
    while row is not None:
        spans.append((row[0], row[0] + row[2]))
        row = best[(row[0], row[1])][1]
    spans.reverse()
    return final[0], spans


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
    cuts = [i for i, r in enumerate(rows) if i and r and _STT_WORD.match(cell_text([r[0]]))
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
        return s.count("|") >= 2 and not _PIPE_ONLY.match(s) or bool(_GRID_RULE.match(s) or _MD_RULE.match(s))

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
    rules = [i for i, ln in enumerate(lines) if _RULE.match(ln.text) and not used[i]]
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
        if used[i] or not _STT_WORD.match(cell_text([lines[i].text])):
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
