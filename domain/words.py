"""Folding and matching helpers shared by the vocabulary modules: a pattern written with diacritics also
matches text typed without them (users often type `bao nhieu`, `co quan nao`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator


def fold(text: str) -> str:
    """Diacritics off: NFD, combining marks dropped, đ→d (what users type without a Vietnamese keyboard)."""
    s = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D")


def folded_pattern(alternatives: list[str] | tuple[str, ...], english: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One case-insensitive pattern over folded text: Vietnamese alternatives folded, English as written.
    Match it against `fold(text)`."""
    parts = sorted({fold(a) for a in alternatives} | set(english), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.I)


# Vietnamese classifiers: the word before a counted noun that says its kind, not what it is ("cây bút" = a pen,
# "con trâu" = a buffalo, "chiếc xe" = a vehicle)
CLASSIFIERS = ("cái", "con", "chiếc", "cây", "quả", "tấm", "bức", "cuốn", "quyển", "ngôi", "căn", "tòa", "toà")
CLASSIFIERS_FOLDED = frozenset(fold(w) for w in CLASSIFIERS)


class Phrases:
    """Vietnamese phrases matched as the text writes them: a text typed with diacritics by its diacritics, a text
    typed without any by the folded phrases. Folding a question typed with diacritics takes "ưu tiên" for "tiền",
    "quốc gia" for "giá", "máy" for "mấy", "Nhân ái" for "ai". Offsets are those of the text (NFC), which folding
    keeps."""

    def __init__(self, alternatives: list[str] | tuple[str, ...]) -> None:
        parts = sorted({unicodedata.normalize("NFC", a).lower() for a in alternatives}, key=len, reverse=True)
        self.accented = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")
        self.folded = folded_pattern(alternatives)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        nfc = unicodedata.normalize("NFC", text)
        if fold(nfc) != nfc:
            return self.accented.finditer(nfc.lower())
        return self.folded.finditer(nfc)
