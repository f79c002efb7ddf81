"""Task tables (STT | Nhiệm vụ | Tiến độ | Cơ quan chủ trì | Cơ quan phối hợp | Kết quả): one record per row,
rebuilt across page breaks. A repeated header row is dropped; a row with an empty STT continues the row
above cell by cell; a row with only a title is a part/group heading that gives context to the rows below."""

from __future__ import annotations

import re

from .types import Block

_STT = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\.?$")
_ROMAN = re.compile(r"^[IVXLC]+$")


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip().upper() in ("STT", "TT", "SỐ TT")


def _split_first(cells: list[str]) -> list[str]:
    """`I CÔNG TÁC CHỈ ĐẠO` in the first cell: the STT and the title share a cell."""
    first = cells[0].strip()
    m = re.match(r"^([IVXLC]+|\d+(?:\.\d+)*)\.?\s+(\S.*)$", first)
    if m and not any(c.strip() for c in cells[1:2]):
        return [m.group(1), m.group(2)] + cells[2:]
    return cells


def build_rows(blocks: list[Block], columns: list[str] | None = None) -> list[Block]:
    """Turn consecutive `table_row` blocks into row records with named cells and part/group context."""
    header: list[str] = list(columns or [])
    rows: list[Block] = []
    context: dict[int, str] = {}
    for b in blocks:
        cells = [c.strip() for c in b.text.split("\t")]
        if _is_header(cells):
            if not header:
                header = cells
            continue
        if not header:
            header = ["STT"] + [f"Cột {i}" for i in range(1, len(cells))]
        cells = _split_first(cells)
        cells += [""] * (len(header) - len(cells))
        stt = cells[0]
        rest = [c for c in cells[1:] if c]
        if not stt and rows:  # continuation of the row cut by a page break
            prev = rows[-1]
            for name, value in zip(header[1:], cells[1:]):
                if value:
                    prev.cells[name] = f"{prev.cells.get(name, '')} {value}".strip()
            continue
        if stt and not _STT.match(stt):  # a stray line inside the table: keep its text in the first cell
            cells = ["", *cells[: len(header) - 1]]
            stt = ""
        filled = [c for c in cells[2:] if c]
        if stt and len(rest) >= 1 and not filled:  # part or group title row
            depth = 0 if _ROMAN.match(stt) else stt.count(".") + 1
            context = {d: t for d, t in context.items() if d < depth}
            context[depth] = f"{stt}. {cells[1]}"
            rows.append(Block("table_group", cells[1], b.page, level=depth, label=stt,
                              cells=dict(zip(header, cells)), context=[context[d] for d in sorted(context)]))
            continue
        depth = 0 if _ROMAN.match(stt) else stt.count(".") + 1
        ctx = [context[d] for d in sorted(context) if d < depth]
        rows.append(Block("table_row", cells[1], b.page, label=stt, cells=dict(zip(header, cells)), context=ctx))
    return rows


def full_stt(row: Block) -> str:
    """Hierarchical number including the part: `III.2.2.1`."""
    part = next((c.split(".")[0] for c in row.context if _ROMAN.match(c.split(".")[0])), "")
    return f"{part}.{row.label}" if part and not _ROMAN.match(row.label) else row.label
