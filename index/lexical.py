"""BM25 over Vietnamese syllables and bigrams, with an accented and a diacritic-folded field.
In memory, loaded from the tokens the catalog persists with each passage, and updated incrementally: the
retriever's cache adds and removes only the passages whose ids appeared or disappeared."""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from .vntext import tokens

K1, B = 1.2, 0.75


class _Field:
    def __init__(self) -> None:
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        self.lengths: dict[str, int] = {}
        self.terms: dict[str, list[str]] = {}  # per passage, so removal touches only its own postings
        self.total = 0

    def add(self, pid: str, toks: list[str]) -> None:
        self.remove(pid)
        counts = Counter(toks)
        for t, tf in counts.items():
            self.postings[t][pid] = tf
        self.terms[pid] = list(counts)
        self.lengths[pid] = len(toks)
        self.total += len(toks)

    def remove(self, pid: str) -> None:
        if pid not in self.lengths:
            return
        self.total -= self.lengths.pop(pid)
        for t in self.terms.pop(pid, []):
            self.postings[t].pop(pid, None)
            if not self.postings[t]:
                del self.postings[t]

    def idf(self, term: str) -> float:
        n = len(self.lengths)
        df = len(self.postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0

    def score(self, query: list[str], allowed: Callable[[str], bool] | None = None) -> dict[str, float]:
        n = len(self.lengths)
        if not n:
            return {}
        avg = self.total / n
        scores: dict[str, float] = defaultdict(float)
        for term, qtf in Counter(query).items():
            ps = self.postings.get(term)
            if not ps:
                continue
            idf = self.idf(term)
            for pid, tf in ps.items():
                if allowed is not None and not allowed(pid):
                    continue
                dl = self.lengths[pid]
                scores[pid] += qtf * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avg))
        return scores


class LexicalIndex:
    def __init__(self) -> None:
        self.accented = _Field()
        self.folded = _Field()
        self.lock = threading.RLock()
        self.generation = -1

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        self.add_tokens((pid, tokens(text), tokens(text, folded=True)) for pid, text in items)

    def add_tokens(self, items: Iterable[tuple[str, list[str], list[str]]]) -> None:
        with self.lock:
            for pid, accented, folded in items:
                self.accented.add(pid, accented)
                self.folded.add(pid, folded)

    def remove(self, ids: Iterable[str]) -> None:
        with self.lock:
            for pid in ids:
                self.accented.remove(pid)
                self.folded.remove(pid)

    def clear(self) -> None:
        with self.lock:
            self.accented, self.folded = _Field(), _Field()

    def __len__(self) -> int:
        return len(self.accented.lengths)

    def search(self, query: str, k: int, *, diacritics: bool, allowed: Callable[[str], bool] | None = None,
               ) -> list[tuple[str, float]]:
        """Accented matches outrank folded ones: the folded field only adds a fraction when the query has marks."""
        with self.lock:
            folded = self.folded.score(tokens(query, folded=True), allowed)
            if diacritics:
                acc = self.accented.score(tokens(query), allowed)
                scores = {pid: acc.get(pid, 0.0) + 0.3 * folded.get(pid, 0.0) for pid in set(acc) | set(folded)}
            else:
                scores = folded
        return sorted(scores.items(), key=lambda kv: -kv[1])[:k]

    def idf(self, term: str, folded: bool = False) -> float:
        return (self.folded if folded else self.accented).idf(term)
