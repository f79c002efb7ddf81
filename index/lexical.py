"""BM25 over Vietnamese syllables and bigrams, with an accented and a diacritic-folded field.

Compact and incremental so it holds 100k passages in little memory and scores fast: passages get integer
slots; each term's postings are two growable typed arrays (slots, term frequencies) scored with numpy; a
removed passage is a tombstone (its slot masked) until enough accumulate, then the postings are compacted.
Loaded from the tokens the catalog persists with each passage; the retriever's cache adds and removes only
the passages whose ids appeared or disappeared."""

from __future__ import annotations

import math
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np

from .vntext import tokens

K1, B = 1.2, 0.75
COMPACT_AT = 0.25  # compact when this share of slots are tombstones


class _Field:
    def __init__(self) -> None:
        self.slots: dict[str, array] = {}  # term → slot numbers ('I')
        self.freqs: dict[str, array] = {}  # term → term frequencies ('H'), aligned with slots
        self.lengths = array("f")  # slot → passage length in tokens (0 for a tombstone)
        self.total = 0.0
        self.live = 0

    def add(self, slot: int, toks: list[str]) -> None:
        while len(self.lengths) <= slot:
            self.lengths.append(0.0)
        for term, tf in Counter(toks).items():
            s = self.slots.get(term)
            if s is None:
                s = self.slots[term] = array("I")
                self.freqs[term] = array("H")
            s.append(slot)
            self.freqs[term].append(min(tf, 65535))
        self.lengths[slot] = float(len(toks) or 1)
        self.total += self.lengths[slot]
        self.live += 1

    def remove(self, slot: int) -> None:
        if slot < len(self.lengths) and self.lengths[slot] > 0:
            self.total -= self.lengths[slot]
            self.lengths[slot] = 0.0
            self.live -= 1

    def compact(self, alive: np.ndarray) -> None:
        """Drop tombstoned slots from every posting list (`alive`: bool per slot)."""
        for term in list(self.slots):
            s = np.frombuffer(self.slots[term], dtype=np.uint32)
            keep = alive[s]
            if keep.all():
                continue
            if not keep.any():
                del self.slots[term], self.freqs[term]
                continue
            f = np.frombuffer(self.freqs[term], dtype=np.uint16)
            self.slots[term] = array("I", s[keep].tobytes())
            self.freqs[term] = array("H", f[keep].tobytes())

    def idf(self, term: str) -> float:
        s = self.slots.get(term)
        if not s or not self.live:
            return 0.0
        df = min(len(s), self.live)  # tombstones may still count until compaction: an approximation
        return math.log(1 + (self.live - df + 0.5) / (df + 0.5))

    def score(self, query: list[str], size: int) -> np.ndarray | None:
        if not self.live:
            return None
        lengths = np.frombuffer(self.lengths, dtype=np.float32)
        avg = self.total / self.live
        scores: np.ndarray | None = None
        for term, qtf in Counter(query).items():
            s = self.slots.get(term)
            if not s:
                continue
            slots = np.frombuffer(s, dtype=np.uint32)
            tf = np.frombuffer(self.freqs[term], dtype=np.uint16).astype(np.float32)
            dl = lengths[slots]
            part = qtf * self.idf(term) * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avg))
            part[dl == 0] = 0.0  # tombstones
            if scores is None:
                scores = np.zeros(size, dtype=np.float32)
            np.add.at(scores, slots, part)
        return scores


class LexicalIndex:
    def __init__(self) -> None:
        self.accented = _Field()
        self.folded = _Field()
        self.lock = threading.RLock()
        self.generation = -1
        self.slot_of: dict[str, int] = {}
        self.ids: list[str | None] = []  # slot → passage id (None: removed)
        self.dead = 0

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        self.add_tokens((pid, tokens(text), tokens(text, folded=True)) for pid, text in items)

    def add_tokens(self, items: Iterable[tuple[str, list[str], list[str]]]) -> None:
        with self.lock:
            for pid, accented, folded in items:
                if pid in self.slot_of:
                    self._remove_one(pid)
                slot = len(self.ids)
                self.ids.append(pid)
                self.slot_of[pid] = slot
                self.accented.add(slot, accented)
                self.folded.add(slot, folded)

    def _remove_one(self, pid: str) -> None:
        slot = self.slot_of.pop(pid, None)
        if slot is None:
            return
        self.ids[slot] = None
        self.accented.remove(slot)
        self.folded.remove(slot)
        self.dead += 1

    def remove(self, ids: Iterable[str]) -> None:
        with self.lock:
            for pid in ids:
                self._remove_one(pid)
            if self.dead > COMPACT_AT * max(len(self.ids), 1):
                self._compact()

    def _compact(self) -> None:
        """Renumber live slots densely and drop tombstones from the postings."""
        alive = np.array([pid is not None for pid in self.ids], dtype=bool)
        for fld in (self.accented, self.folded):
            fld.compact(alive)
        new_slot = np.cumsum(alive) - 1
        for fld in (self.accented, self.folded):
            for term, s in fld.slots.items():
                fld.slots[term] = array("I", new_slot[np.frombuffer(s, dtype=np.uint32)].astype(np.uint32).tobytes())
            lengths = np.frombuffer(fld.lengths, dtype=np.float32)[alive]
            fld.lengths = array("f", lengths.tobytes())
        self.ids = [pid for pid in self.ids if pid is not None]
        self.slot_of = {pid: i for i, pid in enumerate(self.ids)}  # type: ignore[misc]
        self.dead = 0

    def clear(self) -> None:
        with self.lock:
            self.accented, self.folded = _Field(), _Field()
            self.slot_of, self.ids, self.dead = {}, [], 0

    def __len__(self) -> int:
        return len(self.slot_of)

    def search(self, query: str, k: int, *, diacritics: bool, allowed: Callable[[str], bool] | None = None,
               ) -> list[tuple[str, float]]:
        """Accented matches outrank folded ones: the folded field only adds a fraction when the query has marks."""
        with self.lock:
            size = len(self.ids)
            folded = self.folded.score(tokens(query, folded=True), size)
            if diacritics:
                acc = self.accented.score(tokens(query), size)
                scores = acc if folded is None else (folded * 0.3 if acc is None else acc + 0.3 * folded)
            else:
                scores = folded
            if scores is None:
                return []
            nz = np.flatnonzero(scores > 0)
            if allowed is None and len(nz) > k:
                nz = nz[np.argpartition(-scores[nz], k)[:k]]
            order = nz[np.argsort(-scores[nz], kind="stable")]
            out: list[tuple[str, float]] = []
            for slot in order:
                pid = self.ids[slot]
                if pid is None or (allowed is not None and not allowed(pid)):
                    continue
                out.append((pid, float(scores[slot])))
                if len(out) >= k:
                    break
            return out

    def idf(self, term: str, folded: bool = False) -> float:
        return (self.folded if folded else self.accented).idf(term)
