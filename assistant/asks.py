"""What a question asks for, read without an LLM: a figure (and whether a percentage or an amount of money),
an agency, a document, a date or deadline, a content ("về việc gì"), a list; the period it is about; and the
text features of an answer that gives each of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.vntext import fold
from ingest.docnumbers import TYPE_WORDS

# --- what is asked ----------------------------------------------------------------------------------------
_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx, re.I)) for name, rx in (
    ("percent", r"mấy phần trăm|bao nhiêu phần trăm|bao nhiêu %|tỷ lệ|tỉ lệ|phần trăm|may phan tram|"
                r"bao nhieu phan tram|ty le|what percent|what share|percentage|\brate\b"),
    ("money", r"bao nhiêu tiền|bao nhieu tien|mấy tiền|giá bao nhiêu|how much money|\bcost\b|\bprice\b"),
    ("quantity", r"bao nhiêu|bao nhieu|\bmấy\b|\bmay\b|how many|how much|số lượng|so luong|tổng cộng|tong cong|"
                 r"mục tiêu|muc tieu|chỉ tiêu|chi tieu|target"),
    ("who", r"cơ quan nào|co quan nao|\bai\b|sở nào|so nao|đơn vị nào|don vi nao|ban nào|ban nao|chủ trì|chu tri|"
            r"phụ trách|phu trach|\bwho\b|which (agency|department|body|organi[sz]ation|unit)|in charge"),
    ("doc", r"(văn bản|quyết định|nghị định|công điện|kế hoạch|thông tư|nghị quyết|báo cáo|công văn|chỉ thị|"
            r"thông báo|van ban|quyet dinh|nghi dinh|cong dien|ke hoach|thong tu|nghi quyet|bao cao|cong van|"
            r"chi thi|thong bao) (nào|nao|số mấy|so may)|số hiệu|so hieu|which (decision|document|decree|plan|"
            r"report|dispatch|directive)|what (decision|document|decree|dispatch)"),
    ("when", r"khi nào|khi nao|ngày nào|ngay nao|bao giờ|bao gio|thời hạn|thoi han|tiến độ|tien do|hạn chót|"
             r"chậm nhất|cham nhat|mốc thời gian|moc thoi gian|thời gian|thoi gian|\bwhen\b|deadline|what date|"
             r"by when|từ ngày nào|tu ngay nao"),
    ("what", r"về việc gì|ve viec gi|chuyện gì|chuyen gi|vấn đề gì|van de gi|nội dung gì|noi dung gi|là gì|la gi|"
             r"những gì|nhung gi|làm gì|lam gi|yêu cầu gì|yeu cau gi|chỉ đạo gì|chi dao gi|\bwhat\b.*\b(about|"
             r"require|direct|say)|nhiệm vụ gì|mục đích|muc dich|kết quả cần đạt|ket qua can dat|"
             r"nhằm|nham|để làm gì"),
    ("list", r"những nhiệm vụ|nhung nhiem vu|các nhiệm vụ nào|liệt kê|liet ke|danh sách|danh sach|\blist\b|"
             r"which tasks|what tasks"),
    ("task", r"nhiệm vụ nào|nhiem vu nao|nhiệm vụ gì|nhiem vu gi|which task|what task"),
))
_YTD = re.compile(r"lũy kế|luỹ kế|lu[yỹ] ke|cộng dồn|cong don|từ đầu năm|tu dau nam|(\d+|hai|ba) (tháng|thang) "
                  r"(đầu năm|dau nam|qua)|year to date|first (two|three|\d+) months|so far this year|tính đến|"
                  r"tinh den|tính tới|tinh toi|đến nay|den nay|as of", re.I)
_MONTH = re.compile(r"trong tháng|trong thang|tháng này|thang nay|this month|in the month|riêng tháng", re.I)
_QUARTER = re.compile(r"(?:quý|quy|quarter)\s+([IV]+|\d)\b", re.I)
_DOC_TYPE_ASKED = re.compile(r"(văn bản|quyết định|nghị định|công điện|kế hoạch|thông tư|nghị quyết|báo cáo|"
                             r"công văn|chỉ thị|thông báo)\s+(nào|số mấy)", re.I)
TYPE_CODES = {**TYPE_WORDS, "văn bản": ""}  # type word → folded type code ("" for a công văn or any văn bản)


@dataclass
class Ask:
    intents: list[str] = field(default_factory=list)
    period: str = ""  # "ytd" | "month" | ""
    quarter: str = ""  # "I".."IV" when the question names a quarter
    doc_type: str | None = None  # type code when "báo cáo nào" asks for a document of one type
    english: bool = False
    measures: list[str] = field(default_factory=list)  # the counted noun ("cây cầu", "lớp")
    total: bool = False  # "tổng cộng": the aggregate figure
    specific: str = ""  # the question's rarest word found in the documents
    dates: list[re.Pattern[str]] = field(default_factory=list)  # month/year or years named
    text_lower: str = ""

    @property
    def wants_figure(self) -> bool:
        return bool({"quantity", "percent", "money"} & set(self.intents))


def read_ask(question: str, english: bool = False) -> Ask:
    intents = [name for name, rx in _ASKS if rx.search(question)]
    if "percent" in intents or "money" in intents:
        intents = [i for i in intents if i != "quantity"] + ["quantity"]
    period = "ytd" if _YTD.search(question) else ("month" if _MONTH.search(question) else "")
    q = _QUARTER.search(question)
    quarter = q.group(1).upper() if q else ""
    if quarter.isdigit():
        quarter = {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(quarter, quarter)
    m = _DOC_TYPE_ASKED.search(question)
    doc_type = TYPE_CODES.get(m.group(1).lower()) if m else None
    return Ask(intents, period, quarter, doc_type, english)


# --- what a span offers -----------------------------------------------------------------------------------
_DOCNUM = re.compile(r"\d+\s?/\s?(?:\d{4}\s?/\s?)?[A-ZĐ][\wĐđ&-]*|\d+-[A-Z][A-Za-z]*/[A-ZĐ]+")
_DATE = re.compile(r"\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{4}|\d{1,2}\s?/\s?\d{1,2}(?![\d/])|\d{1,2}\s?/\s?\d{4}|"
                   r"ngày\s+\d{1,2}(?![\d/])(?:\s+tháng\s+\d{1,2})?|"
                   r"\b(?:19|20)\d\d\s?-\s?(?:19|20)\d\d\b|\b(?:19|20)\d\d\b")
_FIGURE = re.compile(r"\d[\d.,]*\s?%|\d[\d.,]*")
_PERCENT = re.compile(r"\d[\d.,]*\s?%")
_MONEY = re.compile(r"\d[\d.,]*\s*(?:nghìn |triệu |tỷ |tỉ )?(?:đồng|USD|usd)")
_AGENCY = re.compile(r"\b(?:Sở|Ban|UBND|Ủy ban|Văn phòng|Thanh tra|Công an|Bộ|Trung tâm|Cục|Chi cục|Đài|Báo|"
                     r"Kho bạc|Hội|Liên đoàn|Tỉnh đoàn|Đoàn|Viện|Trường|Bệnh viện|Công ty|Tổng công ty)\s+[A-ZĐÀ-Ỹa-zđ]")
_ROLE = re.compile(r"chủ trì|phụ trách|tham mưu|chịu trách nhiệm|\b(?:giao|yêu cầu|đề nghị)\s+(?:cho\s+)?(?:Sở|Ban|UBND|"
                   r"Ủy ban|Văn phòng|Công an|Thanh tra|Trung tâm|các)\b|\bdo\b .{0,40}(thực hiện|chủ trì)", re.I)
_DEADLINE = re.compile(r"thường xuyên|trong năm \d{4}|quý\s+[IV]+|tháng\s+\d{1,2}|trước ngày|chậm nhất|"
                       r"hoàn thành|từ ngày|đến ngày|hằng năm|hàng năm|định kỳ|theo tiến độ", re.I)
YTD_TEXT = re.compile(r"lũy kế|luỹ kế|cộng dồn|\d+ tháng đầu năm|từ đầu năm|tính đến|tính từ|đến nay|"
                      r"từ ngày 0?1/0?1", re.I)
MONTH_TEXT = re.compile(r"trong tháng|tháng \d{1,2}\b(?! năm)|riêng tháng", re.I)


# An agency as the one who acts: "Giao Sở X chủ trì", "Sở X chủ trì, phối hợp", "Yêu cầu UBND huyện …".
_WHO_ACTS = re.compile(
    r"\b(?:giao|yêu cầu|đề nghị|phân công)\s+(?:cho\s+)?(?:Sở|Ban|UBND|Ủy ban|Văn phòng|Thanh tra|Công an|Trung tâm|"
    r"Cục|Chi cục|Bộ Chỉ huy|Đài|Kho bạc|Liên đoàn|Tỉnh đoàn|Các sở)\b|"
    r"\b(?:Sở|Ban|UBND|Văn phòng|Thanh tra|Công an|Trung tâm|Cục|Chi cục)\s[^.;:]{0,60}?\b(?:chủ trì|phụ trách|"
    r"chịu trách nhiệm|có trách nhiệm|là cơ quan thường trực)", re.I)


# A named person in a role: "đồng chí Đoàn Thanh Sơn, Phó Chủ tịch UBND tỉnh làm Chủ tịch Hội đồng".
_PERSON_ROLE = re.compile(r"(?:đồng chí|ông|bà)\s+[A-ZĐ][\wÀ-ỹ]*(?:\s+[A-ZĐ][\wÀ-ỹ]*){1,3}[^.;]{0,80}?\b(?:làm|giữ chức|là|"
                          r"được bổ nhiệm|được giao|ký)\b", re.I)
_SIGNER_Q = re.compile(r"\bai ký|ai ky\b|người ký|nguoi ky|ký ban hành|ky ban hanh|ký văn bản|who signed|signer|"
                       r"signed by", re.I)
_SIGNED = re.compile(r"\bký\b|KT\.\s*CHỦ TỊCH|TM\.\s*ỦY BAN|CHỦ TỊCH\n", re.I)


# "Đồng chí X, Phó Chủ tịch UBND tỉnh chỉ đạo (Công văn …)": who issued the directive, not who carries it out.
_ISSUER = re.compile(r"^(?:Đồng chí|Ông|Bà)\s[^,]{3,40},[^.;]{0,120}?\bchỉ đạo\b"
                     r"(?![^.;]*\b(?:giao|yêu cầu)\s+(?:cho\s+)?(?:Sở|Ban|UBND|Ủy ban|Văn phòng|Công an|các)\b)")


def asks_signer(question: str) -> bool:
    return bool(_SIGNER_Q.search(question))


def names_signer(text: str) -> bool:
    """A signature block or a sentence saying who signed, with a person's name."""
    return bool(_SIGNED.search(text)) and bool(re.search(r"[A-ZĐ][\wÀ-ỹ]+\s+[A-ZĐ][\wÀ-ỹ]+\s+[A-ZĐ][\wÀ-ỹ]+", text))


def who_acts(text: str) -> bool:
    return bool(_WHO_ACTS.search(text))


def figures_of(text: str) -> list[str]:
    """Figures a reader would quote: numbers that are not document numbers, dates or years."""
    rest = _DATE.sub(" ", _DOCNUM.sub(" ", text))
    return [f.strip() for f in _FIGURE.findall(rest) if any(ch.isdigit() for ch in f)]


def offers(text: str, ask: Ask, exclude_numbers: set[str] | None = None) -> set[str]:
    """The intents of `ask` this span can answer."""
    out: set[str] = set()
    figs = figures_of(text)
    if figs:
        out.add("quantity")
    if _PERCENT.search(text):
        out.add("percent")
    if _MONEY.search(text):
        out.add("money")
    if (who_acts(text) or _AGENCY.search(text) and _ROLE.search(text) or _PERSON_ROLE.search(text)) \
            and not _ISSUER.search(text):
        out.add("who")
    nums = [m.group(0) for m in _DOCNUM.finditer(text)]
    keys = {fold(re.sub(r"\s+", "", n)).upper() for n in nums}
    if keys - (exclude_numbers or set()):
        out.add("doc")
    if _DATE.search(text) or _DEADLINE.search(text):
        out.add("when")
    if len(text) > 40:
        out.add("what")
        out.add("list")
    return out


def doc_type_matches(text: str, code: str | None, exclude: set[str]) -> bool:
    if not code:
        return False
    for m in _DOCNUM.finditer(text):
        key = fold(re.sub(r"\s+", "", m.group(0))).upper()
        if key in exclude:
            continue
        if re.search(rf"[/-]{code}\b", key):
            return True
    return False


# The thing counted: "bao nhiêu cây cầu" → "cây cầu"; "mấy lớp" → "lớp". An answer gives a figure before it.
_MEASURED = re.compile(r"(?:bao nhiêu|mấy|bao nhieu|how many|\bsố)\s+((?:[^\W\d_]+\s?){1,2})", re.I)
_NOT_MEASURE = frozenset("phần trăm tiền % là được thì so với ngày năm tháng lần trong liệu hiệu lượng".split())


def measure_words(question: str) -> list[str]:
    out = []
    for m in _MEASURED.finditer(question):
        words = [w for w in m.group(1).lower().split() if w not in _NOT_MEASURE]
        if words:
            out.append(" ".join(words[:2]))
            out.append(words[0])
    return list(dict.fromkeys(out))


def counts(text: str, measures: list[str]) -> bool:
    """A figure directly followed by the counted noun: `110 cây cầu`, `400 lớp`, `1.064 vụ`."""
    low = text.lower()
    return any(re.search(rf"\d[\d.,]*\s+{re.escape(m)}\b", low) for m in measures)
