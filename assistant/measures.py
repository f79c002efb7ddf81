"""What a question counts ("bao nhiêu biên chế", "mấy cây bút") and whether a text holds it: written at all
(`measure_absent`, of the best passage and its frame) or given a count (`measure_uncounted`, of the quoted
spans). A passage about the subject that never writes the measure, or quotes that name it without counting it
("xây dựng chương trình hỗ trợ hợp tác xã" for "bao nhiêu hợp tác xã"), answer another question."""

from __future__ import annotations

import re
import unicodedata

from domain.figures import MONEY, UNIT_SYMBOLS, counted_noun_follows, counts_noun, figure_before
from domain.words import CLASSIFIERS_FOLDED, fold

from .analysis import Analysis, classifier_of, counted_nouns, measure_heads

# nouns of money, and the multipliers and currencies an amount is asked in ("bao nhiêu triệu đồng"): counted by an
# amount ("189 tỷ đồng" of "bao nhiêu vốn đầu tư"), or by a figure under a caption or label giving the currency; folded
_MONEY_MEASURES = frozenset(fold(w) for w in ("vốn", "tiền", "kinh phí", "ngân sách", "chi phí", "phí", "lệ phí",
                                               "giá", "lương", "đồng", "nghìn", "ngàn", "triệu", "tỷ", "tỉ", "usd"))
_CURRENCY_LABEL = re.compile(r"\((?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*(?:đồng|USD|VNĐ|VND)\b|(?:Đơn vị(?: tính)?|ĐVT)\s*:\s*"
                             r"(?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*(?:đồng|USD|VNĐ|VND)\b", re.I)
_NUMBER = re.compile(r"\d")
# where the noun phrase a question counts ends: punctuation or the next asking word
_PHRASE_END = re.compile(r"[,.;:?!]|\b(?:bao nhiêu|bao nhieu|mấy|là|la|và|va)\b", re.I)
_PER_UNIT = re.compile(r"\b(?:moi|binh quan|trung binh|tren)\b|/")  # "mỗi xã … bao nhiêu", "bình quân"; folded
PHRASE_WORDS = 8  # the words of the counted phrase after the asking word that a figure may count instead
ACRONYM_WORDS = (3, 4, 5, 6)  # a noun phrase of that many words may be written by its initials ("9 TTHC")
# an amount without its currency word: "vốn 1.500 tỷ", "15 nghìn tỷ", "1,5 triệu đô la Mỹ"; folded
_AMOUNT = re.compile(r"(?<![\w.,])\d[\d.,]*\s*(?:nghin|ngan|trieu|ty|ti)?\s*(?:ty|trieu|dong|do la|usd|vnd)\b")
# nouns of people: counted by "N người" ("trung bình 64 người/xã" of "bao nhiêu cán bộ, công chức"); folded
PERSON_NOUNS = frozenset(fold(w) for w in (
    "cán bộ", "công chức", "viên chức", "người lao động", "lao động", "học sinh", "sinh viên", "giáo viên", "đại biểu",
    "cử tri", "bệnh nhân", "đối tượng", "bị can", "hội viên", "đảng viên", "thành viên", "nhân lực", "nhân viên",
    "chuyên gia", "khách", "người dân", "công nhân", "trẻ em", "nạn nhân", "người nghiện"))
# a symbol in the question, spelled out in the document ("bao nhiêu ha" of "1.200 héc-ta"); folded
_SPELLED: dict[str, list[str]] = {}
for _spelled, _symbols in UNIT_SYMBOLS.items():
    for _symbol in _symbols:
        _SPELLED.setdefault(_symbol, []).append(_spelled)


def _words(text: str, accented: bool) -> str:
    """The words of `text` between spaces, lower-cased (folded unless `accented`): one run within another is whole
    words."""
    text = text if accented else fold(text)
    return " " + " ".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).lower())) + " "


def _question_nouns(a: Analysis) -> list[str]:
    return counted_nouns(a.restored if a.folded and not a.english else a.text)


def _forms(nouns: list[str], accented: bool) -> list[str]:
    """The nouns, their heads ("bao nhiêu xã đạt" of "12 xã") and the symbols of spelled units ("mét khối" as
    "m3")."""
    forms = [f for n in nouns for f in [n, *measure_heads(n, accented)]]
    keys = [_words(fold(f), False).strip() for f in forms]
    return forms + [sym for k in keys for sym in UNIT_SYMBOLS.get(k, ())] + [w for k in keys for w in _SPELLED.get(k, [])]


def measure_absent(a: Analysis, held: str) -> bool:
    """What the question counts ("bao nhiêu biên chế") is written nowhere in `held` — compared whole and with its
    diacritics when the question has them ("biên chế" is not "biện pháp", "hộ dân" not "hỗ trợ")."""
    nouns = _question_nouns(a)
    if not nouns:
        return False
    accented = not a.folded
    written = _words(held, accented)
    # with diacritics its head word alone holds it too; folded, a syllable is ambiguous ("ho": hộ, hỗ, hồ) and only
    # the whole phrase counts
    if any(_words(f, accented) in written for f in _forms(nouns, accented)):
        return False
    # a classifier holds what it counts with a figure right before it and no other noun after it ("trồng 12.000
    # cây" of "bao nhiêu cây xanh"; not "12.000 cây xanh" of "bao nhiêu cây cầu")
    return not any(counted_noun_follows(held, c, last=True) for c in map(classifier_of, nouns) if c)


def acronyms(question: str, nouns: list[str]) -> list[str]:
    """The initials of the question's words from a counted noun on ("thủ tục hành chính" → "tthc"): documents
    count a long noun phrase by them ("9 TTHC")."""
    words = _words(question, False).split()
    out = []
    for n in nouns:
        head = fold(n).lower().split()
        for i in range(len(words) - len(head) + 1):
            if words[i : i + len(head)] == head:
                out += ["".join(w[0] for w in words[i : i + k]) for k in ACRONYM_WORDS if i + k <= len(words)]
    return list(dict.fromkeys(out))


def phrase_words(question: str) -> list[str]:
    """The words of each noun phrase the question counts, after "bao nhiêu"/"mấy" up to punctuation, the next
    asking word or PHRASE_WORDS words: "bao nhiêu đơn vị hành chính cấp xã (xã, phường, đặc khu)" is counted by
    "3.321 xã, phường, đặc khu" too."""
    out: list[str] = []
    for m in re.finditer(r"\b(?:bao nhiêu|bao nhieu|mấy)\s+", question, re.I):
        rest = question[m.end():]
        end = _PHRASE_END.search(rest)
        out += re.findall(r"[^\W\d_]+", rest[: end.start() if end else len(rest)])[:PHRASE_WORDS]
    return list(dict.fromkeys(w.lower() for w in out if len(w) > 1))


def measure_uncounted(a: Analysis, quoted: str) -> bool:
    """The question counts a noun and no figure of `quoted` (the answer's quotes; a table row's with its caption and
    column names) counts it: not before it ("12 xã", "761 nghìn lượt khách", "30% số cơ quan") or before another
    word of the phrase it heads, not labelled by it ("Số điểm: 0,15"), not in a row naming it with a count, not by
    its initials ("9 TTHC") nor as an amount of money for a noun of money ("189 tỷ đồng" of "vốn đầu tư", a
    figure under "(Đơn vị: triệu đồng)"); a classifier with a figure and nothing after it holds its noun ("in
    5.000 cuốn")."""
    if "quantity" not in a.intents:
        return False
    nouns = _question_nouns(a)
    if not nouns:
        return False
    question = a.restored if a.folded else a.text
    rate = bool(_PER_UNIT.search(fold(question).lower()))  # a figure per unit answers only a question per unit
    # heads even when typed without diacritics: a folded head that meets another word only makes it lenient
    forms = _forms(nouns, True) + acronyms(question, nouns)
    if any(counts_noun(quoted, f, rate) for f in forms):
        return False
    # a classifier alone is no word of the phrase: "5.000 cuốn sổ tay" does not count "cuốn tài liệu"
    if any(figure_before(quoted, w, rate) for w in phrase_words(question) if fold(w) not in CLASSIFIERS_FOLDED):
        return False
    if any(counted_noun_follows(quoted, c, last=True) for c in map(classifier_of, nouns) if c):
        return False
    folded = [fold(n).lower() for n in nouns]
    if any(f in PERSON_NOUNS or f.split()[0] in PERSON_NOUNS for f in folded) and counts_noun(quoted, "người", rate):
        return False
    money = {f.split()[0] for f in folded} & _MONEY_MEASURES
    return not (money and (MONEY.search(quoted) or _AMOUNT.search(fold(quoted).lower())
                           or _CURRENCY_LABEL.search(quoted) and _NUMBER.search(quoted)))


def is_money(a: Analysis) -> bool:
    """The question counts an amount of money ("bao nhiêu đồng", "bao nhiêu vốn")."""
    nouns = _question_nouns(a)
    return bool(nouns) and fold(nouns[0]).lower().split()[0] in _MONEY_MEASURES


def counted_phrase(a: Analysis, written: str) -> str:
    """What an abstention says the quotes do not count: "số tiền" for money, else "số" and the counted noun —
    two words, three when `written` (the closest passages) writes the three together ("số khách du lịch", "số hợp
    tác xã"; "số doanh nghiệp", not "doanh nghiệp đổi" of "doanh nghiệp đổi mới")."""
    nouns = _question_nouns(a)
    if not nouns:
        return ""
    if is_money(a):
        return "số tiền"
    words = phrase_words(a.restored if a.folded else a.text)
    first = nouns[0].split()[0].lower()
    if first not in words:
        return f"số {nouns[0]}"
    at = words.index(first)
    line = _words(written, False)
    longest = max((k for k in (2, 3) if at + k <= len(words) and _words(" ".join(words[at:at + k]), False) in line),
                  default=min(2, len(words) - at))
    return "số " + " ".join(words[at:at + longest])
