"""What an abstention says the documents do not hold ("Tài liệu không nêu mức hỗ trợ mỗi hộ"): the run of the
question's own topic words that the closest passages and their documents' frames do not write, shown as the
question wrote it.

A run names a thing, not a fragment of the question: words that point at a document ("KH 624", "Nghị quyết
82/2025", "2217/QĐ-UBND") name the document asked about, never what it lacks; a proper name is held or not as a
whole ("Hà Tĩnh", whose "Hà" some passage happens to write, is not half held) and a run of its own; a lone syllable takes the
neighbour it makes a compound with in the question ("điều lệ", not "lệ"), a longer run on each edge the one
neighbour it makes a compound with that the corpus writes ("tổng diện tích"), never a period word ("… năm"); the
index's function words are shed at the run's edges. Words are compared with their
diacritics when the question has them ("Nam" of Quảng Nam is not "năm")."""

from __future__ import annotations

import re
import unicodedata

from domain.doctypes import bare_number_re, type_and_number_re
from domain.figures import DOCNUM
from domain.questions import asking_spans
from domain.words import fold
from index.vntext import STOPWORDS, STOPWORDS_FOLDED

from .analysis import Analysis, counted_nouns, proper_names
from .features import BIGRAM_SHARE, UNKNOWN_IDF, QuestionTerms
from .measures import counted_phrase, is_money, measure_absent, measure_uncounted

WORD = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*")  # a word, or a figure or date written as one ("31/12/2023")
_FUNCTION = {False: STOPWORDS, True: STOPWORDS_FOLDED}  # by whether the question is typed without diacritics
_PERIOD = {False: frozenset(("năm", "tháng", "quý", "ngày")), True: frozenset(("nam", "thang", "quy", "ngay"))}


def missing_phrase(a: Analysis, held_texts: list[str], terms: QuestionTerms, quoted: str = "") -> str:
    """The weightiest run of the question's topic words none of `held_texts` (the closest passages with their
    documents' frames) writes, as the question typed it — or, when they never write what the question counts and
    the run is no name, that measure ("diện tích (ha)"); when it is written but no figure of `quoted` (the closest
    quotes) counts it, its number ("số doanh nghiệp"); "" when there is none or the question is in English (its
    words are not the documents')."""
    if a.english:
        return ""
    restored = unicodedata.normalize("NFC", a.restored)
    typed = unicodedata.normalize("NFC", a.text)
    shown = typed if a.folded and len(typed) == len(restored) else restored  # restoration may guess wrong
    held_words = {w for text in held_texts for w in WORD.findall(fold(text).lower())}
    held_line = " " + " ".join(_words(fold(" ".join(held_texts)))) + " "
    topic = _topic_phrase(a, terms, restored, shown, held_words, held_line)
    # what the question counts, never written near, is what the documents lack — unless a name is ("… Lạng Sơn có
    # bao nhiêu xã …" of passages about another province)
    names = proper_names(shown)
    named = any(n in topic or (topic and topic in n) for n in names)
    if measure_absent(a, "\n".join(held_texts)) and not named:
        return "số tiền" if is_money(a) else _measure_phrase(a, shown, held_line)
    # written but never counted by the closest quotes: its number is what they lack
    if quoted and not named and measure_uncounted(a, quoted):
        return counted_phrase(a, "\n".join([*held_texts, quoted]))
    return topic


def _topic_phrase(a: Analysis, terms: QuestionTerms, restored: str, shown: str, held_words: set[str],
                  held_line: str) -> str:
    """The weightiest run of the question's topic words the held texts do not write."""
    # (as written, compared form, folded form, offset): compared with diacritics unless typed without them
    words = [(m.group(), fold(m.group()).lower() if a.folded else m.group().lower(), fold(m.group()).lower(),
              m.start()) for m in WORD.finditer(restored)]
    function, period = _FUNCTION[a.folded], _PERIOD[a.folded]
    topical = {fold(t) for t in terms.weights if "_" not in t}
    asking = asking_spans(restored, a.english)
    references = _reference_spans(restored)

    def inside(at: int, spans: list[tuple[int, int]]) -> bool:
        return any(lo <= at < hi for lo, hi in spans)

    absent = [f not in held_words and f in topical and not inside(at, asking) and not inside(at, references)
              for _, _, f, at in words]
    # a proper name is held whole or not at all
    named: set[int] = set()
    for name in proper_names(restored):
        idx = _name_words(words, restored, name)
        named.update(idx)
        whole = f" {' '.join(_words(fold(name)))} " in held_line
        for i in idx:
            absent[i] = not whole and not inside(words[i][3], references)
    runs: list[tuple[int, int]] = []
    for i, gone in enumerate(absent):
        # a name is a thing of its own: a run does not run on from a name into the words around it
        if gone and runs and runs[-1][1] == i and ((i in named) == (i - 1 in named)):
            runs[-1] = (runs[-1][0], i + 1)
        elif gone:
            runs.append((i, i + 1))
    if not runs:
        return ""
    lo, hi = max(runs, key=lambda r: sum(terms.weights.get(words[j][1], 0.0) or 1.0 for j in range(*r)))
    # an edge syllable is often half a word: a lone one takes the neighbour it pairs with in the question; a
    # longer run, on each edge, the one neighbour it makes a compound with that the corpus writes ("tổng diện" →
    # "tổng diện tích"), never more (the neighbours are held: the run would swallow the question)
    pairs = {fold(t) for t in terms.weights if "_" in t}
    known = {fold(t) for t, w in terms.weights.items() if "_" in t and w < UNKNOWN_IDF * BIGRAM_SHARE}
    fixed = named | {i for i, w in enumerate(words) if inside(w[3], references)}

    def joins(i: int, edge: int, among: set[str]) -> bool:
        return 0 <= i < len(words) and i not in fixed and words[i][1] not in function | period and \
            f"{words[min(i, edge)][2]}_{words[max(i, edge)][2]}" in among

    if hi - lo == 1:
        if joins(lo - 1, lo, pairs):
            lo -= 1
        elif joins(hi, lo, pairs):
            hi += 1
    else:
        lo, hi = lo - joins(lo - 1, lo, known), hi + joins(hi, hi - 1, known)
    while hi - lo > 1 and words[lo][1] in function:
        lo += 1
    while hi - lo > 1 and words[hi - 1][1] in function:
        hi -= 1
    if all(words[j][1] in function for j in range(lo, hi)):
        return ""
    phrase = shown[words[lo][3]:words[hi - 1][3] + len(words[hi - 1][0])]
    if phrase.count("(") > phrase.count(")"):  # "người dân (SIPAS"
        phrase += ")"
    return phrase


def _measure_phrase(a: Analysis, shown: str, held_line: str) -> str:
    """What the question counts, which the closest passages never write: the measure with the words the question
    puts right before its asking word when the passages do not write them either ("có diện tích bao nhiêu ha" →
    "diện tích (ha)"), else the measure alone ("được cấp mấy đôi giày" → "đôi giày": the passages say "cấp")."""
    function, period = _FUNCTION[a.folded], _PERIOD[a.folded]
    measure = counted_nouns(a.restored if a.folded else a.text)[0]
    asked = re.search(rf"(?:bao nhieu|may)\s+{re.escape(fold(measure).lower())}(?!\w)", fold(shown).lower())
    if asked is None:
        return measure
    before = [m for m in WORD.finditer(shown[:asked.start()])]
    lead: list[re.Match[str]] = []
    for m in reversed(before[-2:]):
        w = fold(m.group()).lower() if a.folded else m.group().lower()
        if w in function or w in period or m.group()[:1].isupper() or m.group()[:1].isdigit():
            break
        lead.insert(0, m)
    if lead and f" {' '.join(_words(fold(shown[lead[0].start():lead[-1].end()])))} " in held_line:
        lead = []  # the passages write it ("được cấp"): the measure is what they lack
    if not lead:
        return shown[asked.end() - len(measure):asked.end()]
    return f"{shown[lead[0].start():lead[-1].end()]} ({shown[asked.end() - len(measure):asked.end()]})"


def _name_words(words: list[tuple[str, str, str, int]], text: str, name: str) -> list[int]:
    """The indices of the words of every occurrence of `name` in `text`."""
    out: list[int] = []
    for m in re.finditer(re.escape(name), text):
        out += [i for i, w in enumerate(words) if m.start() <= w[3] < m.end()]
    return out


def _reference_spans(question: str) -> list[tuple[int, int]]:
    """Where the question points at a document: its numbers ("624/KH-UBND") and a type named with a number ("KH
    624", "Nghị quyết 82/2025", "Công văn 1887"). Offsets into `question` (NFC; folding keeps each character's
    place)."""
    folded = fold(question)
    spans = [m.span() for m in DOCNUM.finditer(question)]
    spans += [m.span() for rx in (bare_number_re(), type_and_number_re()) for m in rx.finditer(folded)]
    return spans


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).lower())
