"""The posting lists a replica read recently, kept between questions (LRU within a byte budget): segments
never change once written (sql/002_postings.sql), so a term's merged postings stay valid while its list of
segments is the same — checked without reading a blob when the generation moved, not at all when it has
not. Common terms are in most questions and hold most postings: kept, a question reads only what is new."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from ..lexical import K1, B

BUDGET_MB = 512  # 5 bytes a posting: ~100M postings, the common terms of a few hundred questions
FILL_SLICE = 100_000  # passage numbers read at once when most of the corpus is not known yet
DENSE_SHARE = 4  # a list holding over 1/4 of the numbers up to its last: kept by passage number
Key = tuple[int, int, tuple[int, ...] | None]  # (field, term, the caller's partitions or None: all)


class Lengths:
    """Every passage's length in tokens per field, by passage number (8 bytes a passage: 8 MB at 1M): the
    posting lists are read without their lengths (4 bytes of each posting's 10) and kept smaller. With them, each
    number's document (an index into `docs`) and position: the top k's ties are ordered in memory, not by reading
    the ids of every passage tied with the k-th (~1,800 near-copies at 1M). None of these ever changes (a passage
    tokenised again gets a new number); a number not known yet is read when a list holds it."""

    def __init__(self) -> None:
        self.by_field = np.zeros((2, 0), dtype=np.float32)  # 0: not known (or a removed passage's)
        # (document as an index into docs (-1: not known), position), swapped as one
        self._order = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
        self.docs: list[str] = []
        self._doc_index: dict[str, int] = {}
        self._lock = threading.Lock()

    def fill(self, conn: Any, lists: list[np.ndarray]) -> None:
        """Read the lengths, documents and positions of these lists' passages not known yet."""
        with self._lock:
            have = self.by_field
            gaps = [x[(x >= have.shape[1]) | (have[0][np.minimum(x, max(have.shape[1] - 1, 0))] == 0)]
                    if have.shape[1] else x for x in lists]
            missing = np.unique(np.concatenate(gaps)) if gaps else np.zeros(0, dtype=np.int32)
            if not len(missing):
                return
            cols = "SELECT no, acc_len, fold_len, position, doc_id FROM lexicon WHERE "
            if len(missing) > 50_000:  # most of the corpus (a replica's first questions): a scan, in slices that
                # keep the rows' Python objects small (1M rows at once: ~250 MB more at the replica's peak)
                for lo in range(int(missing[0]), int(missing[-1]) + 1, FILL_SLICE):
                    self._store(conn.execute(cols + "no >= %s AND no < %s", (lo, lo + FILL_SLICE)).fetchall())
            else:
                self._store(conn.execute(cols + "no = ANY(%s::int[])", ([int(x) for x in missing],)).fetchall())

    def _store(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        have = self.by_field
        got = np.asarray([r[:4] for r in rows], dtype=np.int64)
        docs = np.asarray([self._doc_no(r[4]) for r in rows], dtype=np.int32)
        top = int(got[:, 0].max()) + 1
        doc, position = self._order
        if top > have.shape[1]:
            size = max(top, int(have.shape[1] * 1.25))
            grown = np.zeros((2, size), dtype=np.float32)
            grown[:, : have.shape[1]] = have
            have = grown
            doc, position = np.full(size, -1, dtype=np.int32), np.zeros(size, dtype=np.int32)
            doc[: len(self._order[0])], position[: len(self._order[1])] = self._order
        position[got[:, 0]] = got[:, 3]  # before the document: a known document means a known position
        doc[got[:, 0]] = docs
        self._order = (doc, position)
        have[0][got[:, 0]] = got[:, 1]
        have[1][got[:, 0]] = got[:, 2]
        self.by_field = have  # readers hold the old array until their next look-up: its values still hold

    def _doc_no(self, doc_id: str) -> int:
        i = self._doc_index.get(doc_id)
        if i is None:
            i = self._doc_index[doc_id] = len(self.docs)
            self.docs.append(doc_id)
        return i

    def order_keys(self, nos: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(each number's document as its rank among these numbers' documents by id, its position), or None when
        one is not known: sorting by them is sorting by (document id, position)."""
        doc, position = self._order
        if len(nos) and (int(nos.max()) >= len(doc) or bool(np.any(doc[nos] < 0))):
            return None
        of = doc[nos]
        distinct, inverse = np.unique(of, return_inverse=True)
        names = self.docs
        by_name = sorted(range(len(distinct)), key=lambda i: names[int(distinct[i])])
        rank = np.empty(len(distinct), dtype=np.int64)
        rank[by_name] = np.arange(len(distinct))
        return rank[inverse], position[nos]


class Arrays:
    """One term's postings over a set of partitions: passage numbers ascending and term frequencies as stored
    integers (made float32 where scored, the same values); the passages' lengths come from `Lengths`. A list
    holding more than a quarter of the numbers up to its last (a common word's) is kept as its frequencies by
    passage number instead (`by_no`, 0: not in the list): 1 byte a number where the numbers and frequencies
    take 5 a posting, and a passage is looked up by indexing, not searched for."""

    __slots__ = ("nos", "tf", "by_no", "n", "last", "field", "lengths", "tf_max", "_peak")

    def __init__(self, nos: np.ndarray, tf: np.ndarray, field: int, lengths: Lengths) -> None:
        if len(nos) > 1 and not bool(np.all(nos[1:] > nos[:-1])):  # several partitions: each ascends on its own
            o = np.argsort(nos, kind="stable")
            nos, tf = nos[o], tf[o]
        self.field, self.lengths = field, lengths
        self.n, self.last = len(nos), int(nos[-1]) if len(nos) else -1
        self.tf_max = int(tf.max()) if len(tf) else 0
        tf = tf.astype(np.uint8) if self.tf_max < 1 << 8 else tf
        self.by_no: np.ndarray | None = None
        if self.n * DENSE_SHARE > self.last + 1 and self.tf_max > 0:
            self.by_no = np.zeros(self.last + 1, dtype=tf.dtype)
            self.by_no[nos] = tf
            self.nos, self.tf = nos[:0], tf[:0]
        else:
            self.nos, self.tf = nos, tf
        self._peak = (0.0, 0.0)  # (mean length, the peak at it)

    def numbers(self) -> np.ndarray:
        """The passage numbers, ascending."""
        return self.nos if self.by_no is None else np.flatnonzero(self.by_no)

    def freqs(self, numbers: np.ndarray) -> np.ndarray:
        """The frequencies of `numbers()` (given back, not computed again)."""
        return self.tf if self.by_no is None else self.by_no[numbers]

    def lookup(self, nos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Of these passage numbers (ascending): (indices of those the list holds, their frequencies)."""
        if self.by_no is None:
            where, postings = find(nos, self.nos)
            return where, self.tf[postings]
        inside = nos[: int(np.searchsorted(nos, self.last, side="right"))]
        tf = self.by_no[inside]
        where = np.flatnonzero(tf)
        return where, tf[where]

    def peak(self, avg: float) -> float:
        """The largest BM25 tf factor, tf·(k1+1) / (tf + k1·(1 − b + b·dl/avg)), over these postings (in
        float64; the scored parts are float32, the pruning's margin covers the rounding). Passages of length 0
        (removed ones) are left out: they are never scored. Kept for the last mean length asked."""
        if self._peak[0] != avg:
            nos = self.numbers()
            tf = self.freqs(nos).astype(np.float64)
            dl = self.lengths.by_field[self.field][nos].astype(np.float64)
            f = tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avg))
            f[dl == 0] = 0.0
            self._peak = (avg, float(f.max()) if len(f) else 0.0)
        return self._peak[1]

    @property
    def nbytes(self) -> int:
        return int(self.nos.nbytes + self.tf.nbytes + (0 if self.by_no is None else self.by_no.nbytes))


def find(nos: np.ndarray, have: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the passages of `have` (a list, ascending) are in `nos` (ascending): (indices in nos, indices in
    have) of the common ones — the shorter searched in the longer."""
    if len(have) <= len(nos):
        at = np.searchsorted(nos, have)
        hit = at < len(nos)
        hit[hit] = nos[at[hit]] == have[hit]
        return at[hit], np.flatnonzero(hit)
    at = np.searchsorted(have, nos)
    hit = at < len(have)
    hit[hit] = have[at[hit]] == nos[hit]
    return np.flatnonzero(hit), at[hit]


class PostingsCache:
    def __init__(self, budget_mb: int = BUDGET_MB) -> None:
        self.budget = budget_mb * 1 << 20
        self.size = 0
        self._lock = threading.Lock()
        # key → (generation checked at, segment signature, arrays)
        self._kept: OrderedDict[Key, tuple[int, tuple[Any, ...], Arrays]] = OrderedDict()
        self.lengths = Lengths()

    def get(self, conn: Any, gen: int, parts: tuple[int, ...] | None,
            wanted: list[tuple[int, int]]) -> dict[tuple[int, int], Arrays]:
        """(field, term) → its postings over `parts`, as of generation `gen` (terms without any left out)."""
        out: dict[tuple[int, int], Arrays] = {}
        unsure: list[tuple[int, int]] = []
        with self._lock:
            for ft in wanted:
                hit = self._kept.get((*ft, parts))
                if hit is not None and hit[0] == gen:
                    self._kept.move_to_end((*ft, parts))
                    out[ft] = hit[2]
                else:
                    unsure.append(ft)
        if not unsure:
            return out
        signatures = self._signatures(conn, parts, unsure)
        stale: list[tuple[int, int]] = []
        with self._lock:
            for ft in unsure:
                sig = signatures.get(ft)
                if sig is None:
                    continue  # no postings over these partitions
                hit = self._kept.get((*ft, parts))
                if hit is not None and hit[1] == sig:
                    self._kept[(*ft, parts)] = (gen, sig, hit[2])
                    out[ft] = hit[2]
                else:
                    stale.append(ft)
        for ft, arrays in self._read(conn, parts, stale).items():
            out[ft] = arrays
            self._keep((*ft, parts), gen, signatures[ft], arrays)
        return out

    @staticmethod
    def _where(parts: tuple[int, ...] | None, terms: list[tuple[int, int]]) -> tuple[str, list[Any]]:
        sql = ("((field = 0 AND term = ANY(%s::int[])) OR (field = 1 AND term = ANY(%s::int[])))"
               + ("" if parts is None else " AND part = ANY(%s::int[])"))
        args: list[Any] = [[t for f, t in terms if f == 0], [t for f, t in terms if f == 1]]
        return sql, args + ([] if parts is None else [list(parts)])

    def _signatures(self, conn: Any, parts: tuple[int, ...] | None,
                    terms: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[Any, ...]]:
        where, args = self._where(parts, terms)
        rows = conn.execute("SELECT field, term, array_agg(part ORDER BY part, seg), array_agg(seg ORDER BY part, seg) "
                            "FROM lex_postings WHERE " + where + " GROUP BY field, term", args).fetchall()
        return {(int(f), int(t)): (tuple(p), tuple(s)) for f, t, p, s in rows}

    def _read(self, conn: Any, parts: tuple[int, ...] | None, terms: list[tuple[int, int]]) -> dict[tuple[int, int], Arrays]:
        if not terms:
            return {}
        where, args = self._where(parts, terms)
        blobs: dict[tuple[int, int], tuple[list[bytes], list[bytes]]] = {}
        # binary results: bytea as it is stored, not hex text twice its size to decode
        for f, t, nos, tfs in conn.execute("SELECT field, term, nos, tfs FROM lex_postings WHERE " + where
                                           + " ORDER BY part, seg", args, binary=True):
            b = blobs.setdefault((int(f), int(t)), ([], []))
            b[0].append(bytes(nos))
            b[1].append(bytes(tfs))
        nos_of = {key: np.frombuffer(b"".join(n), dtype=">i4").astype(np.int32) for key, (n, _) in blobs.items()}
        self.lengths.fill(conn, list(nos_of.values()))
        return {key: Arrays(nos_of[key], np.frombuffer(b"".join(tf), dtype=">i2").astype(np.uint16), key[0],
                            self.lengths) for key, (_, tf) in blobs.items()}

    def _keep(self, key: Key, gen: int, sig: tuple[Any, ...], arrays: Arrays) -> None:
        nbytes = arrays.nbytes
        if nbytes > self.budget // 4:
            return  # one list that large would push out everything else
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self.size -= old[2].nbytes
            self._kept[key] = (gen, sig, arrays)
            self.size += nbytes
            while self.size > self.budget and self._kept:
                _, (_, _, gone) = self._kept.popitem(last=False)
                self.size -= gone.nbytes
