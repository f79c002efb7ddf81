"""The posting lists a replica read recently, kept between questions (LRU within a byte budget): segments
never change once written (sql/002_postings.sql), so a term's merged postings stay valid while its list of
segments is the same — checked without reading a blob when the generation moved, not at all when it has
not. Common terms are in most questions and hold most postings: kept, a question reads only what is new."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

BUDGET_MB = 512  # 7 bytes a posting: ~75M postings, the common terms of a few hundred questions
Key = tuple[int, int, tuple[int, ...] | None]  # (field, term, the caller's partitions or None: all)


class Arrays:
    """One term's postings over a set of partitions: passage numbers ascending (searched by the pruned scoring,
    index/pg/postings.py), term frequencies and passage lengths as stored integers (7 bytes a posting when
    they fit 8 and 16 bits; made float32 where scored, exactly the same values), and the bounds of both."""

    __slots__ = ("nos", "tf", "dl", "tf_max", "dl_min")

    def __init__(self, nos: np.ndarray, tf: np.ndarray, dl: np.ndarray) -> None:
        if len(nos) > 1 and not bool(np.all(nos[1:] > nos[:-1])):  # several partitions: each ascends on its own
            o = np.argsort(nos, kind="stable")
            nos, tf, dl = nos[o], tf[o], dl[o]
        self.nos = nos
        self.tf_max = int(tf.max()) if len(tf) else 0
        self.tf = tf.astype(np.uint8) if self.tf_max < 1 << 8 else tf  # the replica's memory holds more lists
        self.dl = dl.astype(np.uint16) if len(dl) and int(dl.max()) < 1 << 16 else dl
        self.dl_min = int(dl.min()) if len(dl) else 0

    @property
    def nbytes(self) -> int:
        return int(self.nos.nbytes + self.tf.nbytes + self.dl.nbytes)


class PostingsCache:
    def __init__(self, budget_mb: int = BUDGET_MB) -> None:
        self.budget = budget_mb * 1 << 20
        self.size = 0
        self._lock = threading.Lock()
        # key → (generation checked at, segment signature, arrays)
        self._kept: OrderedDict[Key, tuple[int, tuple[Any, ...], Arrays]] = OrderedDict()

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
        blobs: dict[tuple[int, int], tuple[list[bytes], list[bytes], list[bytes]]] = {}
        # binary results: bytea as it is stored, not hex text twice its size to decode
        for f, t, nos, tfs, lens in conn.execute("SELECT field, term, nos, tfs, lens FROM lex_postings WHERE " + where
                                                 + " ORDER BY part, seg", args, binary=True):
            b = blobs.setdefault((int(f), int(t)), ([], [], []))
            b[0].append(bytes(nos))
            b[1].append(bytes(tfs))
            b[2].append(bytes(lens))
        return {key: Arrays(np.frombuffer(b"".join(n), dtype=">i4").astype(np.int32),
                            np.frombuffer(b"".join(tf), dtype=">i2").astype(np.uint16),
                            np.frombuffer(b"".join(ln), dtype=">i4").astype(np.int32)) for key, (n, tf, ln) in blobs.items()}

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
