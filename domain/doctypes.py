"""Document types (loại văn bản) and their codes in số hiệu: `QĐ` in `2233/QĐ-UBND` is a Quyết định; a
number without type letters (`1887/UBND-NC`) is a Công văn."""

from __future__ import annotations

import re
import unicodedata

# Type letters (folded, upper case) → the display name of the type.
TYPE_CODES: dict[str, str] = {
    "QD": "Quyết định", "KH": "Kế hoạch", "CT": "Chỉ thị", "BC": "Báo cáo", "TB": "Thông báo",
    "NQ": "Nghị quyết", "ND": "Nghị định", "TT": "Thông tư", "CD": "Công điện", "CTR": "Chương trình",
    "HD": "Hướng dẫn", "TTR": "Tờ trình", "KL": "Kết luận", "QC": "Quy chế", "TTLT": "Thông tư liên tịch",
}
# Type words as written → type letters ("" for a công văn, which has none).
TYPE_WORDS: dict[str, str] = {
    "quyết định": "QD", "kế hoạch": "KH", "chỉ thị": "CT", "báo cáo": "BC", "thông báo": "TB",
    "nghị quyết": "NQ", "nghị định": "ND", "thông tư": "TT", "công điện": "CD", "chương trình": "CTR",
    "hướng dẫn": "HD", "tờ trình": "TTR", "kết luận": "KL", "công văn": "", "quy chế": "QC",
    "thông tư liên tịch": "TTLT",
}
# How English speakers name the same types.
ENGLISH_TYPE_WORDS: dict[str, str] = {
    "decision": "QD", "plan": "KH", "directive": "CT", "report": "BC", "notice": "TB", "announcement": "TB",
    "resolution": "NQ", "decree": "ND", "circular": "TT", "dispatch": "CD", "telegram": "CD",
    "programme": "CTR", "program": "CTR", "guidance": "HD", "official letter": "", "letter": "",
    "conclusion": "KL", "regulation": "QC",
}
# The code a passage's type is filed under: a công văn (no type letters) is "CV" there.
CONG_VAN = "CV"


def _fold(text: str) -> str:
    s = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D")


_BY_FOLDED_WORD = {_fold(w): code for w, code in TYPE_WORDS.items()}
_BY_FOLDED_NAME = {_fold(name).lower(): code for code, name in TYPE_CODES.items()}
_BY_FOLDED_NAME["cong van"] = CONG_VAN
# A type word in running text, with or without diacritics, longest first ("thông tư liên tịch" before "thông tư").
TYPE_WORD_RE = re.compile(
    r"\b(" + "|".join(sorted({re.escape(w) for w in TYPE_WORDS} | {re.escape(_fold(w)) for w in TYPE_WORDS},
                             key=len, reverse=True)) + r")\b", re.I)


def code_of_word(word: str) -> str | None:
    """Type letters of a type word as typed (`quyet dinh` → QD, `công văn` → ""); None when not a type word."""
    return _BY_FOLDED_WORD.get(_fold(word).lower())


def code_of_name(name: str) -> str:
    """Filing code of a display type name (`Kế hoạch` → KH, `Công văn` → CV, unknown → "")."""
    return _BY_FOLDED_NAME.get(_fold(name or "").lower().strip(), "")


def name_of_code(code: str) -> str:
    return TYPE_CODES.get(code, "Công văn")
