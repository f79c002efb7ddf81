"""Tables as row records, whatever layout they were read from (`texttables.py`): the column names (two
header rows composed into one name per column, a row numbering the columns dropped), then one record per
row with its cells named by the columns and the part/group titles above it as context.

Task tables (STT | Nhiệm vụ | Tiến độ | Cơ quan chủ trì | Cơ quan phối hợp | Kết quả): a repeated header row
is dropped; in tab-separated text (PDF pages, text files made from them) a row with an empty STT continues the
row above cell by cell (a row cut by a page break), while in tables whose rows are drawn one by one (crawled
pages) it is a row of its own under the numbered row above; a row with only a title is a part/group heading that gives context to the rows below, and a
numbered row with values is a row and the context of the rows numbered under it (`5` over `5.1`, `5.2`).
Generic tables (rates, prices, lists of units) work the same way without STT: a row holding one cell is a
group title."""

from __future__ import annotations

import re

from .tablecells import ANCHOR, RawTable, is_numbering, looks_like_header
from .types import Block

_STT_HEADER = re.compile(r"^(STT|TT|Số\s*TT|Số\s+thứ\s+tự)\.?$", re.I)
_STT = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ]|[A-H])[.)]?$")
_BULLET = re.compile(r"^[-+•*–]$")
_ROMAN = re.compile(r"^[IVXLC]+$")
_PART_LETTER = re.compile(r"^[A-H]$")
_YEARS = re.compile(r"\b(?:19|20)\d\d\b")
DEEP = 20  # the depth of a row without a number of its own: under every title above it


def table_blocks(raw: RawTable) -> list[Block]:
    """A `table_head` block (the column names; `label` says whether rows are numbered), then the rows."""
    header, rows, pages, extra = compose(raw)
    if not rows:
        return []
    numbered = is_numbered(header, rows)
    head = Block("table_head", " | ".join(header), pages[0] if pages else None, label="numbered" if numbered else "",
                 cells={h: h for h in header}, context=extra)
    return [head, *build_rows(header, rows, pages, numbered, merge_continuations=raw.layout == "tab")]


def _aligned(rows: list[list[str]], width: int) -> list[list[str]]:
    """A short row placed under the columns it most resembles in the last full row (same kind of value —
    figure, text, empty —, shared words): `Đã thực thi | 0 | 1` under `1 | Bộ Công an | Tổng | 7 | 3` goes
    right (the number and name span its rows); `Tổng cộng | 100` stays left. A title row stays left."""
    out: list[list[str]] = []
    last: list[str] | None = None
    for r in rows:
        cells = [c for c in r]
        while cells and not cells[-1] and len(cells) > 1:
            cells.pop()
        if len(r) >= width or len(cells) < 2 or last is None or ANCHOR.match(cells[0]):
            out.append(r)
            if len(r) >= width:
                last = r
            continue
        ref = last
        offset = max(range(width - len(cells) + 1),
                     key=lambda o: (sum(_alike(c, ref[o + i]) for i, c in enumerate(cells)), -o))
        out.append([""] * offset + cells)
    return out


def _alike(a: str, b: str) -> float:
    def kind(t: str) -> str:
        return "" if not t else ("figure" if re.fullmatch(r"[-\d.,%/ ]+", t) else "text")

    if kind(a) != kind(b):
        return 0.0
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return 1.0 + (len(wa & wb) / len(wa | wb) if wa and wb else 0.0)


def compose(raw: RawTable) -> tuple[list[str], list[list[str]], list[int | None], list[str]]:
    """(column names, data rows padded to the column count, their pages, header text not in the names)."""
    rows, pages = raw.rows, raw.pages
    first = rows[0]
    if not (looks_like_header(first) or _STT_HEADER.match(first[0])):  # no column names: numbered ones
        width = max(len(r) for r in rows)
        if sum(1 for r in rows if r and ANCHOR.match(r[0])) >= 0.6 * len(rows):
            names = ["STT"] + [f"Cột {i}" for i in range(1, width)]
        else:
            names = [f"Cột {i}" for i in range(1, width + 1)]
        return names, [_fit(r, width) for r in rows], list(pages), []
    data = rows[1:]
    width = raw.width or max(len(first), _modal(len(r) for r in data if len(r) > 1) or len(first))
    names = list(first)
    extra: list[str] = []
    i = 1
    second = rows[1] if len(rows) > 2 else []
    while second and not second[-1]:
        second = second[:-1]
    if second and _is_subheader(second, len(first), width):
        names = _spanned(first, second, width, rows[2:])
        i = 2
    while i < len(rows) and is_numbering([c for c in rows[i] if c]):
        extra.append(" ".join(c for c in rows[i] if c))
        i += 1
    names = _unique([n or f"Cột {k + 1}" for k, n in enumerate(_fit(names, width))])
    body = rows[i:]
    if raw.layout != "tab":  # rows as the producer drew them: a short one sits under cells spanning rows
        body = _aligned(body, width)
    return names, [_fit(r, width) for r in body], list(pages[i:]), extra


def _modal(lengths: object) -> int:
    counts: dict[int, int] = {}
    for n in lengths:  # type: ignore[attr-defined]
        counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda n: (counts[n], n)) if counts else 0


def _fit(cells: list[str], width: int) -> list[str]:
    """Cells padded to the width; cells beyond it joined into the last one (their text is kept)."""
    cells = [c.strip() for c in cells]
    if len(cells) > width:
        cells = cells[: width - 1] + [" ".join(c for c in cells[width - 1 :] if c)]
    return cells + [""] * (width - len(cells))


def _is_subheader(row: list[str], k: int, width: int) -> bool:
    """Names under names: fewer cells than columns, all filled with short labels, and as many as the columns a
    first-row name would have to span."""
    return 2 <= len(row) < width and width > k and all(0 < len(c) <= 120 and not c.isdigit() for c in row) \
        and k + len(row) - width >= 1


def _spanned(top: list[str], sub: list[str], width: int, body: list[list[str]]) -> list[str]:
    """One name per column from two header rows: `spanned` consecutive names of the top row stand over the
    second row's names (`Năm hiện hành 2025 – Kế hoạch`), the others span both rows. Which names span, and
    how many sub-names each, cannot be read from flattened text; the choice that fits best: a sub-name's year
    inside its top name's years or period (`Giai đoạn 2026 - 2030` over `Năm 2026`), never outside them;
    shares as even as possible; the spanning names starting at the first column of figures."""
    spanned = len(top) + len(sub) - width
    data = [r for r in body if not is_numbering([c for c in r if c])]
    figures = _first_figure_column(data, width)
    best: tuple[float, int, tuple[int, ...]] | None = None
    for start in range(0, len(top) - spanned + 1):
        for shares in _compositions(len(sub), spanned):
            score = -0.1 * (max(shares) - min(shares)) + (0.5 if start == figures else 0.0)
            k = 0
            for name, share in zip(top[start : start + spanned], shares):
                score += sum(_year_fit(name, s) for s in sub[k : k + share])
                k += share
            if best is None or score > best[0]:
                best = (score, start, shares)
    if best is None:
        return top + sub  # cannot tell: every name kept, in order
    _, start, shares = best
    names: list[str] = list(top[:start])
    k = 0
    for name, share in zip(top[start : start + spanned], shares):
        names += [f"{name} – {s}" for s in sub[k : k + share]]
        k += share
    return names + top[start + spanned :]


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    """Ways to cut `total` consecutive names into `parts` non-empty groups (small numbers only)."""
    if parts == 1:
        return [(total,)] if total >= 1 else []
    if parts > total or total > 24:
        return []
    return [(first, *rest) for first in range(1, total - parts + 2) for rest in _compositions(total - first, parts - 1)]


def _year_fit(top: str, sub: str) -> float:
    """+1 when the sub-name's year lies within the top name's years or period, -1 when outside, else 0."""
    years = [int(y) for y in _YEARS.findall(sub)]
    bounds = [int(y) for y in _YEARS.findall(top)]
    if not years or not bounds:
        return 0.0
    return 1.0 if all(min(bounds) <= y <= max(bounds) for y in years) else -1.0


def _first_figure_column(body: list[list[str]], width: int) -> int | None:
    """The first column (after the one numbering or naming the rows) of figures, else of values with digits."""
    for pattern in (r"[-\d.,% ]+", r".*\d.*"):
        for col in range(1, width):
            values = [r[col] for r in body[:20] if col < len(r) and r[col]]
            if values and sum(1 for v in values if re.fullmatch(pattern, v)) >= 0.7 * len(values):
                return col
    return None


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def is_numbered(header: list[str], rows: list[list[str]]) -> bool:
    """The first column numbers the rows (STT): so named, or most rows open with a number."""
    if _STT_HEADER.match(header[0]):
        return True
    firsts = [r[0] for r in rows if r and r[0]]
    return len(firsts) >= 3 and sum(1 for c in firsts if _STT.match(c)) >= 0.8 * len(firsts)


def _split_first(cells: list[str]) -> list[str]:
    """`I CÔNG TÁC CHỈ ĐẠO` or `I. NÂNG CAO…` in the first cell: the STT and the title share a cell."""
    m = re.match(r"^([IVXLC]+|\d+(?:\.\d+)*|[A-H])[.)]?\s+(\S.*)$", cells[0])
    if m and len(cells) > 1 and not cells[1]:
        return [m.group(1), m.group(2)] + cells[2:]
    return cells


def _has_text(cell: str) -> bool:
    return bool(re.search(r"\w", cell))  # `-` or `…` in a cell says it is empty


def _depth(stt: str) -> int:
    label = stt.rstrip(".)").lstrip("(")
    if _PART_LETTER.match(label):  # "C" after "A", "B" is the third part, not a hundredth Roman one
        return -1
    if _ROMAN.match(label):
        return 0
    if re.fullmatch(r"\d+(?:\.\d+)*", label):
        return label.count(".") + 1
    if re.fullmatch(r"[a-zđ]", label):
        return 10
    return DEEP


def build_rows(header: list[str], rows: list[list[str]], pages: list[int | None], numbered: bool = True,
               merge_continuations: bool = True) -> list[Block]:
    """Row records (`table_row`) and part/group titles (`table_group`, kept as the context of the rows under
    them; a title no row sits under becomes a row itself, so its text is not lost)."""
    out: list[Block] = []
    context: dict[int, tuple[str, int]] = {}  # depth → ("STT. title", index in out)
    used: set[int] = set()
    width = len(header)
    for cells, page in zip(rows, pages):
        cells = _fit(cells, width)
        if not any(re.search(r"\w", c) for c in cells):
            continue  # an empty or filler row
        if [c.lower() for c in cells] == [h.lower() for h in header]:
            continue  # the header repeated after a page break
        if not numbered:
            filled = [c for c in cells if _has_text(c)]
            if len(filled) == 1 and len(cells) > 1:  # a title spanning the row
                context = {0: (filled[0], len(out))}
                out.append(Block("table_group", filled[0], page, cells=dict(zip(header, cells))))
                continue
            ctx = [t for _, (t, _) in sorted(context.items())]
            used.update(i for _, i in context.values())
            out.append(Block("table_row", next(iter(filled), ""), page, cells=dict(zip(header, cells)), context=ctx))
            continue
        cells = _split_first(cells)
        stt = cells[0]
        if not stt and out and merge_continuations:  # the rest of a row (or title) cut by a page break
            prev = out[-1]
            for name, value in zip(header[1:], cells[1:]):
                if value:
                    prev.cells[name] = f"{prev.cells.get(name, '')} {value}".strip()
            prev.text = prev.cells.get(header[1], prev.text) if width > 1 else prev.text
            for d, (_, i) in list(context.items()):
                if i == len(out) - 1:  # the title it gives the rows below grows too
                    context[d] = (f"{prev.label.rstrip('.')}. {prev.text}", i)
            continue
        if stt and not (_STT.match(stt) or _BULLET.match(stt)) and merge_continuations:
            cells = ["", *cells[: width - 1]] if not cells[-1] else ["", cells[0] + " " + cells[1], *cells[2:]]
            stt = ""  # a stray line inside a table read from a page: its text goes to the main column
        depth = _depth(stt) if stt else DEEP
        ctx_items = sorted((d, v) for d, v in context.items() if d < depth)
        ctx = [t for _, (t, _) in ctx_items]
        title = cells[1] if width > 1 else cells[0]
        label = stt if _STT.match(stt) else ""  # as written (`9.`): the number's own text stays in the passage
        if stt and title and not any(_has_text(c) for c in cells[2:]) and depth < DEEP:  # a part or group title
            context = {d: v for d, v in context.items() if d < depth}
            context[depth] = (f"{label.rstrip('.')}. {title}", len(out))
            out.append(Block("table_group", title, page, level=depth, label=label,
                             cells=dict(zip(header, cells)), context=ctx))
            continue
        used.update(i for _, (_, i) in ctx_items)
        out.append(Block("table_row", title, page, level=depth, label=label, cells=dict(zip(header, cells)),
                         context=ctx))
        if label and depth < DEEP:  # a numbered row is also the context of the rows numbered under it
            context = {d: v for d, v in context.items() if d < depth}
            context[depth] = (f"{label.rstrip('.')}. {title}", len(out) - 1)
    for i, b in enumerate(out):
        if b.kind == "table_group" and i not in used:
            b.kind = "table_row"  # a title with no rows under it: a row of its own
    return out


def full_stt(row: Block) -> str:
    """Hierarchical number including the part: `III.2.2.1`; a row without a number of its own (a `-` item)
    takes the number of the row or title it sits under."""
    numbers = [c.split(". ", 1)[0] for c in row.context]
    label = row.label or (numbers.pop() if numbers else "")
    bare = label.rstrip(".)")
    if not label:
        return ""
    part = next((n for n in numbers if _ROMAN.match(n) or _PART_LETTER.match(n)), "")
    if _ROMAN.match(bare) or _PART_LETTER.match(bare) or not part:
        return label
    return f"{part}.{label}"
