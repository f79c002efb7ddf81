"""Document types (loại văn bản): one entry per type, the single source every layer reads — the header's type
line (`QUYẾT ĐỊNH`), the type letters of a số hiệu (`QĐ` in `2233/QĐ-UBND`; a number without them,
`1887/UBND-NC`, is a Công văn), the words a question names a type with (`quyết định`, `quyet dinh`,
`decision`, `CV 1887`) and the filing code of a passage's type.

A new genre is one `DocType` in `DOC_TYPES` (or `register(DocType(...))` at run time): every table and pattern
below is derived from the list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .words import fold


@dataclass(frozen=True)
class DocType:
    name: str  # how the type is named and filtered on: "Quyết định"
    # The type letters of its số hiệu, folded: "QD". "" for a công văn (its number has none); None for a type
    # without type letters of its own (an appendix, a law).
    code: str | None = None
    english: tuple[str, ...] = ()  # how English speakers name it
    # Short forms typed before a bare number ("CV 1887", "qd 2233"), folded, lower case.
    typed: tuple[str, ...] = ()
    # What the type in capitals on a header line does: "type" — it is the header's type line, the document is
    # of this type (QUYẾT ĐỊNH); "title" — it marks a header but opens its title (a Thông tư's "QUY ĐỊNH VỀ …"),
    # the document is not typed by it; "law" — it types the document (LUẬT ĐIỆN ẢNH) but alone marks no header
    # line (a law has no site header around it); "" — not read in headers.
    header: str = "type"


DOC_TYPES: list[DocType] = [
    DocType("Quyết định", "QD", ("decision",), ("qd",)),
    DocType("Kế hoạch", "KH", ("plan",), ("kh",)),
    DocType("Chỉ thị", "CT", ("directive",), ("ct",)),
    DocType("Báo cáo", "BC", ("report",), ("bc",)),
    DocType("Thông báo", "TB", ("notice", "announcement"), ("tb",)),
    DocType("Nghị quyết", "NQ", ("resolution",), ("nq",)),
    DocType("Nghị định", "ND", ("decree",), ("nd",)),
    DocType("Thông tư", "TT", ("circular",), ("tt",)),
    DocType("Công điện", "CD", ("dispatch", "telegram"), ("cd",)),
    DocType("Chương trình", "CTR", ("programme", "program")),
    DocType("Hướng dẫn", "HD", ("guidance",)),
    DocType("Tờ trình", "TTR"),
    DocType("Kết luận", "KL", ("conclusion",), ("kl",)),
    DocType("Quy chế", "QC", ("regulation",), header="title"),
    DocType("Thông tư liên tịch", "TTLT"),
    DocType("Công văn", "", ("official letter", "letter"), ("cv", "van ban")),
    DocType("Phụ lục"),
    DocType("Quy định", header="title"),
    DocType("Đề án", header="title"),
    DocType("Luật", header="law"),
    DocType("Bộ luật", header="law"),
    DocType("Hiến pháp", header="law"),
]
# The code a passage's type is filed under: a công văn (no type letters) is "CV" there.
CONG_VAN = "CV"
APPENDIX = "Phụ lục"
BULLETIN = "Bản tin"  # a weekly bulletin of directives: a genre of its own, not a type of official document
# Words naming "a document" of any type before a bare number.
_ANY_TYPE_TYPED = ("document",)

# Derived from DOC_TYPES (rebuilt in place by `register`, so importers keep the same objects):
TYPE_CODES: dict[str, str] = {}  # type letters → name
TYPE_WORDS: dict[str, str] = {}  # name in lower case → type letters ("" for a công văn)
ENGLISH_TYPE_WORDS: dict[str, str] = {}  # English name → type letters
TYPE_TITLES: dict[str, str] = {}  # name in capitals, as a header's type line writes it → name
HEADER_WORDS: set[str] = set()  # names in capitals that mark a header line (types and title openers)


def _derive() -> None:
    for table in (TYPE_CODES, TYPE_WORDS, ENGLISH_TYPE_WORDS, TYPE_TITLES, HEADER_WORDS):
        table.clear()
    for t in DOC_TYPES:
        if t.header in ("type", "law"):
            TYPE_TITLES[t.name.upper()] = t.name
        if t.header in ("type", "title"):
            HEADER_WORDS.add(t.name.upper())
        if t.code is None:
            continue
        if t.code:
            TYPE_CODES[t.code] = t.name
        TYPE_WORDS[t.name.lower()] = t.code
        for w in t.english:
            ENGLISH_TYPE_WORDS[w] = t.code
    _patterns.cache_clear()


def register(t: DocType) -> None:
    """Add a genre (or replace the entry of that name): every derived table and pattern follows."""
    DOC_TYPES[:] = [x for x in DOC_TYPES if x.name != t.name] + [t]
    _derive()


def unregister(name: str) -> None:
    DOC_TYPES[:] = [x for x in DOC_TYPES if x.name != name]
    _derive()


def _alternation(words: set[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # longest first: "thông tư liên tịch"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    words = set(TYPE_WORDS) | {fold(w) for w in TYPE_WORDS}
    typed = {fold(w) for w in TYPE_WORDS} | set(ENGLISH_TYPE_WORDS) | set(_ANY_TYPE_TYPED) | \
        {w for t in DOC_TYPES for w in t.typed}
    return {
        # a type word in running text, with or without diacritics
        "word": re.compile(r"\b(" + _alternation(words) + r")\b", re.I),
        # a header's type line: the type in capitals, then (group 2) what follows it on the line
        "title": re.compile(r"^(" + _alternation(set(TYPE_TITLES)) + r")\b\s*(.*)$"),
        # a line of a header naming a type (or opening its title with one)
        "header": re.compile(r"^(" + _alternation(HEADER_WORDS) + r")\b"),
        # a number named with its type but without its code: "Công văn 1887", "CV số 1887", "decision 2233"
        # (matched on folded text)
        "bare": re.compile(r"\b(" + _alternation(typed) + r")\s*(?:so|no\.?|number)?\s*(\d{1,6})(?![\d/])", re.I),
        # a document named by its type and number, however written ("KH 624", "Nghị quyết 82/2025", "QD số
        # 96/2025/QD-UBND"; on folded text)
        "cited": re.compile(r"\b(" + _alternation(typed) + r")\s*(?:so|no\.?|number)?\s*\d[\d/.]*(?:[-/][A-Za-z]+)*",
                            re.I),
        # the type named right before a number cited in text ("theo Quyết định số 12/…")
        "before": re.compile(r"(" + _alternation({t.name for t in DOC_TYPES}) + r")\s*(?:số|số:)?\s*$", re.I),
    }


def type_word_re() -> re.Pattern[str]:
    return _patterns()["word"]


def type_title_re() -> re.Pattern[str]:
    return _patterns()["title"]


def header_word_re() -> re.Pattern[str]:
    return _patterns()["header"]


def bare_number_re() -> re.Pattern[str]:
    return _patterns()["bare"]


def type_and_number_re() -> re.Pattern[str]:
    """A document named by its type and number ("KH 624", "Nghị quyết 82/2025"), matched on folded text."""
    return _patterns()["cited"]


def type_before_re() -> re.Pattern[str]:
    return _patterns()["before"]


def code_of_typed(word: str) -> str:
    """Type letters of a type named before a bare number (`cv` → "", `qd` → QD, `decision` → QD)."""
    w = fold(word).lower()
    for t in DOC_TYPES:
        if t.code is not None and (w in t.typed or w == fold(t.name).lower() or w in t.english):
            return t.code
    return ENGLISH_TYPE_WORDS.get(w, "")


def code_of_word(word: str) -> str | None:
    """Type letters of a type word as typed (`quyet dinh` → QD, `công văn` → ""); None when not a type word."""
    w = fold(word).lower()
    return next((code for name, code in TYPE_WORDS.items() if fold(name) == w), None)


def code_of_name(name: str) -> str:
    """Filing code of a display type name (`Kế hoạch` → KH, `Công văn` → CV, unknown → "")."""
    n = fold(name or "").lower().strip()
    if n == fold("công văn"):
        return CONG_VAN
    return next((code for code, full in TYPE_CODES.items() if fold(full).lower() == n), "")


def name_of_code(code: str) -> str:
    return TYPE_CODES.get(code, "Công văn")


def name_of_title(title: str) -> str:
    """The type a header's type line names (`QUYẾT ĐỊNH` → Quyết định)."""
    return TYPE_TITLES[title]


_derive()
