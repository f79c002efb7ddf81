"""Name a source the way an official cites it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from domain.agencies import ISSUERS
from ingest.docnumbers import parse_number


def _vn_date(iso: str) -> str:
    parts = (iso or "").split("-")
    if len(parts) == 3:
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    if len(parts) == 2:
        return f"tháng {parts[1]}/{parts[0]}"
    return iso or ""


def issuer_of(number: str) -> str:
    n = parse_number(number) if number else None
    if n is None:
        return ""
    code = n.issuer_code.replace("Đ", "D").upper()
    return ISSUERS.get(code, "")


def short_source(md: Mapping[str, Any]) -> str:
    """`Công văn số 1887/UBND-NC ngày 28/12/2023 của UBND tỉnh`, `Báo cáo … tháng 02/2024`,
    `Phụ lục Kế hoạch 126/KH-UBND`."""
    if md.get("directive_number"):
        date = f" ngày {_vn_date(md['directive_date'])}" if md.get("directive_date") else ""
        issuer = issuer_of(md["directive_number"])
        return f"{md.get('directive_type') or 'Văn bản'} số {md['directive_number']}{date}" + (
            f" của {issuer}" if issuer else "")
    doc_type = md.get("doc_type") or "Văn bản"
    if md.get("doc_number"):
        date = f" ngày {_vn_date(md['doc_date'])}" if len(md.get("doc_date") or "") == 10 else ""
        return f"{doc_type} số {md['doc_number']}{date}"
    title = (md.get("title") or "").strip()
    if md.get("period") and doc_type in ("Báo cáo", "Bản tin"):
        return f"{doc_type} {md['period']}"
    if doc_type == "Phụ lục":
        return f"Phụ lục {_attached(md)}".strip()
    if len(title) > 70:
        title = title[:70].rsplit(" ", 1)[0] + "…"
    return f"{doc_type} {title}".strip()


def _attached(md: Mapping[str, Any]) -> str:
    """`Kế hoạch 126/KH-UBND` for an appendix attached to that plan."""
    att = md.get("attached_to") or ""
    num = parse_number(att) if att else None
    return f"{num.doc_type} {num.text}" if num else att


def section_ref(section: str) -> str:
    """`I > 1 > 1.2` → `I.1.2`: a child numbered from its parent (1.2 under 1) stands for both; in a legal
    text `Điều 14 > 3 > a` → `Điều 14 khoản 3 điểm a`."""
    parts = [p.strip() for p in (section or "").split(">") if p.strip()]
    if parts and parts[0].startswith("Điều"):
        names = ("khoản", "điểm")
        return " ".join([parts[0], *(f"{names[min(i, 1)]} {p.rstrip(').')}" for i, p in enumerate(parts[1:3]))])
    out: list[str] = []
    for p in parts:
        if out and p.startswith(out[-1].rstrip(".") + "."):
            out[-1] = p
        else:
            out.append(p)
    return ".".join(x.rstrip(".") for x in out)


# columns naming the work a row assigns ("Nhiệm vụ cụ thể", "Nội dung công việc")
_TASK_COLUMN = re.compile(r"nhiệm vụ|công việc|nội dung", re.I)


def row_noun(md: Mapping[str, Any], english: bool = False) -> str:
    """What a table row is called in a citation: a task when someone leads it, or when it has a deadline in a
    table whose columns name tasks; a row of statistics, of a list, of procedures and their processing times is a
    row."""
    if md.get("row_lead") or md.get("row_deadline") and any(_TASK_COLUMN.search(c) for c in md.get("columns") or []):
        return "task" if english else "nhiệm vụ"
    return "row" if english else "dòng"


def citation_label(md: Mapping[str, Any], kind: str) -> str:
    label = short_source(md)
    section = md.get("section") or ""
    parts = [label]
    if kind == "table_row" and md.get("stt"):
        parts.append(f"{row_noun(md)} {md['stt']}")
    elif section and kind not in ("directive_item", "closing"):  # a signature block closes the document, not its last section
        ref = section_ref(section)
        if ref.startswith("Điều"):  # "Điều 32 khoản 2 Luật Điện ảnh": the article leads the law's name
            parts[0] = f"{ref} {label}"
        else:
            parts.append("mục " + ref)
    if kind == "footnote" and md.get("footnote_no"):
        parts.append(f"chú thích {md['footnote_no']}")
    if md.get("page"):
        parts.append(f"trang {md['page']}")
    return ", ".join(parts)
