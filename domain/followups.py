"""Words that make a question lean on the one before it ("còn nhập khẩu thì sao?", "tuyến kia…", "what about
that one?"): it is then searched with the earlier question's topic."""

from __future__ import annotations

import re

from .words import fold

_LEADING = ("còn", "vậy", "thế", "thì", "trong đó", "phần", "cái", "ở đó", "riêng", "thế còn", "vậy còn")
_ANYWHERE = ("thì sao", "đó", "kia", "này", "ấy", "trên", "nói trên", "vừa rồi", "như vậy", "việc đó",
             "văn bản đó", "văn bản này", "cơ quan đó")
_ENGLISH = ("what about", "how about", "and the", "that one", "it", "that", "those", "this one", "they", "them")


def _pattern(words: set[str]) -> re.Pattern[str]:
    leading = {w for w in words if w in _LEADING or fold(w) in {fold(x) for x in _LEADING}}
    return re.compile(
        r"^(?:" + "|".join(sorted(map(re.escape, leading), key=len, reverse=True)) + r")\b|"
        r"\b(?:" + "|".join(sorted(map(re.escape, words - leading), key=len, reverse=True)) + r")\b", re.I)


# Typed with diacritics, "này" is not "nay" (năm nay): each form is matched against text of its own kind.
_ACCENTED = _pattern(set(_LEADING) | set(_ANYWHERE) | set(_ENGLISH))
_FOLDED = _pattern({fold(w) for w in (*_LEADING, *_ANYWHERE)} | set(_ENGLISH))
SHORT_QUESTION_WORDS = 5  # a question this short leans on its conversation


def looks_like_followup(question: str) -> bool:
    q = question.strip()
    rx = _FOLDED if fold(q) == q else _ACCENTED
    return bool(rx.search(q)) or len(q.split()) <= SHORT_QUESTION_WORDS


# "còn … thì sao?", "thế còn …", "what about …": the question asks what the previous one asked, of something else
_WHAT_ABOUT = re.compile(r"^(?:con|the con|vay con|rieng)\b|\bthi sao\b|\b(?:what|how) about\b")  # on folded text


def asks_what_about(question: str) -> bool:
    """The question asks the previous question's kind of thing of another subject ("Còn Cần Thơ?", "what about
    imports?"), whatever interrogative it also writes ("thế còn năm 2026 thì mức nào?")."""
    return bool(_WHAT_ABOUT.search(fold(question.strip()).lower()))
