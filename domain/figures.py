"""The shapes of what answers are made of: figures (with their units), percentages, amounts of money,
dates, document numbers, agencies acting in a role. A span "offers" an intent of `domain.questions` when it
holds the matching shape. Every figure shape is a whole token: spans are never cut inside one."""

from __future__ import annotations

import re
from functools import lru_cache

from .agencies import AGENCY
from .words import CLASSIFIERS_FOLDED, fold

# A document number (số hiệu) as written: 1887/UBND-NC, 29/2023/QĐ-UBND, 135-NQ/TU.
# spaces around the slashes and hyphens ("1887/UBND - NC"), never a tab or line break: a table cell ends there
DOCNUM = re.compile(r"(?<![\w/])\d{1,6} ?/ ?(?:(?:19|20)\d\d ?/ ?)?[A-ZĐ][\wĐđ&]*(?: ?- ?[A-ZĐ][\wĐđ&]*)*"
                    r"|(?<![\w/])\d{1,5}-[A-ZĐ][A-Za-zĐđ]*/[A-ZĐ][A-Za-zĐđ]*")
# Dates: 28/12/2023, 28/12, 12/2023, ngày 19 tháng 12 năm 2025, tháng 12 năm 2025, năm 2025, 2021-2025.
DATE = re.compile(r"(?:ngày\s+)?(?<![\d/])\d{1,2}\s?/\s?\d{1,2}(?:\s?/\s?(?:19|20)\d\d)?(?![\d/])|"
                  r"(?:tháng\s+)?(?<![\d/])\d{1,2}\s?/\s?(?:19|20)\d\d(?![\d/])|"
                  r"ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2})?(?:\s+năm\s+(?:19|20)\d\d)?|"
                  r"tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*(?:19|20)\d\d)?|"
                  r"\b(?:19|20)\d\d\s?[-–]\s?(?:19|20)\d\d\b|\b(?:năm|quý\s+[IV]+\s*/?\s*)\s*(?:19|20)\d\d\b|"
                  r"\b(?:19|20)\d\d\b", re.I)
# A number as written in Vietnamese (1.234,5) or plainly, with an optional percent sign.
NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?%?|(?<![\w.,])\d+(?:,\d+)?[ \t]?%|(?<![\w.,/])\d+(?:,\d+)?")
PERCENT = re.compile(r"\d[\d.,]*[ \t]?%|\d[\d.,]*[ \t]+phần trăm")
# Case-sensitive: "2023\nĐồng chí" is not an amount.
# the figure may be written out in number words between it and its unit, as laws do: "5.000 (năm nghìn) tỷ đồng"
_NUMBER_WORDS = r"(?i:[ \t,]*(?:không|một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|" \
                r"triệu|tỷ|tỉ|linh|lẻ|phẩy|rưỡi|chẵn)(?!\w))+[ \t,]*"
# a figure starts after a non-digit: a match found inside a digit run starts at its head anyway, and without the
# look-behind a long run of digits is tried from every position (quadratic)
MONEY = re.compile(rf"(?<!\d)\d[\d.,]*[ \t]*(?:\({_NUMBER_WORDS}\)[ \t]*)?(?:(?:nghìn|ngàn|triệu|tỷ|tỉ)[ \t]+)?"
                   r"(?:đồng|USD|VNĐ|VND|đ)(?!\w)")
# A figure whose unit is in its label, as tables write it: "Mức thu (đồng): 20.000", "Đơn giá (nghìn đồng/m3):
# 80", "Đơn vị tính: triệu đồng" (a table row read with its column names, spans.labelled_row).
MONEY_LABEL = re.compile(r"\((?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*(?:đồng|USD|VNĐ|VND)[^)]{0,30}\)\s*:\s*\d|"
                         r"Đơn vị tính:\s*(?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*(?:đồng|USD|VNĐ|VND)\b", re.I)
PERCENT_LABEL = re.compile(r"\(\s*%\s*\)\s*:\s*\d")
# Deadline words of plans and directives ("hoàn thành trước ngày", "thường xuyên", "quý II/2025").
DEADLINE = re.compile(r"thường xuyên|hằng năm|hàng năm|định kỳ|trước ngày|chậm nhất|kể từ ngày|từ ngày|đến ngày|"
                      r"trong năm \d{4}|quý\s+[IV]+|theo tiến độ|trong thời hạn|\d+\s*(?:ngày|tháng)\s+(?:kể từ|làm việc)|"
                      r"hằng tháng|hàng tháng|hằng quý|hàng quý|lần/năm|lần/tháng|"
                      r"\d+\s*(?:giờ|ngày|tuần|tháng|năm)(?:\s+làm việc)?\s+(?:kể từ|tính từ|sau khi|trước khi)", re.I)
# A date finer than a year: a day, a month, a quarter.
DAY_OR_MONTH = re.compile(r"(?<![\d/])\d{1,2}\s?/\s?\d{1,2}(?:\s?/\s?(?:19|20)\d\d)?(?![\d/])|"
                          r"(?<![\d/])\d{1,2}\s?/\s?(?:19|20)\d\d(?![\d/])|ngày\s+\d{1,2}|tháng\s+\d{1,2}|"
                          r"quý\s+[IV]+|\d{1,2}h\d{0,2}", re.I)
YEAR = re.compile(r"(?<![\d/.,])(?:19|20)\d\d(?![\d/]|[.,]\d)")  # "năm 2027, …" and "năm 2027." too; not "2027,5"
# The words of a role (who acts).
ROLE = re.compile(r"chủ trì|phụ trách|tham mưu|chịu trách nhiệm|có trách nhiệm|đầu mối|thường trực|"
                  r"\b(?:giao|yêu cầu|đề nghị|phân công|chỉ đạo)\s+(?:cho\s+)?(?:các\s+)?[A-ZĐÀ-Ỹ]|"
                  r"\bdo\b .{0,60}(?:thực hiện|chủ trì|đảm nhiệm)|phối hợp", re.I)
PERSON_ROLE = re.compile(r"(?:đồng chí|ông|bà)\s+[A-ZĐ][\wÀ-ỹ]*(?:\s+[A-ZĐ][\wÀ-ỹ]*){1,3}")
SIGNED = re.compile(r"\bký\b|KT\.\s*CHỦ TỊCH|TM\.\s*ỦY BAN|CHỦ TỊCH\b|BỘ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC")
# A place: administrative units followed by a name.
PLACE = re.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|xóm|thôn|bản|khu vực|vùng)\s+"
                   r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,3}")


def number_spans(text: str) -> list[tuple[int, int]]:
    """Character spans that must never be cut: figures, dates and document numbers, merged."""
    spans = sorted(m.span() for rx in (DOCNUM, DATE, NUMBER, PERCENT, MONEY) for m in rx.finditer(text))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def figures(text: str) -> list[str]:
    """Figures a reader would quote: numbers that are not document numbers, dates or years, nor a lone
    list numeral (`1.`, `a)`)."""
    rest = DATE.sub(" ", DOCNUM.sub(" ", text))
    rest = re.sub(r"(?m)^\s*\d{1,2}[.)]\s", " ", rest)
    return [m.group(0) for m in NUMBER.finditer(rest)]


def offers(text: str) -> set[str]:
    """The intents (domain.questions) whose answer shape this span holds (a set of the caller's own)."""
    return set(_offers(text))


@lru_cache(maxsize=8192)  # a question's spans are read twice or more (the span, its frame, its fresh part)
def _offers(text: str) -> frozenset[str]:
    out: set[str] = set()
    if figures(text):
        out.add("quantity")
    if PERCENT.search(text) or PERCENT_LABEL.search(text):
        out.add("percent")
    if MONEY.search(text) or MONEY_LABEL.search(text) and figures(text):
        out.add("money")
    if AGENCY.search(text) and (ROLE.search(text) or PERSON_ROLE.search(text)) or PERSON_ROLE.search(text) \
            and re.search(r"\b(?:làm|là|giữ chức|được giao)\b", text):
        out.add("who")
    if DOCNUM.search(text):
        out.add("doc")
    if DAY_OR_MONTH.search(text) or DEADLINE.search(text):
        out.add("when")
    if YEAR.search(text):
        out.add("year")
    if PLACE.search(text):
        out.add("where")
    if SIGNED.search(text) and re.search(r"[A-ZĐ][\wÀ-ỹ]+\s+[A-ZĐ][\wÀ-ỹ]+\s+[A-ZĐ][\wÀ-ỹ]+", text):
        out.add("signer")
    if len(text) > 40:
        out.update(("what", "list"))
    return frozenset(out)


# units spelled out (folded, a hyphen as a space: "héc-ta") and the symbols documents write them with
UNIT_SYMBOLS: dict[str, tuple[str, ...]] = {
    "met khoi": ("m3", "m³"), "khoi": ("m3", "m³"), "met vuong": ("m2", "m²"), "met": ("m",), "ki lo met": ("km",),
    "kilomet": ("km",), "hec ta": ("ha",), "hecta": ("ha",), "ki lo gam": ("kg",), "kilogam": ("kg",),
    "megawatt": ("mw",), "me ga oat": ("mw",),
}


# What may stand between a figure and the noun it counts: the figure spelled out as laws write it ("03 (ba) Phó
# Trưởng Ban"), a share of it ("30% số cơ quan", "30% thời gian"), a multiplier ("761 nghìn lượt khách"), a
# classifier or "lượt" ("3.000 lượt nhân lực", "8,1 triệu lượt khách"); folded
_BETWEEN = (r"(?:\s*\([^()\d]{1,60}\))?(?:\s*%(?:\s+so)?)?(?:\s+(?:nghin|ngan|trieu|ty|ti|van|tram|chuc))?"
            rf"(?:\s+(?:luot|{'|'.join(sorted(CLASSIFIERS_FOLDED, key=len, reverse=True))}))?")
_NOT_PER_UNIT = r"(?!\s*/)"  # "64 người/xã" is a figure per unit
_FIGURE = r"(?<![\w.,])\d(?:[\d.,]*\d)?"  # not ending on its sentence's comma or full stop: "Năm 2026, doanh nghiệp"


def figure_before(text: str, noun: str, rate: bool = True) -> bool:
    """A figure right before `noun` (folded), what may stand between allowed: "12 xã", "761 nghìn lượt khách", "03
    (ba) Phó Trưởng Ban", "30% số cơ quan", a symbol written on ("12km"), a unit spelled with hyphens ("héc-ta");
    not `rate`: a figure per unit ("64 người/xã") does not count."""
    t, n = _folded(text, noun)
    return bool(re.search(rf"{_FIGURE}{_BETWEEN}\s*{n}\b" + ("" if rate else _NOT_PER_UNIT), t))


def _folded(text: str, noun: str) -> tuple[str, str]:
    """The text and the noun (escaped) folded and lower-cased, a hyphen as a space: units spelled "héc-ta"."""
    return fold(text).lower().replace("-", " "), re.escape(fold(noun).lower().replace("-", " "))


def counts_noun(text: str, noun: str, rate: bool = True) -> bool:
    """The text gives a count of `noun` (folded, one or two words): a figure before it ("12 xã", "761 nghìn lượt
    khách", "03 (ba) Phó Trưởng Ban", "30% số cơ quan"), "số <noun>" and then a figure ("Tổng số hộ nghèo là
    1.250", "“Số doanh nghiệp thành lập mới” — Năm 2024: 1.250"), the noun labelling a figure ("Số điểm: 0,15",
    "học sinh: 1.200"), or a table row naming the noun and its count ("“Vở viết” — Đơn vị tính: quyển; Số lượng:
    30"). Not `rate`: a figure per unit does not count ("64 người/xã" of a total)."""
    if figure_before(text, noun, rate):
        return True
    t, n = _folded(text, noun)
    if re.search(rf"\bso\s+(?:luong\s+)?{n}\b[^.;!?]{{0,80}}?{_FIGURE}", t):
        return True
    if re.search(rf"\b{n}\b[^.;:\d]{{0,60}}:\s*{_FIGURE}", t):  # a column name: "Tổng số TTHC thuộc thẩm quyền: 441"
        return True
    named = re.search(rf"\b{n}\b", t)
    # a unit column or caption: "Đơn vị tính: quyển", "ĐVT: Ha", "(Đơn vị: triệu đồng)"
    return bool(named and re.search(rf"\b(?:so luong|khoi luong|tong so)\b[^.;:\d]{{0,60}}:\s*{_FIGURE}|"
                                    rf"\b(?:don vi(?: tinh)?|dvt)\s*:\s*{n}\b", t) and re.search(_FIGURE, t))


def counted_noun_follows(text: str, noun: str, last: bool = False) -> bool:
    """`110 cây cầu`, `400 lớp`: a figure directly followed by the counted noun (folded comparison); `last`: and by
    no other word ("trồng 12.000 cây." but not "12.000 cây xanh")."""
    end = r"(?!\s*[^\W\d_])" if last else r"\b"
    return bool(re.search(rf"(?<!\d)\d[\d.,]*\s+{re.escape(fold(noun).lower())}{end}", fold(text).lower()))
