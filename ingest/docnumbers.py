"""Vietnamese document numbers (số hiệu) and dates: find them in text, normalise them, make match keys.

`29 /2023/QĐ-UBND`, `Số: 1887/UBND-NC`, `135-NQ/TU`, `1404/CĐ-TTg` are found in text; a key folds case,
spaces and `Đ`/`D` so that `qd 2233`, `QĐ-UBND 2233` and `2233/QD-UBND` can meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.doctypes import TYPE_CODES, name_of_code

_CODE = r"[A-ZĐ][A-Za-zĐđ&]*(?:\s?-\s?[A-ZĐ][A-Za-zĐđ&0-9]*)*"
# 1887/UBND-NC, 29 /2023/QĐ-UBND, 14679/BGTVT-KHCN&MT
_STATE = re.compile(rf"(?<![\w/])(\d{{1,6}})\s?/\s?(?:((?:19|20)\d\d)\s?/\s?)?({_CODE})(?![\w])")
# 135-NQ/TU, 98-CTr/TU
_PARTY = re.compile(r"(?<![\w/])(\d{1,5})-(NQ|CT|CTr|CTR|KL|QĐ|QD|TB|HD|BC|KH|QC|QyĐ)/([A-ZĐ][A-Za-zĐđ]*)(?![\w])")


def fold_code(s: str) -> str:
    return s.replace("Đ", "D").replace("đ", "d").upper()


@dataclass(frozen=True)
class DocNumber:
    """A parsed số hiệu. `text` is as written without stray spaces; `key` is for matching."""

    num: str
    year: str
    code: str  # ký hiệu, e.g. "QĐ-UBND", "UBND-NC", "NQ/TU" (party)
    party: bool = False

    @property
    def text(self) -> str:
        if self.party:
            t, issuer = self.code.split("/", 1)
            return f"{self.num}-{t}/{issuer}"
        return f"{self.num}/{self.year + '/' if self.year else ''}{self.code}"

    @property
    def key(self) -> str:
        return fold_code(self.text).replace(" ", "").lstrip("0")

    @property
    def type_code(self) -> str:
        """Folded type letters ("QD", "KH"); empty for a công văn (no type letters)."""
        first = fold_code(self.code.split("/")[0].split("-")[0])
        return first if first in TYPE_CODES else ""

    @property
    def doc_type(self) -> str:
        return name_of_code(self.type_code)

    @property
    def issuer_code(self) -> str:
        if self.party:
            return self.code.split("/", 1)[1]
        parts = self.code.split("-")
        return parts[1] if self.type_code and len(parts) > 1 else parts[0]


def _clean_code(code: str) -> str:
    return re.sub(r"\s*-\s*", "-", code.strip())


def find_numbers(text: str) -> list[tuple[DocNumber, int, int]]:
    """All document numbers in text with their spans, in order."""
    out: list[tuple[DocNumber, int, int]] = []
    for m in _STATE.finditer(text):
        code = _clean_code(m.group(3))
        if len(code) < 2 or code.isdigit():
            continue
        out.append((DocNumber(m.group(1), m.group(2) or "", code), m.start(), m.end()))
    for m in _PARTY.finditer(text):
        out.append((DocNumber(m.group(1), "", f"{m.group(2)}/{m.group(3)}", party=True), m.start(), m.end()))
    out.sort(key=lambda t: t[1])
    return out


# What people type: `512/ubnd-kt`, `2233/qd-ubnd`, `135-nq/tu` — lowercase, so only with the hyphen that
# makes it a số hiệu (a bare `12/km` is not one).
_TYPED = re.compile(r"(?<![\w/])\d{1,6}\s?/\s?(?:(?:19|20)\d\d\s?/\s?)?[a-zđ]{1,8}\s?-\s?[a-zđ&]{1,10}(?:-[a-zđ&0-9]+)*(?![\w])"
                    r"|(?<![\w/])\d{1,5}-[a-zđ]{2,3}/[a-zđ]{2,6}(?![\w])", re.I)


def find_typed_numbers(text: str) -> list[tuple[DocNumber, int, int]]:
    """Numbers in a query: as in text, plus lowercase forms, which are read as if typed in capitals."""
    found = find_numbers(text)
    spans = [(s, e) for _, s, e in found]
    for m in _TYPED.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        for n, s, e in find_numbers(m.group(0).upper()):
            found.append((n, m.start() + s, m.start() + e))
    found.sort(key=lambda t: t[1])
    return found


def parse_number(text: str) -> DocNumber | None:
    found = find_typed_numbers(text.strip())
    return found[0][0] if found else None


def number_key(text: str) -> str:
    """Match key of a number typed by a person; falls back to a folded, space-free form."""
    n = parse_number(text)
    return n.key if n else fold_code(re.sub(r"\s+", "", text)).lstrip("0")


_DATE_NUM = re.compile(r"(?<!\d)(\d{1,2})\s?/\s?(\d{1,2})\s?/\s?((?:19|20)\d\d)(?!\d)")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})?\s*tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)", re.I)


def iso_date(d: str | int | None, m: str | int, y: str | int) -> str:
    mi = int(m)
    if not 1 <= mi <= 12:
        return ""
    if d in (None, ""):
        return f"{int(y):04d}-{mi:02d}"
    di = int(d)
    if not 1 <= di <= 31:
        return ""
    return f"{int(y):04d}-{mi:02d}-{di:02d}"


def find_dates(text: str) -> list[tuple[str, int, int]]:
    """ISO dates (possibly partial) with spans: `28/12/2023`, `ngày 03 /6/2024`, `ngày 28 tháng 11 năm 2025`."""
    out = [(iso_date(m.group(1), m.group(2), m.group(3)), m.start(), m.end()) for m in _DATE_NUM.finditer(text)]
    out += [(iso_date(m.group(1), m.group(2), m.group(3)), m.start(), m.end()) for m in _DATE_WORDS.finditer(text)]
    return sorted((t for t in out if t[0]), key=lambda t: t[1])


def date_int(iso: str) -> int:
    """20231228 for 2023-12-28; 20240200 for a month-only date; 0 when unknown."""
    if not iso:
        return 0
    parts = [int(p) for p in iso.split("-")]
    while len(parts) < 3:
        parts.append(0)
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


def numbers_with_dates(text: str) -> list[tuple[DocNumber, str]]:
    """Numbers followed closely by their issue date (`1887/UBND-NC, ngày 28/12/2023`)."""
    dates = find_dates(text)
    out = []
    for num, _s, e in find_numbers(text):
        date = next((d for d, ds, _ in dates if 0 <= ds - e <= 14 and re.match(r"^[\s,;]*(ngày)?\s*$",
                     text[e:ds], re.I)), "")
        out.append((num, date))
    return out
