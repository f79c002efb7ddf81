"""Task tables inside PDFs: plain text extraction runs a row's cells together (`7 Thực hiện … Theo tiến độ …
Các sở, ban, ngành …`). From the glyphs' positions the columns are recovered: the header row names them
(STT, Nhiệm vụ, Tiến độ, chủ trì, phối hợp, Kết quả), each text run belongs to the column it starts in, the
lines of a cell are grouped by their spacing, and each cell joins the row whose STT it sits beside. The
header repeated on every page is read once; cells above a page's first STT continue the row before."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_HEADER_WORDS = re.compile(r"^\s*(STT|TT|Nhiệm vụ|Nội dung|Tiến độ|Thời gian|Thời hạn|Cơ quan chủ trì|Chủ trì|"
                           r"Cơ quan phối hợp|Phối hợp|Kết quả|Sản phẩm|Đơn vị)", re.I)
_STT = re.compile(r"^\s*([IVXLC]+|\d+(\.\d+)*|[a-zđ]\)|[A-Z])\.?\s*$")


@dataclass
class Run:
    x: float
    y: float
    text: str


@dataclass
class TableState:
    header: list[str] = field(default_factory=list)
    columns: list[float] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _header(runs: list[Run]) -> tuple[float, list[Run]] | None:
    bands: dict[int, list[Run]] = {}
    for r in runs:
        if _HEADER_WORDS.match(r.text):
            bands.setdefault(round(r.y / 3), []).append(r)
    best = max(bands.values(), key=len, default=[])
    if len(best) < 4:
        return None
    y = max(r.y for r in best)
    cells = sorted((r for r in runs if abs(r.y - y) < 2.5), key=lambda r: r.x)
    return y, cells


class Borders:
    """The y of a page's horizontal borders, collected while pypdf walks the content stream: the top and bottom
    of cell rectangles (`re`: fpdf, Word) and horizontal strokes (`m` … `l`: LibreOffice draws every border as
    a line of its own). Points are mapped through the current matrix, as the glyphs' positions are."""

    def __init__(self) -> None:
        self.ys: list[float] = []
        self._start: tuple[float, float] | None = None

    def __call__(self, op: bytes, args: Any, cm: Any, tm: Any) -> None:
        try:
            if op == b"re" and len(args) == 4:
                x, y, w, h = (float(a) for a in args)
                if abs(w) > 8:
                    self.ys.extend([self._y(x, y, cm), self._y(x, y + h, cm)])
            elif op == b"m" and len(args) == 2:
                self._start = (float(args[0]), float(args[1]))
            elif op == b"l" and len(args) == 2 and self._start is not None:
                (x0, y0), (x1, y1) = self._start, (float(args[0]), float(args[1]))
                if abs(y1 - y0) < 0.5 and abs(x1 - x0) > 8:
                    self.ys.append(self._y(x0, y0, cm))
                self._start = (x1, y1)
        except (TypeError, ValueError, IndexError):
            pass

    @staticmethod
    def _y(x: float, y: float, cm: Any) -> float:
        return float(x * cm[1] + y * cm[3] + cm[5])


CellReader = Callable[[float, float, float, float], str]  # (x0, top, x1, bottom) in points → text


def page_table(runs: list[Run], state: TableState, rules: list[float] | None = None,
               read_cell: CellReader | None = None) -> list[str] | None:
    """Lines for a page that holds (a piece of) a task table, or None when the page has none. `rules`: the y
    of the table's horizontal borders (cell rectangles, ruled lines) when the page draws them — then a row is
    the band between two borders, whatever the vertical alignment of its cells."""
    head = _header(runs)
    if head is None and not state.columns:
        return None
    out: list[str] = []
    if head is not None:
        y_head, cells = head
        band = _band_around(y_head, rules or [])
        if band is not None:  # a bordered header row: the names wrapped inside it are read whole
            top, bottom = band
            in_header = [r for r in runs if bottom - 0.5 <= r.y <= top + 0.5]
            below_header = [r for r in runs if r.y < bottom - 0.5]
            above = [r for r in runs if r.y > top + 0.5]
        else:
            in_header = []
            below_header = [r for r in runs if r.y < y_head - 2.5 and not (abs(r.y - y_head) < 12 and
                                                                             _HEADER_WORDS.match(r.text))]
            above = [r for r in runs if r.y > y_head + 2.5]
        out += _plain_lines(above)
        if not state.columns:
            state.columns = [c.x for c in cells]
            state.header = [c.text.strip() for c in cells]
            if in_header:
                state.header = _cells_by_column(in_header, state.columns)
            out.append("\t".join(state.header))
        body = below_header
    else:
        body = runs
        if len(rules or []) < 3:  # no borders and no header: the table has ended, this is text again
            return None
    cols = state.columns

    def col_of(x: float) -> int:
        return max((i for i, cx in enumerate(cols) if x >= cx - 3), default=0)

    ys = sorted({round(y, 1) for y in (rules or [])}, reverse=True)
    if len(ys) >= 3:
        return out + _banded(body, ys, cols, col_of, state, read_cell)
    anchors = sorted((r for r in body if col_of(r.x) == 0 and _STT.match(r.text)), key=lambda r: -r.y)
    blocks: dict[int, list[list[Run]]] = {}
    for i in range(len(cols)):
        col_runs = sorted((r for r in body if col_of(r.x) == i and not (i == 0 and r in anchors)), key=lambda r: -r.y)
        groups: list[list[Run]] = []
        for r in col_runs:
            if groups and groups[-1][-1].y - r.y < 16:  # the next line of the same cell
                groups[-1].append(r)
            else:
                groups.append([r])
        blocks[i] = groups
    page_rows: list[list[str]] = [["" for _ in cols] for _ in anchors]
    carry = ["" for _ in cols]
    for i, groups in blocks.items():
        for g in groups:
            top, bottom = g[0].y, g[-1].y
            text = " ".join(re.sub(r"\s+", " ", r.text).strip() for r in g).strip()
            if not anchors or top > anchors[0].y + 16 and not any(bottom - 16 <= a.y <= top + 16 for a in anchors[:1]):
                carry[i] = (carry[i] + " " + text).strip()  # above the page's first row: continues the last one
                continue
            k = min(range(len(anchors)), key=lambda j: 0 if bottom - 8 <= anchors[j].y <= top + 8 else
                    min(abs(anchors[j].y - top), abs(anchors[j].y - bottom)))
            page_rows[k][i] = (page_rows[k][i] + " " + text).strip()
    if any(carry):
        if state.rows:
            state.rows[-1] = [(a + " " + b).strip() for a, b in zip(state.rows[-1], carry)]
            out.append("\t".join([""] + carry[1:]))  # a continuation row (empty STT), as tables.py expects
    for a, row in zip(anchors, page_rows):
        row[0] = a.text.strip()
        state.rows.append(row)
        out.append("\t".join(row))
    return out


def _banded(body: list[Run], ys: list[float], cols: list[float], col_of: object, state: TableState,
            read_cell: CellReader | None = None) -> list[str]:
    """Rows as the bands between horizontal borders; the first band of a page without an STT continues the
    row before (a row cut by the page break). A scanned row whose STT the page's OCR dropped has it read
    again from its cell."""
    out: list[str] = []
    bands: list[tuple[float, float, list[list[Run]]]] = []
    for top, bottom in zip(ys, ys[1:]):
        cells: list[list[Run]] = [[] for _ in cols]
        for r in body:
            if bottom - 0.5 <= r.y <= top + 0.5:
                cells[col_of(r.x)].append(r)  # type: ignore[operator]
        if any(cells):
            bands.append((top, bottom, cells))
    for n, (top, bottom, cells) in enumerate(bands):
        texts = [" ".join(re.sub(r"\s+", " ", r.text).strip() for r in _reading_order(c)).strip() for c in cells]
        if not texts[0] and read_cell is not None and len(cols) > 1:
            number = read_cell(cols[0] - 1.5, top - 1.5, cols[1] - 4.5, bottom + 1.5).strip(" .")
            if _STT.match(number):
                texts[0] = number
        if not texts[0] and n == 0 and state.rows:
            state.rows[-1] = [(a + " " + b).strip() for a, b in zip(state.rows[-1], texts)]
            out.append("\t".join(texts))  # a continuation row (empty STT), as tables.py expects
            continue
        state.rows.append(texts)
        out.append("\t".join(texts))
    return out


def _band_around(y: float, rules: list[float]) -> tuple[float, float] | None:
    """The two horizontal borders enclosing `y` (top, bottom), if the page draws them."""
    ys = sorted({round(v, 1) for v in rules}, reverse=True)
    return next(((top, bottom) for top, bottom in zip(ys, ys[1:]) if bottom - 0.5 <= y <= top + 0.5), None)


def _cells_by_column(runs: list[Run], cols: list[float]) -> list[str]:
    """The text of each column among `runs` (a cell's lines in reading order, joined)."""
    cells: list[list[Run]] = [[] for _ in cols]
    for r in runs:
        cells[max((i for i, cx in enumerate(cols) if r.x >= cx - 3), default=0)].append(r)
    return [" ".join(re.sub(r"\s+", " ", r.text).strip() for r in _reading_order(c)).strip() for c in cells]


def _reading_order(runs: list[Run]) -> list[Run]:
    """Top to bottom, and left to right within a line (runs of one line may sit a fraction of a point apart,
    as OCR'd words do)."""
    lines: list[list[Run]] = []
    for r in sorted(runs, key=lambda r: -r.y):
        if lines and abs(lines[-1][0].y - r.y) < 2.0:
            lines[-1].append(r)
        else:
            lines.append([r])
    return [r for line in lines for r in sorted(line, key=lambda r: r.x)]


def _plain_lines(runs: list[Run]) -> list[str]:
    lines: dict[int, list[Run]] = {}
    for r in runs:
        lines.setdefault(round(r.y / 3), []).append(r)
    return [" ".join(x.text.strip() for x in sorted(rs, key=lambda r: r.x)).strip()
            for _, rs in sorted(lines.items(), key=lambda kv: -kv[0])]
