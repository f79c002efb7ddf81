"""Folding and matching helpers shared by the vocabulary modules: a pattern written with diacritics also
matches text typed without them (users often type `bao nhieu`, `co quan nao`)."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Diacritics off: NFD, combining marks dropped, đ→d (what users type without a Vietnamese keyboard)."""
    s = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D")


def folded_pattern(alternatives: list[str] | tuple[str, ...], english: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One case-insensitive pattern over folded text: Vietnamese alternatives folded, English as written.
    Match it against `fold(text)`."""
    parts = sorted({fold(a) for a in alternatives} | set(english), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.I)
