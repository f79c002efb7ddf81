"""The posting lists a replica read recently, kept between questions (LRU within a byte budget): segments
never change once written (sql/002_postings.sql), so a term's merged postings stay valid while its list of
segments is the same — checked without reading a blob when the generation moved, not at all when it has
not. Common terms are in most questions and hold most postings: kept, a question reads only what is new."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

BUDGET_MB = 512  # 5 bytes a posting: ~100M postings, the common terms of a few hundred questions
Key = tuple[int, int, tuple[int, ...] | None]  # (field, term, the caller's partitions or None: all)


class Lengths:
    """Every passage's length in tokens per field, by passage number (8 bytes a passage: 8 MB at 1M): the
    posting lists are read without their lengths (4 bytes of each posting's 10) and kept smaller. A length never
    changes (a passage tokenised again gets a new number); a number not known yet is read when a list holds it."""

    def __init__(self) -> None:
        self.by_field = np.zeros((2, 0), dtype=np.float32)  # 0: not known (or a removed passage's)
        self._lock = threading.Lock()

    def fill(self, conn: Any, lists: list[np.ndarray]) -> None:
        """Read the lengths of these lists' passages not known yet."""
        with self._lock:
            have = self.by_field
            gaps = [x[(x >= have.shape[1]) | (have[0][np.minimum(x, max(have.shape[1] - 1, 0))] == 0)]
                    if have.shape[1] else x for x in lists]
            missing = np.unique(np.concatenate(gaps)) if gaps else np.zeros(0, dtype=np.int32)
            if not len(missing):
                return
            if len(missing) > 50_000:  # most of the corpus (a replica's first questions): one scan
                rows = conn.execute("SELECT no, acc_len, fold_len FROM lexicon WHERE no >= %s",
                                    (int(missing[0]),)).fetchall()
            else:
                rows = conn.execute("SELECT no, acc_len, fold_len FROM lexicon WHERE no = ANY(%s::int[])",
                                    ([int(x) for x in missing],)).fetchall()
            if not rows:
                return
            got = np.asarray(rows, dtype=np.int64)
            top = int(got[:, 0].max()) + 1
            if top > have.shape[1]:
                grown = np.zeros((2, max(top, int(have.shape[1] * 1.25))), dtype=np.float32)
                grown[:, : have.shape[1]] = have
                have = grown
            have[0][got[:, 0]] = got[:, 1]
            have[1][got[:, 0]] = got[:, 2]
            self.by_field = have  # readers hold the old array until their next look-up: its values still hold


class Arrays:
    """One term's postings over a set of partitions: passage numbers ascending (searched by the pruned scoring,
    index/pg/postings.py) and term frequencies as stored integers (5 bytes a posting when they fit 8 bits;
    made float32 where scored, the same values); the passages' lengths come from `Lengths`. With the bounds
    of both (the shortest length of a passage still in the lexicon)."""

    __slots__ = ("nos", "tf", "field", "lengths", "tf_max", "dl_min")

    def __init__(self, nos: np.ndarray, tf: np.ndarray, field: int, lengths: Lengths) -> None:
        if len(nos) > 1 and not bool(np.all(nos[1:] > nos[:-1])):  # several partitions: each ascends on its own
            o = np.argsort(nos, kind="stable")
            nos, tf = nos[o], tf[o]
        self.nos, self.field, self.lengths = nos, field, lengths
        self.tf_max = int(tf.max()) if len(tf) else 0
        self.tf = tf.astype(np.uint8) if self.tf_max < 1 << 8 else tf
        dl = self.dl(slice(None))
        known = dl[dl > 0]
        self.dl_min = float(known.min()) if len(known) else 0.0

    def dl(self, at: np.ndarray | slice) -> np.ndarray:
        """float32 lengths of these postings' passages."""
        return self.lengths.by_field[self.field][self.nos[at]]

    @property
    def nbytes(self) -> int:
        return int(self.nos.nbytes + self.tf.nbytes)


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
