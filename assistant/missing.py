"""What an abstention says the documents do not hold ("Tài liệu không nêu mức hỗ trợ mỗi hộ"): the run of the
question's own topic words that the closest passages and their documents' frames do not write, shown as the
question wrote it.

A run names a thing, not a fragment of the question: words that point at a document ("KH 624", "NQ 82/2025",
"2217/QĐ-UBND") name the document asked about, never what it lacks; a proper name is held or not as a whole ("Hà
Tĩnh", whose "Hà" some passage happens to write, is not half held); a run is widened to the whole compound words
the question's terms pair across its edges ("công suất lắp máy", not "suất lắp") and stripped of function words
at its edges ("mỗi", "sẽ")."""

from __future__ import annotations

import re
import unicodedata

from domain.doctypes import bare_number_re
from domain.figures import DOCNUM
from domain.questions import asking_spans
from domain.words import fold
from index.vntext import STOPWORDS

from .analysis import Analysis, proper_names
from .features import BIGRAM_SHARE, UNKNOWN_IDF, QuestionTerms

WORD = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*")  # a word, or a figure or date written as one ("31/12/2023")
STOP_FOLDED = frozenset(fold(w) for w in STOPWORDS)
_PERIOD_WORDS = frozenset(("nam", "thang", "quy", "ngay"))  # folded
# a document's type abbreviated, then its number ("KH 624", "QĐ số 2217", "NQ 82/2025/NQ-HĐND"), on folded text
_TYPE_AND_NUMBER = re.compile(r"(?<!\w)[A-Z]{2,5}\s+(?:so\s+)?\d[\d/.-]*")


def missing_phrase(a: Analysis, held_texts: list[str], terms: QuestionTerms) -> str:
    """The weightiest run of the question's topic words none of `held_texts` (the closest passages with their
    documents' frames) writes, as the question typed it; "" when there is none or the question is in English
    (its words are not the documents')."""
    if a.english:
        return ""
    held_words = {w for text in held_texts for w in WORD.findall(fold(text).lower())}
    held_line = " " + " ".join(_words(fold(" ".join(held_texts)))) + " "
    shown = a.text if a.folded and len(a.text) == len(a.restored) else a.restored  # restoration may guess wrong
    words = [(m.group(), fold(m.group()).lower(), m.start()) for m in WORD.finditer(a.restored)]
    topical = {fold(t) for t in terms.weights if "_" not in t}
    asking = asking_spans(a.restored, a.english)
    references = _reference_spans(a.restored)

    def inside(at: int, spans: list[tuple[int, int]]) -> bool:
        return any(lo <= at < hi for lo, hi in spans)

    absent = [f not in held_words and f in topical and not inside(at, asking) and not inside(at, references)
              for _, f, at in words]
    # a proper name is held whole or not at all
    for name in proper_names(a.restored):
        idx = _name_words(words, a.restored, name)
        whole = f" {' '.join(_words(fold(name)))} " in held_line
        for i in idx:
            absent[i] = not whole and not inside(words[i][2], references)
    runs: list[tuple[int, int]] = []
    for i, gone in enumerate(absent):
        if gone and runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        elif gone:
            runs.append((i, i + 1))
    if not runs:
        return ""
    lo, hi = max(runs, key=lambda r: sum(terms.weights.get(words[j][0].lower(), 0.0) or 1.0 for j in range(*r)))
    while hi - lo > 1 and words[lo][1] in STOP_FOLDED:
        lo += 1
    while hi - lo > 1 and words[hi - 1][1] in STOP_FOLDED:
        hi -= 1
    while hi - lo > 1 and words[hi - 1][1] in _PERIOD_WORDS:  # "… của Lạng Sơn năm": the period is not the thing
        hi -= 1
    named = [i for name in proper_names(a.restored) for i in _name_words(words, a.restored, name)]
    lo, hi = _whole_compounds(words, lo, hi, terms, set(named) | {i for i, (_, _, at) in enumerate(words)
                                                                  if inside(at, references)})
    if all(words[j][1] in STOP_FOLDED for j in range(lo, hi)):
        return ""
    phrase = shown[words[lo][2]:words[hi - 1][2] + len(words[hi - 1][0])]
    if phrase.count("(") > phrase.count(")"):  # "người dân (SIPAS"
        phrase += ")"
    return phrase


def _name_words(words: list[tuple[str, str, int]], text: str, name: str) -> list[int]:
    at = text.find(name)
    return [i for i, (_, _, s) in enumerate(words) if at >= 0 and at <= s < at + len(name)]


def _whole_compounds(words: list[tuple[str, str, int]], lo: int, hi: int, terms: QuestionTerms,
                     fixed: set[int]) -> tuple[int, int]:
    """The run widened by the neighbours its edge words make a compound with ("công suất": "suất lắp" →
    "công suất lắp máy"): a syllable alone is often half a word. A compound is a pair of the question's
    syllables the corpus writes together (its idf is known); a lone syllable takes the neighbour it pairs with
    in the question even so (the corpus may never write the compound asked about: "vốn điều lệ"). A neighbour
    in `fixed` — a proper name, held or not as a whole, or a document reference — is never taken in ("Hà Nội
    đặt")."""
    pairs = {fold(t) for t in terms.weights if "_" in t}
    known = {fold(t) for t, w in terms.weights.items() if "_" in t and w < UNKNOWN_IDF * BIGRAM_SHARE}

    def joins(left: int, right: int, among: set[str]) -> bool:
        if not (0 <= left and right < len(words)):
            return False
        outer = left if left < lo else right
        return words[outer][1] not in STOP_FOLDED | _PERIOD_WORDS and outer not in fixed and \
            f"{words[left][1]}_{words[right][1]}" in among

    if hi - lo == 1:
        if joins(lo - 1, lo, pairs):
            lo -= 1
        elif joins(hi - 1, hi, pairs):
            hi += 1
    while joins(lo - 1, lo, known):
        lo -= 1
    while joins(hi - 1, hi, known):
        hi += 1
    return lo, hi


def _reference_spans(question: str) -> list[tuple[int, int]]:
    """Where the question points at a document: its numbers ("624/KH-UBND", "Công văn 1887") and a type's
    abbreviation before a number ("KH 624"). Offsets into `question` (folding keeps every character's place)."""
    folded = fold(question)
    spans = [m.span() for m in DOCNUM.finditer(question)]
    spans += [m.span() for m in bare_number_re().finditer(folded)]
    spans += [m.span() for m in _TYPE_AND_NUMBER.finditer(folded)]
    return spans


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).lower())
