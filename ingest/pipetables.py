"""Tables of crawled pages, flattened to one cell per line between lines holding only `|`: `|` c1 `|` c2 … `|`
cN `|` per row, so a row boundary and an empty cell both read as two `|` lines in a row. The rows are found by
the column count: the text between `|` lines (segments) is split into rows of at most that many cells, each
followed by one empty segment, the split that fits best winning (`_parse_rows`)."""

from __future__ import annotations

import re

from .tablecells import (
    ANCHOR,
    MAX_COLUMNS,
    PIPE_ONLY,
    RULE,
    STT_WORD,
    RawTable,
    cell_text,
    header_is_data,
    is_numbering,
    looks_like_header,
)
from .types import Line

MAX_CELL_CHARS = 1500  # a cell of a crawled table is at most a long paragraph; beyond that it is page text
MAX_CELL_LINES = 30
PREFIX_ROWS = 12
STOP_COST = 3.0  # ending a table where `|` lines go on (not at text) is a worse fit than a few short rows
MAX_SHORT_RUN = 8  # more short rows in a row than this is not a table of this width any more
_FILLER = re.compile(r"^[^\w]{1,80}$")  # dots, dashes, ellipses: a row that only fills space
_OPENS_WITH_NUMBER = re.compile(r"^(?:[IVX]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]?(?:\s|$)")


def read_cell_per_line(lines: list[Line], used: list[bool]) -> list[RawTable]:
    pipes = [i for i, ln in enumerate(lines) if PIPE_ONLY.match(ln.text)]
    if len(pipes) < 6:
        return []
    segments = [lines[a + 1 : b] for a, b in zip(pipes, pipes[1:])]
    texts = [cell_text([ln.text for ln in seg]) for seg in segments]
    # Text that cannot be one cell: paragraphs with a blank line between them, or a page of text.
    prose = [len(t) > MAX_CELL_CHARS or len(seg) > MAX_CELL_LINES or _has_paragraph_break(seg)
             for t, seg in zip(texts, segments)]
    ruled = [any(RULE.match(ln.text) for ln in seg) for seg in segments]
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
    return max(tied, key=lambda f: (bool(STT_WORD.match(texts[f[1]])), f[1]))[2]


def _has_paragraph_break(seg: list[Line]) -> bool:
    filled = [i for i, ln in enumerate(seg) if ln.text.strip()]
    return bool(filled) and any(not seg[i].text.strip() for i in range(filled[0], filled[-1]))


def _run(texts: list[str], start: int) -> int:
    k = 0
    while start + k < len(texts) and texts[start + k]:
        k += 1
    return k


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
    enough = 1 if STT_WORD.match(texts[start]) else 2 * n
    if len(data) < 2 or score < enough or header_is_data(texts[start : start + k], [texts[a:b] for a, b in data]):
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
    numbered = bool(STT_WORD.match(texts[start]))
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
                if e > m or prose[e - 1] or r > start and not repeat and STT_WORD.match(texts[e - 1]):
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
