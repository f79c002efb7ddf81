"""Question analysis, once per question: its language, whether it was typed without diacritics (and the
text with them restored from the corpus's own words), the document numbers it names (full or bare: `CV 1887`),
the document types it names, what it asks for (domain.questions), the period, quarter and dates it is about,
the counted noun, and its content terms. Search, listing and the answerer all read this one analysis."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.doctypes import CONG_VAN, bare_number_re, code_of_typed, code_of_word, type_word_re
from domain.figures import YEAR
from domain.periods import period_of, period_words, quarter_of
from domain.questions import ASKING_WORDS, ask_count, intents_of, is_english
from domain.words import CLASSIFIERS_FOLDED, fold
from index.vntext import STOPWORDS, STOPWORDS_FOLDED, has_diacritics, tokens
from ingest.docnumbers import find_typed_numbers

# Listing questions name the task-table column they constrain.
_ROLE_WORDS = (("lead", re.compile(r"chu tri|phu trach|dau moi|\blead|in charge", re.I)),
               ("partner", re.compile(r"phoi hop|coordinat|partner", re.I)),
               ("deadline", re.compile(r"tien do|thoi han|hoan thanh|deadline", re.I)))
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s?/\s?(\d{1,2})(?![\d]|\s?/\s?[A-ZĐa-zđ])")
_MONTH_YEAR = re.compile(r"(?:thang|month)\s+(\d{1,2})\s*(?:/|nam|of)?\s*((?:19|20)\d\d)|(?<![\d/])(\d{1,2})\s?/\s?"
                         r"((?:19|20)\d\d)(?![\d/])", re.I)
# "chú thích [4]", "ghi chú số 2", "footnote 3", "chú thích [i]": the marker of a footnote the question names
_FOOTNOTE = re.compile(r"(?:chu thich|ghi chu|footnote)\s*(?:so\s*)?\[?(\d{1,3}|[ivx]{1,4})\]?(?!\w)", re.I)
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")
# The thing counted: "bao nhiêu cây cầu" → "cây cầu"; "mấy lớp" → "lớp"; "bao nhiêu héc-ta" → "héc-ta".
_COUNTED = r"((?:[^\W\d_]+(?:-[^\W\d_]+)*\s?){1,2})"
# typed without diacritics, "may" is "mấy" but not the "máy" of "nhà máy" (a factory)
_MEASURED = re.compile(rf"(?:bao nhieu|(?<!nha )may)\s+{_COUNTED}", re.I)
# typed with diacritics, "mấy" is not "máy" (nhà máy): matched as written
_MEASURED_ACCENTED = re.compile(rf"(?:bao nhiêu|mấy)\s+{_COUNTED}", re.I)
# what "bao nhiêu" asks that is no counted noun: a share, money, a period, a number of times
_NOT_MEASURE_WORDS = "phần trăm tiền % là được thì số với ngày năm tháng lần trong liệu percent of the".split()
# after "bao nhiêu", a function word or a quantifier is not what is counted ("bao nhiêu tiền mỗi người", "mét và");
# compared with diacritics when the question has them ("cơ sở" is no "có", "ca mắc" no "cả", "ổ dịch" no "ở")
_QUANTIFIERS = ("mỗi", "mọi", "các", "cả", "từng", "ở")
# two-word prepositions after "bao nhiêu" ("giảm bao nhiêu so với cùng kỳ", "bao nhiêu đối với khách hàng"); folded
_PREPOSITIONS = ("so voi", "doi voi")
_NOT_COUNTED = {True: STOPWORDS | frozenset(_QUANTIFIERS) | frozenset(_NOT_MEASURE_WORDS),
                False: STOPWORDS_FOLDED | frozenset(fold(w) for w in (*_QUANTIFIERS, *_NOT_MEASURE_WORDS))}


@dataclass
class Analysis:
    text: str  # as typed
    english: bool
    folded: bool  # typed without diacritics
    restored: str  # diacritics put back (the text itself when it has them, or is English)
    intents: list[str] = field(default_factory=list)
    period: str = ""  # "ytd" | "month" | ""
    quarter: str = ""  # "I".."IV"
    months: list[tuple[int, int]] = field(default_factory=list)  # (month, year) named
    years: list[str] = field(default_factory=list)  # years named
    day_months: list[tuple[int, int]] = field(default_factory=list)  # (day, month) named
    number_keys: list[str] = field(default_factory=list)  # full document numbers named
    bare_numbers: list[tuple[str, str]] = field(default_factory=list)  # (number, type code or "")
    types: list[str] = field(default_factory=list)  # type codes named without a number
    measures: list[str] = field(default_factory=list)  # the counted noun, folded
    row_field: str = ""  # the column a listing question constrains
    asks: int = 1  # how many things it asks for
    footnotes: list[str] = field(default_factory=list)  # footnote markers named ("chú thích [4]": "4")

    @property
    def names(self) -> list[str]:
        """The proper names the question writes (runs of two or more capitalised words after its first: "Quảng
        Nam", "Nhơn Trạch", "Lang Son"), acronyms aside. A place, project or person the documents never name is
        the surest sign they do not answer. None for an English question: English capitalises its titles and
        terms ("Prime Minister", "Decision"), which the Vietnamese documents write otherwise."""
        if self.english:
            return []
        return proper_names(self.text)

    @property
    def lexical_text(self) -> str:
        return self.restored

    @property
    def wants_figure(self) -> bool:
        return bool({"quantity", "percent", "money"} & set(self.intents))

    def content_terms(self, folded: bool = False) -> list[str]:
        """Lexical tokens of the question that carry its topic: asking words and period words out. `folded`:
        tokens of the text as typed, without diacritics (for matching the folded field)."""
        text = self.text if folded else self.restored
        for a, b in sorted(period_words(text), reverse=True):
            text = text[:a] + " " * (b - a) + text[b:]
        out = []
        for t in tokens(text, folded=folded):
            if any(fold(p) in ASKING_WORDS for p in t.split("_")):
                continue
            if "_" in t or len(t) > 1:
                out.append(t)
        return list(dict.fromkeys(out))


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|[^\w\s]")


def proper_names(text: str) -> list[str]:
    """Runs of two or more capitalised words, not counting the text's first word (capitalised as a sentence
    start) and not acronyms (UBND, TP: written out or abbreviated differently by each document)."""
    runs: list[str] = []
    current: list[str] = []
    for i, w in enumerate(_WORD.findall(text)):
        if i > 0 and w[:1].isalpha() and w[:1].isupper() and not w.isupper():
            current.append(w)
            continue
        if len(current) >= 2:
            runs.append(" ".join(current))
        current = []
    if len(current) >= 2:
        runs.append(" ".join(current))
    return list(dict.fromkeys(runs))


def _bare_numbers(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, str]]:
    out = []
    for m in bare_number_re().finditer(fold(text)):
        if any(s <= m.start(2) < e for s, e in spans):
            continue
        out.append((m.group(2), code_of_typed(m.group(1))))
    return out


def _dates(text: str) -> tuple[list[tuple[int, int]], list[str], list[tuple[int, int]]]:
    f = fold(text).lower()
    months: list[tuple[int, int]] = []
    for m in _MONTH_YEAR.finditer(f):
        mo, y = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if 1 <= int(mo) <= 12:
            months.append((int(mo), int(y)))
    for i, name in enumerate(_EN_MONTHS):
        for y in re.findall(rf"\b{name}\s+(?:\d{{1,2}},?\s+)?((?:19|20)\d\d)", f):
            months.append((i + 1, int(y)))
    day_months = [(int(d), int(mo)) for d, mo in _DAY_MONTH.findall(f) if 1 <= int(d) <= 31 and 1 <= int(mo) <= 12]
    return list(dict.fromkeys(months)), list(dict.fromkeys(YEAR.findall(f))), day_months


def counted_nouns(text: str) -> list[str]:
    """What the question counts, as typed (two words at most): "bao nhiêu biên chế công chức" → "biên chế",
    "mấy lớp" → "lớp"; not "phần trăm", "tiền", a period word, and nothing when the word after "bao nhiêu" is
    none of these nor a noun ("bao nhiêu tiền mỗi người", "bao nhiêu để xây dựng"); the noun ends at a function
    word ("mấy giờ đến mấy giờ" counts "giờ"). An English question counts nothing Vietnamese text writes, and its
    "may" is no "mấy" ("At what level may schools …")."""
    if is_english(text):
        return []
    accented = fold(text) != text
    rx = _MEASURED_ACCENTED if accented else _MEASURED
    not_counted = _NOT_COUNTED[accented]

    def counts_nothing(word: str) -> bool:
        return (word if accented else fold(word)) in not_counted

    out = []
    for m in rx.finditer(text if accented else fold(text)):
        words = m.group(1).lower().split()
        if counts_nothing(words[0]) or fold(" ".join(words[:2])) in _PREPOSITIONS:
            continue
        out.append(" ".join(words[:1] if len(words) > 1 and counts_nothing(words[1]) else words))
    return list(dict.fromkeys(out))


def measure_heads(noun: str, accented: bool = True) -> list[str]:
    """The word of a counted noun that alone says what is counted: its first ("bao nhiêu xã đạt" of "12 xã"), the
    noun after a classifier ("cây bút" counts pens, which a table writes "Bút chì | Cái | 02"; the classifier alone
    would take "cây cầu" for "cây xanh"). Typed without diacritics a lone first syllable is ambiguous ("ho": hộ,
    hỗ, hồ): only the noun after a classifier."""
    words = noun.split()
    if classifier_of(noun):
        return [words[1]]
    return [words[0]] if accented else []


def classifier_of(noun: str) -> str:
    """The classifier a counted noun opens with ("cây" of "cây bút"), "" when none: a lone classifier ("mấy
    cây") is the noun itself."""
    words = noun.split()
    return words[0] if len(words) > 1 and fold(words[0]) in CLASSIFIERS_FOLDED else ""


def _measures(text: str) -> list[str]:
    out = []
    for noun in counted_nouns(text):
        out += [fold(noun)] + [fold(h) for h in measure_heads(noun)]
    return list(dict.fromkeys(out))


def analyze(question: str, restore: object | None = None) -> Analysis:
    """`restore`: a callable putting diacritics back (the index's restorer), used for text typed without them."""
    text = question.strip()
    nums = find_typed_numbers(text)
    keys = list(dict.fromkeys(n.key for n, _, _ in nums))
    bare = _bare_numbers(text, [(s, e) for _, s, e in nums])
    english = is_english(text)
    folded = not has_diacritics(text)
    restored = text
    if folded and not english and callable(restore):
        restored = str(restore(text))
    months, years, day_months = _dates(text)
    intents = intents_of(text, english)
    types: list[str] = []
    if not keys and not bare:
        for m in type_word_re().finditer(restored):
            code = code_of_word(m.group(1))
            if code is not None:
                types.append(code or CONG_VAN)
    row_field = next((name for name, rx in _ROLE_WORDS if rx.search(fold(text))), "") if "list" in intents else ""
    return Analysis(text, english, folded, restored, intents, period_of(text), quarter_of(text), months, years,
                    day_months, keys, bare, list(dict.fromkeys(types)), _measures(text), row_field, ask_count(text),
                    list(dict.fromkeys(m.group(1).lower() for m in _FOOTNOTE.finditer(fold(text)))))
