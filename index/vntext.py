"""Vietnamese tokens for lexical search: syllables and bigrams, diacritic folding, tone-placement
normalisation (hoà/hòa), stop words, and number-aware tokens (`6.137,6` also matches `6137,6`)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

# The version of `tokens` below: stored tokens (the catalog's lexicon, the snapshots) carry it, `chidao check`
# compares it and `chidao repair` re-tokenises what another version made. Change it with any change to what
# `tokens` or `syllables` return.
TOKENIZER_VERSION = "vntext-1"

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_TOKEN = re.compile(
    r"(?P<docnum>\d{1,6}\s?/\s?(?:\d{4}/)?[A-ZĐa-zđ][\wĐđ&]*(?:-[\wĐđ&]+)*|\d{1,5}-[A-Za-zĐđ]+/[A-Za-zĐđ]+)"
    r"|(?P<num>\d+(?:[.,/]\d+)*%?)"
    r"|(?P<word>[^\W\d_]+)",
)

STOPWORDS = frozenset(
    """và của các những là có được cho với trong theo đã để này đó tại về từ một thì mà nào bao nhiêu gì không
    ra lại vậy sao nhé ạ ơi hỏi biết cho_tôi tôi bạn như thế nên cũng đến khi nếu hay hoặc bị vào lên ấy kia
    the of and or a an to in on for is are was were be by with what which who how many much when where does do
    did that this it as at from""".split()
)


def fold(text: str) -> str:
    """Diacritics off: NFD, drop combining marks, đ→d (what users type without a Vietnamese keyboard)."""
    s = unicodedata.normalize("NFD", text)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D")


STOPWORDS_FOLDED = frozenset(fold(w) for w in STOPWORDS)  # as a question typed without diacritics writes them


@lru_cache(maxsize=500_000)
def fold_word(word: str) -> str:
    """`fold` for a single token, memoised: a corpus repeats a small vocabulary millions of times."""
    return fold(word)


def has_diacritics(text: str) -> bool:
    return fold(text) != text


def normalize_tone(word: str) -> str:
    """Old-style tone placement to new style on open syllables: hoà→hòa, thuỷ→thủy, khoẻ→khỏe."""
    d = unicodedata.normalize("NFD", word)
    m = re.search(r"([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])$", d)
    if m and not (m.group(1) in "uU" and m.group(2) in "aAeE"):
        d = d[: m.start()] + m.group(1) + m.group(3) + m.group(2)
    return unicodedata.normalize("NFC", d)


def _number_variants(tok: str) -> list[str]:
    out = [tok]
    bare = tok.rstrip("%")
    if bare != tok:
        out.append(bare)
    if "." in bare and "," in bare or re.fullmatch(r"\d{1,3}(\.\d{3})+", bare):
        out.append(bare.replace(".", ""))
    if "/" in bare:
        out.append("/".join(p.lstrip("0") or "0" for p in bare.split("/")))
    if re.fullmatch(r"0\d+", bare):
        out.append(bare.lstrip("0"))
    return out


def syllables(text: str) -> list[tuple[str, str]]:
    """(kind, token) in order: kind is docnum | num | word. Words are lowercased and tone-normalised."""
    text = _SUPERSCRIPTS.sub(" ", unicodedata.normalize("NFC", text))
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        tok = m.group(0)
        if kind == "docnum":
            out.append(("docnum", fold(re.sub(r"\s+", "", tok)).upper()))
        elif kind == "num":
            out.append(("num", tok))
        else:
            out.append(("word", _word(tok)))
    return out


@lru_cache(maxsize=500_000)
def _word(tok: str) -> str:
    """A word as tokens carry it, memoised (a corpus repeats a small vocabulary: ingest time is tokenising)."""
    return normalize_tone(tok.lower())


def tokens(text: str, folded: bool = False) -> list[str]:
    """Unigrams (stop words out), bigrams of adjacent syllables, numbers with their variants, doc numbers whole."""
    return _tokens(syllables(text), folded)


def token_fields(text: str) -> tuple[list[str], list[str]]:
    """`tokens(text)` and `tokens(text, folded=True)`, the text cut into syllables once."""
    seq = syllables(text)
    return _tokens(seq, False), _tokens(seq, True)


def _tokens(seq: list[tuple[str, str]], folded: bool) -> list[str]:
    out: list[str] = []
    prev: str | None = None
    for kind, tok in seq:
        if kind == "word":
            w = fold_word(tok) if folded else tok
            if w not in STOPWORDS:
                out.append(w)
            if prev is not None and not (prev in STOPWORDS and w in STOPWORDS):
                out.append(prev + "_" + w)
            prev = w
        elif kind == "num":
            out.extend(_number_variants(tok))
            prev = None
        else:
            out.append(tok)
            num = tok.split("/")[0].split("-")[0]
            out.append(num)
            prev = None
    return out


class DiacriticRestorer:
    """Puts diacritics back on a query typed without them, using the corpus's own words: each folded
    bigram/unigram maps to its most frequent accented form (`tong kim ngach` → `tổng kim ngạch`)."""

    # Question words are rare in documents but common in questions: seed them so they restore right.
    SEED = "bao nhiêu phần trăm mấy nào gì ai ở đâu khi nào bao lâu bao giờ như thế nào ra sao vì sao được không có là của cho tôi biết"

    def __init__(self) -> None:
        self.uni: dict[str, dict[str, int]] = {}
        self.bi: dict[str, dict[str, int]] = {}
        for _ in range(50):
            self.add(self.SEED)

    def add(self, text: str, sign: int = 1) -> None:
        words = [t for kind, t in syllables(text) if kind == "word"]
        for w in words:
            self._count(self.uni, fold(w), w, sign)
        for a, b in zip(words, words[1:]):
            self._count(self.bi, fold(a) + " " + fold(b), a + " " + b, sign)

    @classmethod
    def merged(cls, parts: list[DiacriticRestorer]) -> DiacriticRestorer:
        """One restorer counting what all parts learnt (the seed once)."""
        out = cls()
        for part in parts:
            for mine, theirs in ((out.uni, part.uni), (out.bi, part.bi)):
                for key, forms in theirs.items():
                    d = mine.setdefault(key, {})
                    for form, n in forms.items():
                        d[form] = d.get(form, 0) + n
            for _ in range(50):
                out.add(cls.SEED, -1)
        return out

    def add_tokens(self, toks: list[str], sign: int = 1) -> None:
        """From a passage's accented lexical tokens (unigrams and `a_b` bigrams), so the restorer follows
        ingest and delete without re-reading text. Stop words count through the bigrams they sit in, as
        unigrams too."""
        for t, n in Counter(toks).items():
            if not t or t[0].isdigit() or t.isupper() or not t.replace("_", "").isalpha():
                continue
            if "_" in t:
                a, _, b = t.partition("_")
                self._count(self.bi, fold_word(a) + " " + fold_word(b), a + " " + b, sign * n)
                # a stop word is no unigram token: counted here, or "cua" would restore to the content word
                # that shares its letters ("cửa") rather than to the far commoner "của"
                for side in (a, b):
                    if side in STOPWORDS:
                        self._count(self.uni, fold_word(side), side, sign * n)
            else:
                self._count(self.uni, fold_word(t), t, sign * n)

    @staticmethod
    def _count(table: dict[str, dict[str, int]], key: str, form: str, delta: int) -> None:
        d = table.setdefault(key, {})
        n = d.get(form, 0) + delta
        if n > 0:
            d[form] = n
        else:
            d.pop(form, None)
            if not d:
                table.pop(key, None)

    @staticmethod
    def _best(d: dict[str, int] | None) -> tuple[str, int] | None:
        return max(d.items(), key=lambda kv: kv[1]) if d else None

    def restore(self, text: str) -> str:
        """The most likely accented reading of the whole text under the corpus's bigram counts (Viterbi over
        each word's accented forms; an interpolated bigram model, so a frequent pair wins over a frequent
        word and a frequent word over a rare one). Words typed with diacritics, figures and words the corpus
        never wrote stay as typed and still give context to their neighbours."""
        words = [m.group(0) for m in re.finditer(r"\S+", text)]
        core = [re.sub(r"^\W+|\W+$", "", w).lower() for w in words]
        choices = [self._forms(w, core[i - 1] if i else "", core[i + 1] if i + 1 < len(core) else "")
                   for i, w in enumerate(core)]
        # best[i][form] = (log-probability of the best reading ending in form, the previous word's form)
        best: list[dict[str, tuple[float, str]]] = []
        for forms in choices:
            row: dict[str, tuple[float, str]] = {}
            for f in forms:
                if not best:
                    row[f] = (self._logp("", f), "")
                    continue
                row[f] = max(((score + self._logp(g, f), g) for g, (score, _) in best[-1].items()),
                             key=lambda t: t[0])
            best.append(row)
        out = list(words)
        form = max(best[-1], key=lambda f: best[-1][f][0]) if best else ""
        for i in range(len(words) - 1, -1, -1):
            if core[i] and form != core[i]:
                out[i] = words[i].lower().replace(core[i], form)
            form = best[i][form][1]
        return " ".join(out)

    MAX_FORMS = 6  # a folded word's accented forms considered: its commonest ones
    SMOOTH = 2.0  # weight of the unigram estimate in a pair's probability (interpolation)

    def _forms(self, w: str, prev: str, nxt: str) -> list[str]:
        """The readings of a word: itself when typed with diacritics, not a word, or unknown to the corpus;
        else its commonest accented forms and any form a known pair with a neighbour suggests."""
        if not w or not w.isalpha() or has_diacritics(w):
            return [w]
        uni = self.uni.get(w, {})
        forms = sorted(uni, key=lambda f: -uni[f])[: self.MAX_FORMS]
        if prev:
            forms += [k.split(" ")[1] for k in self.bi.get(f"{fold(prev)} {w}", {})]
        if nxt:
            forms += [k.split(" ")[0] for k in self.bi.get(f"{w} {fold(nxt)}", {})]
        return list(dict.fromkeys(forms)) or [w]

    def _logp(self, prev: str, form: str) -> float:
        """log P(form | prev): the pair's count interpolated with the form's share of its folded word."""
        key = fold_word(form)
        forms = self.uni.get(key, {})
        total = sum(forms.values())
        p_uni = (forms.get(form, 0) + 0.1) / (total + 0.1 * max(1, len(forms)))
        if not prev:
            return math.log(p_uni)
        pair = self.bi.get(f"{fold_word(prev)} {key}", {}).get(f"{prev} {form}", 0)
        prev_count = sum(self.uni.get(fold_word(prev), {}).values())
        return math.log((pair + self.SMOOTH * p_uni) / (prev_count + self.SMOOTH))
