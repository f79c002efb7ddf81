"""How Vietnamese a text layer reads: the share of its words that are valid Vietnamese syllables (or numbers,
codes, abbreviations). A PDF whose fonts lack Vietnamese glyph mappings extracts as garbage (`vế+ việc đầ7y`
for `về việc đẩy`); such a page is read again by another extractor, or by OCR, whichever reads better."""

from __future__ import annotations

import re
import unicodedata

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEUS = r"(?:[aăâeêioôơuưy]{1,3})"
_CODA = r"(?:ch|nh|ng|[cmnptuioy])?"
_SYLLABLE = re.compile(rf"^{_ONSET}{_NUCLEUS}{_CODA}$")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD = re.compile(r"\S+")
_EDGE = re.compile(r"^[\"'“”‘’(\[{«<–—*-]+|[\"'“”‘’)\]}»>.,;:!?…–—*-]+$")


def _base(word: str) -> tuple[str, int]:
    """The syllable without its tone mark (vowel marks kept), and how many tone marks it had."""
    d = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in d if ch in _TONES)
    kept = "".join(ch for ch in d if ch not in _TONES)
    return unicodedata.normalize("NFC", kept), tones


def is_syllable(word: str) -> bool:
    base, tones = _base(word)
    return tones <= 1 and bool(_SYLLABLE.match(base))


def vietnamese_score(text: str) -> float:
    """Share of words that read as Vietnamese (or as numbers, document codes, capitalised abbreviations)."""
    words = [_EDGE.sub("", w) for w in _WORD.findall(text)]
    words = [w for w in words if any(ch.isalnum() for ch in w)]  # table rules and bullets are not words
    if not words:
        return 0.0
    good = 0
    for w in words:
        if re.fullmatch(r"[\d.,/%-]+", w) or (w.isupper() and w.isalpha() and len(w) <= 8) or \
                re.fullmatch(r"[\w&-]+/[\w&/-]+", w) or is_syllable(w):
            good += 1
    return good / len(words)
