"""How Vietnamese a text layer reads. A PDF whose fonts lack Vietnamese glyph mappings extracts as garbage: most
words broken (`vế+ việc đầ7y` for `về việc đẩy`: few valid syllables), or — the sly case — most syllables intact
and a stray digit, `+` or control character left where a tone mark belongs (`UBND tỉ7nh đã tập trung chỉ7 đạo,
ĐIỀ+U HÀNH`). Both are caught; such a page is read again (pdfium, then OCR) or the file is refused."""

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


GARBLED_BELOW = 0.75  # share of Vietnamese words under which a text layer is garbage
STRAY_WORDS = 3  # at least this many words with a stray mark …
STRAY_SHARE = 0.02  # … and this share of the words: real text has none (0 in the 63 shared documents)
MIN_WORDS = 15
_VOWELS = set("aăâeêioôơuưy")
# a letter, then a digit, `+` or a control character, then a letter or the word's end
_STRAY = re.compile(r"([^\W\d_])([0-9+\x00-\x08\x0b\x0c\x0e-\x1f])(?=([^\W\d_])|(?!\w))")


def has_stray_mark(word: str) -> bool:
    """A tone mark that became a digit, `+` or control character: after a vowel that carries a Vietnamese
    mark (`chỉ7`, `ĐIỀ+U`, `vế+`), or inside a lowercase word (`gia7o`). Codes keep theirs: `A1`, `U23`,
    `km2`, `H50`, `COVID-19`, `T11/2025`."""
    for m in _STRAY.finditer(word):
        prev, nxt = m.group(1), m.group(3)
        if not prev.isalpha() or _base(prev)[0][:1] not in _VOWELS:
            continue
        if not prev.isascii() or (nxt is not None and prev.islower() and nxt.islower()):
            return True
    return False


def stray_marks(text: str) -> int:
    return sum(1 for w in _WORD.findall(text) if has_stray_mark(w))


def is_garbled(text: str) -> bool:
    """A text layer not worth indexing as it is: few Vietnamese syllables, or tone marks turned into stray
    characters. Short texts (a title page, a signature) are not judged."""
    words = len(_WORD.findall(text))
    if words < MIN_WORDS:
        return False
    strays = stray_marks(text)
    return vietnamese_score(text) < GARBLED_BELOW or (strays >= STRAY_WORDS and strays / words >= STRAY_SHARE)
