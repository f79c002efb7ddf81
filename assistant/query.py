"""Query understanding without an LLM: document numbers (full or bare), English terms mapped to the
domain's Vietnamese nouns, and follow-up questions rewritten into standalone queries from the conversation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.vntext import fold, has_diacritics
from ingest.docnumbers import TYPE_WORDS, find_typed_numbers

_BARE = re.compile(
    r"\b(công văn|cong van|cv|quyết định|quyet dinh|qđ|qd|kế hoạch|ke hoach|kh|chỉ thị|chi thi|ct|nghị quyết|"
    r"nghi quyet|nq|công điện|cong dien|cđ|cd|thông báo|thong bao|tb|báo cáo|bao cao|bc|văn bản|van ban|"
    r"nghị định|nghi dinh|nđ|nd|decision|plan|directive|dispatch|document|official letter)\s*(?:số|so|no\.?)?\s*"
    r"(\d{1,6})(?![\d/])",
    re.I,
)
_TYPE_FROM_WORD = {fold(k): v for k, v in TYPE_WORDS.items()}
_TYPE_FROM_WORD.update({"cv": "", "qd": "QD", "kh": "KH", "ct": "CT", "nq": "NQ", "cd": "CD", "tb": "TB", "bc": "BC",
                        "nd": "ND", "decision": "QD", "plan": "KH", "directive": "CT", "dispatch": "",
                        "official letter": "", "van ban": "", "document": ""})

# Key nouns of the domain, English → Vietnamese, so an English question also meets the lexical index.
BILINGUAL = {
    "budget": "ngân sách", "revenue": "thu ngân sách", "expenditure": "chi ngân sách", "spending": "chi",
    "export": "xuất khẩu", "exports": "xuất khẩu", "import": "nhập khẩu", "imports": "nhập khẩu",
    "trade": "xuất nhập khẩu", "tourism": "du lịch", "tourists": "khách du lịch", "visitors": "lượt khách",
    "decision": "quyết định", "plan": "kế hoạch", "directive": "chỉ thị", "dispatch": "công văn",
    "report": "báo cáo", "businesses": "doanh nghiệp", "business": "doanh nghiệp", "enterprises": "doanh nghiệp",
    "companies": "doanh nghiệp", "suspended": "tạm ngừng hoạt động", "investment": "đầu tư",
    "disbursement": "giải ngân", "disbursed": "giải ngân", "public investment": "đầu tư công",
    "accidents": "tai nạn giao thông", "traffic": "giao thông", "poor households": "hộ nghèo", "poverty": "hộ nghèo",
    "forest": "rừng", "forestry": "lâm nghiệp", "agriculture": "nông nghiệp", "crops": "gieo trồng",
    "livestock": "gia súc gia cầm", "industrial": "công nghiệp", "industry": "công nghiệp", "retail": "bán lẻ",
    "geopark": "công viên địa chất", "expert": "chuyên gia", "experts": "chuyên gia", "appraisal": "thẩm định",
    "bus": "xe buýt", "trips": "chuyến", "school": "trường học", "schools": "trường học", "health": "y tế",
    "hospital": "bệnh viện", "same period": "cùng kỳ", "year-on-year": "cùng kỳ", "last year": "cùng kỳ",
    "target": "mục tiêu", "deadline": "tiến độ thời hạn", "lead": "chủ trì", "leads": "chủ trì",
    "in charge": "chủ trì", "coordinate": "phối hợp", "department": "sở", "committee": "ủy ban",
    "province": "tỉnh", "provincial": "tỉnh", "border gate": "cửa khẩu", "customs": "hải quan",
    "administrative procedures": "thủ tục hành chính", "online": "trực tuyến", "records": "hồ sơ",
    "inspection": "thanh tra kiểm tra", "smuggling": "buôn lậu", "land": "đất đai", "environment": "môi trường",
    "education": "giáo dục", "training": "đào tạo bồi dưỡng", "officials": "cán bộ công chức",
    "international organization": "tổ chức quốc tế", "conflict of interest": "xung đột lợi ích",
    "newly established": "thành lập mới", "registered capital": "vốn đăng ký", "temporarily": "tạm ngừng",
}
_EN_HINT = re.compile(r"\b(the|what|which|how|who|when|many|much|did|does|is|are|of|and|with)\b", re.I)


@dataclass
class QueryAnalysis:
    text: str
    lexical_text: str
    number_keys: list[str] = field(default_factory=list)
    bare_numbers: list[tuple[str, str]] = field(default_factory=list)
    english: bool = False
    folded: bool = False
    # Text features a good passage for this question shows (period words, "chủ trì" for who-questions, the
    # agency or date named): the retriever lifts fused candidates that have them.
    prefer: list[str] = field(default_factory=list)
    intent: str = ""  # quantity | who | which_document | when | list | ""
    row_field: str = ""  # the task-table column a listing question constrains: lead | partner | deadline
    types: list[str] = field(default_factory=list)  # document types named ("kế hoạch" → "KH")


# Periods: the question's period must match the figure's (domain notes: a figure without its period is wrong).
_YTD_Q = re.compile(r"lũy kế|lu[yỹ] ke|cộng dồn|cong don|từ đầu năm|tu dau nam|(\d+|hai|ba) (tháng|thang) đầu năm|"
                    r"(\d+|hai|ba) thang dau nam|year to date|first (two|three|\d+) months|so far this year", re.I)
_YTD_T = r"lũy kế|luỹ kế|cộng dồn|\d+ tháng đầu năm|từ đầu năm"
_MONTH_Q = re.compile(r"trong tháng|trong thang|tháng này|thang nay|this month|in the month", re.I)
_QUARTER_Q = re.compile(r"(quý|quy|quarter)\s+([IV]+|\d)\b", re.I)
_WHO_Q = re.compile(r"cơ quan nào|co quan nao|\bai\b|sở nào|so nao|đơn vị nào|don vi nao|ban nào|ban nao|chủ trì|"
                    r"chu tri|phụ trách|phu trach|who|which (agency|department|body|organi[sz]ation)|in charge", re.I)
_DOC_Q = re.compile(r"(văn bản|quyết định|nghị định|công điện|kế hoạch|thông tư|nghị quyết|báo cáo|công văn|"
                    r"van ban|quyet dinh|nghi dinh|cong dien|ke hoach|thong tu|nghi quyet|bao cao|cong van) nào|"
                    r"số mấy|so may|which (decision|document|decree|plan|report|dispatch)", re.I)
_WHEN_Q = re.compile(r"khi nào|khi nao|ngày nào|ngay nao|bao giờ|bao gio|thời hạn|thoi han|tiến độ|tien do|"
                     r"hạn chót|han chot|\bwhen\b|deadline|by what date", re.I)
_QTY_Q = re.compile(r"bao nhiêu|bao nhieu|mấy|\bmay\b|tỷ lệ|ty le|phần trăm|phan tram|how many|how much|"
                    r"what (percent|share|rate)", re.I)
_LIST_Q = re.compile(r"những (nhiệm vụ|việc|văn bản|cơ quan)|nhung (nhiem vu|viec|van ban|co quan)|"
                     r"(các|cac) nhiệm vụ nào|nhiệm vụ nào|nhiem vu nao|liệt kê|liet ke|danh sách|danh sach|"
                     r"\b(list|which tasks|what tasks)\b", re.I)
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s?/\s?(\d{1,2})(?![\d]|\s?/\s?[A-ZĐa-zđ])")
_ROLE_WORDS = (("lead", re.compile(r"chủ trì|chu tri|phụ trách|phu trach|\blead", re.I)),
               ("partner", re.compile(r"phối hợp|phoi hop|coordinat|partner", re.I)),
               ("deadline", re.compile(r"tiến độ|tien do|thời hạn|thoi han|hoàn thành|hoan thanh|deadline", re.I)))


_TYPE_NAMED = re.compile(r"\b(quyết định|quyet dinh|kế hoạch|ke hoach|chỉ thị|chi thi|công điện|cong dien|"
                         r"công văn|cong van|thông báo|thong bao|nghị quyết|nghi quyet|chương trình|chuong trinh)\b",
                         re.I)
# a công văn has no type letters; "CV" stands for it in the retriever's type preference
_TYPE_CODE = {fold(name): code or "CV" for name, code in TYPE_WORDS.items()}


def _types(text: str) -> list[str]:
    """Type words a question names without a number ("UBND tỉnh ban hành kế hoạch nào…")."""
    return list(dict.fromkeys(_TYPE_CODE[fold(m.group(1).lower())] for m in _TYPE_NAMED.finditer(text)))


def row_field_of(text: str) -> str:
    return next((name for name, rx in _ROLE_WORDS if rx.search(text)), "")


def _features(text: str) -> tuple[str, list[str]]:
    prefer: list[str] = []
    if _YTD_Q.search(text):
        prefer.append(_YTD_T)
    elif _MONTH_Q.search(text):
        prefer.append(r"trong tháng")
    q = _QUARTER_Q.search(text)
    if q:
        prefer.append(rf"quý\s+{re.escape(q.group(2))}\b")
    intent = ""
    if _LIST_Q.search(text):
        intent = "list"
    elif _WHO_Q.search(text):
        intent = "who"
        prefer.append(r"chủ trì|\bgiao\b|phụ trách|Cơ quan chủ trì")
    elif _DOC_Q.search(text):
        intent = "which_document"
        prefer.append(r"\d+\s?/\s?(\d{4}/)?[A-ZĐ]")
    elif _WHEN_Q.search(text):
        intent = "when"
    elif _QTY_Q.search(text):
        intent = "quantity"
    for m in _DAY_MONTH.finditer(text):  # 25/12 matches "25/12", "25/12/2023", "ngày 25 tháng 12"
        d, mo = int(m.group(1)), int(m.group(2))
        if 1 <= d <= 31 and 1 <= mo <= 12:
            prefer.append(rf"(?<!\d)0?{d}\s?/\s?0?{mo}(?!\d)|ngày 0?{d} tháng 0?{mo}(?!\d)")
    return intent, prefer


def is_english(text: str) -> bool:
    return not has_diacritics(text) and len(_EN_HINT.findall(text)) >= 2


def analyze(text: str) -> QueryAnalysis:
    text = text.strip()
    nums = find_typed_numbers(text)
    keys = list(dict.fromkeys(n.key for n, _, _ in nums))
    spans = [(s, e) for _, s, e in nums]
    bare: list[tuple[str, str]] = []
    for m in _BARE.finditer(text):
        if any(s <= m.start(2) < e for s, e in spans):
            continue
        word = fold(m.group(1).lower())
        bare.append((m.group(2), _TYPE_FROM_WORD.get(word, "")))
    english = is_english(text)
    lexical = text
    if english:
        low = text.lower()
        extra = [vi for en, vi in BILINGUAL.items() if re.search(rf"\b{re.escape(en)}\b", low)]
        lexical = text + " " + " ".join(dict.fromkeys(extra))
    intent, prefer = _features(text)
    return QueryAnalysis(text, lexical, keys, bare, english, not has_diacritics(text), prefer, intent,
                         row_field_of(text) if intent == "list" else "", [] if keys or bare else _types(text))


_FOLLOWUP = re.compile(
    r"^(còn|vậy|thế|thì|trong đó|phần|tuyến kia|cái|ở đó|con so|con|vay|the con|trong do|phan)\b|"
    r"\b(thì sao|thi sao|đó|kia|này|ấy|trên|nói trên|vừa rồi|do|kia|nay|it|that|those|this one|they)\b",
    re.I,
)


def looks_like_followup(question: str) -> bool:
    q = question.strip()
    return bool(_FOLLOWUP.search(q)) or len(q.split()) <= 5


def standalone_query(question: str, history: list[str]) -> str:
    """Without an LLM: a follow-up borrows the topic of the last user turn (its words, its document numbers)."""
    if not history or not looks_like_followup(question):
        return question
    prev = history[-1]
    return f"{question} ({prev})"
