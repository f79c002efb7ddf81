"""BM25 over Vietnamese syllables and bigrams, with an accented and a diacritic-folded field.

Compact and incremental so it holds 100k passages in little memory and scores fast: passages get integer
slots; each term's postings are two growable typed arrays (slots, term frequencies) scored with numpy; a
removed passage is a tombstone (its slot masked) until enough accumulate, then the postings are compacted.
Loaded from the tokens the catalog persists with each passage; the retriever's cache adds and removes only
the passages whose ids appeared or disappeared.

A restricted caller's scores use statistics of the passages it may read only — document frequencies, the
number of passages and their mean length over a mask of its visible slots (`visible_slots`, supplied by the
retriever's cache) — so a score or an idf never depends on a document the caller cannot see. Unrestricted
callers (mask None) take the unmasked path, as fast as before."""

from __future__ import annotations

import json
import math
import os
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from . import snapshot
from .vntext import TOKENIZER_VERSION, tokens

K1, B = 1.2, 0.75
COMPACT_AT = 0.25  # compact when this share of slots are tombstones


class _Field:
    """Postings in two levels: a packed base (one array of slots, one of frequencies, offsets per term —
    what a snapshot loads in one read) and per-term tails that ingest appends to since."""

    def __init__(self) -> None:
        self.base_terms: dict[str, int] = {}
        self.base_slots = np.zeros(0, dtype=np.uint32)
        self.base_freqs = np.zeros(0, dtype=np.uint16)
        self.base_off = np.zeros(1, dtype=np.int64)
        self.slots: dict[str, array[int]] = {}  # term → slot numbers appended since ('I')
        self.freqs: dict[str, array[int]] = {}  # term → term frequencies, aligned with slots ('H')
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

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        i = self.base_terms.get(term)
        tail = self.slots.get(term)
        if i is None and not tail:
            return None
        parts_s, parts_f = [], []
        if i is not None:
            a, b = self.base_off[i], self.base_off[i + 1]
            parts_s.append(self.base_slots[a:b])
            parts_f.append(self.base_freqs[a:b])
        if tail:
            parts_s.append(np.frombuffer(tail, dtype=np.uint32))
            parts_f.append(np.frombuffer(self.freqs[term], dtype=np.uint16))
        if len(parts_s) == 1:
            return parts_s[0], parts_f[0]
        return np.concatenate(parts_s), np.concatenate(parts_f)

    def pack(self, alive: np.ndarray | None = None, renumber: np.ndarray | None = None) -> None:
        """Fold the tails into the base; drop tombstoned slots (`alive`) and renumber slots when asked."""
        terms = sorted(set(self.base_terms) | set(self.slots))
        out_s: list[np.ndarray] = []
        out_f: list[np.ndarray] = []
        off = [0]
        kept: dict[str, int] = {}
        for term in terms:
            got = self.postings(term)
            if got is None:
                continue
            sl, fr = got
            if alive is not None:
                keep = alive[sl]
                sl, fr = sl[keep], fr[keep]
            if not len(sl):
                continue
            if renumber is not None:
                sl = renumber[sl].astype(np.uint32)
            kept[term] = len(kept)
            out_s.append(sl)
            out_f.append(fr)
            off.append(off[-1] + len(sl))
        self.base_terms = kept
        self.base_slots = np.concatenate(out_s).astype(np.uint32) if out_s else np.zeros(0, dtype=np.uint32)
        self.base_freqs = np.concatenate(out_f).astype(np.uint16) if out_f else np.zeros(0, dtype=np.uint16)
        self.base_off = np.asarray(off, dtype=np.int64)
        self.slots, self.freqs = {}, {}
        if alive is not None:
            self.lengths = array("f", np.frombuffer(self.lengths, dtype=np.float32)[alive].tobytes())

    def df(self, term: str) -> int:
        i = self.base_terms.get(term)
        n = int(self.base_off[i + 1] - self.base_off[i]) if i is not None else 0
        return n + len(self.slots.get(term, ()))

    def idf(self, term: str, mask: np.ndarray | None = None) -> float:
        if mask is not None:
            return self._masked_idf(term, mask, self._masked_live(mask))
        df = self.df(term)
        if not df or not self.live:
            return 0.0
        df = min(df, self.live)  # tombstones may still count until compaction: an approximation
        return math.log(1 + (self.live - df + 0.5) / (df + 0.5))

    def _visible(self, mask: np.ndarray) -> np.ndarray:
        """The mask's live slots (tombstones never count), sized like `lengths`."""
        lengths = np.frombuffer(self.lengths, dtype=np.float32)
        m = np.zeros(len(lengths), dtype=bool)
        n = min(len(m), len(mask))
        m[:n] = mask[:n]
        return m & (lengths > 0)

    def _masked_live(self, mask: np.ndarray) -> int:
        return int(np.count_nonzero(self._visible(mask)))

    def _masked_idf(self, term: str, mask: np.ndarray, live: int) -> float:
        got = self.postings(term)
        if got is None or not live:
            return 0.0
        df = int(np.count_nonzero(self._visible(mask)[got[0]]))
        return math.log(1 + (live - df + 0.5) / (df + 0.5)) if df else 0.0

    def score(self, query: list[str], size: int, mask: np.ndarray | None = None) -> np.ndarray | None:
        lengths = np.frombuffer(self.lengths, dtype=np.float32)
        seen = None if mask is None else self._visible(mask)
        live = self.live if seen is None else int(np.count_nonzero(seen))
        if not live:
            return None
        avg = (self.total if seen is None else float(lengths[seen].sum(dtype=np.float64))) / live
        scores: np.ndarray | None = None
        for term, qtf in Counter(query).items():
            got = self.postings(term)
            if got is None:
                continue
            slots, tf16 = got
            if seen is not None:  # only the caller's passages: their frequencies, their scores
                keep = seen[slots]
                slots, tf16 = slots[keep], tf16[keep]
                if not len(slots):
                    continue
                idf = math.log(1 + (live - len(slots) + 0.5) / (len(slots) + 0.5))
            else:
                idf = self.idf(term)
            tf = tf16.astype(np.float32)
            dl = lengths[slots]
            part = qtf * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avg))
            part[dl == 0] = 0.0  # tombstones
            if scores is None:
                scores = np.zeros(size, dtype=np.float32)
            np.add.at(scores, slots, part)
        return scores

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        self.pack()
        vocab = "\n".join(sorted(self.base_terms, key=self.base_terms.__getitem__))
        return {f"{prefix}_slots": self.base_slots, f"{prefix}_freqs": self.base_freqs, f"{prefix}_off": self.base_off,
                f"{prefix}_lengths": np.frombuffer(self.lengths, dtype=np.float32).copy(),
                f"{prefix}_vocab": np.frombuffer(vocab.encode(), dtype=np.uint8),
                f"{prefix}_stats": np.array([self.total, self.live], dtype=np.float64)}

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> _Field:
        f = cls()
        vocab = bytes(data[f"{prefix}_vocab"]).decode()
        f.base_terms = {t: i for i, t in enumerate(vocab.split("\n"))} if vocab else {}
        f.base_slots = data[f"{prefix}_slots"]
        f.base_freqs = data[f"{prefix}_freqs"]
        f.base_off = data[f"{prefix}_off"]
        f.lengths = array("f", data[f"{prefix}_lengths"].astype(np.float32).tobytes())
        f.total, live = (float(x) for x in data[f"{prefix}_stats"])
        f.live = int(live)
        return f


class LexicalIndex:
    def __init__(self) -> None:
        self.accented = _Field()
        self.folded = _Field()
        self.lock = threading.RLock()
        self.generation = -1
        self.slot_of: dict[str, int] = {}
        self.ids: list[str | None] = []  # slot → passage id (None: removed)
        self.dead = 0
        self.epoch = 0  # bumped whenever slots change, so masks over them are rebuilt
        # The caller's visible slots (None: unrestricted), set by whoever knows the caller (the retriever's cache)
        self.visible_slots: Callable[[], np.ndarray | None] | None = None

    def _mask(self) -> np.ndarray | None:
        return self.visible_slots() if self.visible_slots is not None else None

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
            self.epoch += 1

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
            self.epoch += 1
            for pid in ids:
                self._remove_one(pid)
            if self.dead > COMPACT_AT * max(len(self.ids), 1):
                self._compact()

    def _compact(self) -> None:
        """Renumber live slots densely and drop tombstones from the postings."""
        alive = np.array([pid is not None for pid in self.ids], dtype=bool)
        renumber = (np.cumsum(alive) - 1).astype(np.uint32)
        for fld in (self.accented, self.folded):
            fld.pack(alive, renumber)
        self.ids = [pid for pid in self.ids if pid is not None]
        self.slot_of = {pid: i for i, pid in enumerate(self.ids) if pid is not None}
        self.dead = 0
        self.epoch += 1

    # --- snapshot: what a restart loads instead of re-reading every passage's tokens --------------
    def save(self, path: str) -> None:
        """The snapshot (its format: index/snapshot.py)."""
        with self.lock:
            if self.dead:
                self._compact()
            ids = "\n".join(pid or "" for pid in self.ids)
            meta = json.dumps(snapshot.lexical_meta(TOKENIZER_VERSION))
            arrays = {**self.accented.arrays("acc"), **self.folded.arrays("fold"),
                      "ids": np.frombuffer(ids.encode(), dtype=np.uint8),
                      "meta": np.frombuffer(meta.encode(), dtype=np.uint8)}
        tmp = f"{path}.{os.getpid()}.tmp.npz"
        np.savez(tmp, allow_pickle=False, **arrays)
        os.replace(tmp, path)

    def load(self, path: str) -> bool:
        """Read a snapshot; False (and nothing changed) when it is missing, unreadable, of another format or
        made by another tokenizer."""
        try:
            with np.load(path, allow_pickle=False) as data:
                if not snapshot.lexical_meta_ok(json.loads(bytes(data["meta"]).decode()), TOKENIZER_VERSION):
                    return False
                acc, fold = _Field.from_arrays(data, "acc"), _Field.from_arrays(data, "fold")
                ids_text = bytes(data["ids"]).decode()
        except (OSError, KeyError, ValueError):
            return False
        with self.lock:
            self.accented, self.folded = acc, fold
            self.ids = list(ids_text.split("\n")) if ids_text else []
            self.slot_of = {pid: i for i, pid in enumerate(self.ids) if pid is not None}
            self.dead = 0
            self.epoch += 1
        return True

    def clear(self) -> None:
        with self.lock:
            self.accented, self.folded = _Field(), _Field()
            self.slot_of, self.ids, self.dead = {}, [], 0
            self.epoch += 1

    def __len__(self) -> int:
        return len(self.slot_of)

    def search(self, query: str, k: int, *, diacritics: bool, allowed: Callable[[str], bool] | None = None,
               ) -> list[tuple[str, float]]:
        """Accented matches outrank folded ones: the folded field only adds a fraction when the query has marks."""
        with self.lock:
            size = len(self.ids)
            mask = self._mask()
            folded = self.folded.score(tokens(query, folded=True), size, mask)
            if diacritics:
                acc = self.accented.score(tokens(query), size, mask)
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
        """Over the caller's visible passages: a term only a hidden document has is unknown (idf 0)."""
        fld = self.folded if folded else self.accented
        if self.visible_slots is None or self.visible_slots() is None:
            return fld.idf(term)  # unrestricted: no mask, no lock (as before)
        with self.lock:  # the mask and the postings must agree on slots
            return fld.idf(term, self._mask())
