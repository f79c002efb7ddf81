"""Scoring a query's posting segments (sql/002_postings.sql) in the replica: per term, its segments of the
caller's partitions concatenated; each posting's BM25 part computed with the in-process index's formula and
float32 arithmetic (index/lexical.py), added per passage in the query's term order, per field, the fields
combined the same way — so the scores are equal, not close. Removed passages are masked; the top k are
ordered by (score, document, position) as the in-process index orders ties, their ids read in one round trip.
The postings themselves come from the replica's cache of recent ones (index/pg/postcache.py) or the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..lexical import K1, B
from .postcache import PostingsCache

DENSE_MAX = 8_000_000  # passage numbers up to this are scored in a dense array; beyond, over their unique set
FieldTerms = tuple[int, float, list[tuple[int, int, float]], float]  # (field, weight, [(term, qtf, idf)], avgdl)


class Postings:
    def __init__(self, conn: Any, parts: tuple[int, ...] | None, removed: np.ndarray, cache: PostingsCache,
                 gen: int) -> None:
        self.conn, self.parts, self.removed, self.cache, self.gen = conn, parts, removed, cache, gen

    def top(self, order: list[FieldTerms], k: int, pushed: list[str] | None,
            allowed: Callable[[str], bool] | None) -> list[tuple[str, float]]:
        got = self.cache.get(self.conn, self.gen, self.parts, [(f, t) for f, _, ts, _ in order for t, _, _ in ts])
        if not got:
            return []
        every = np.concatenate([v[0] for v in got.values()])
        dense = int(every.max()) < DENSE_MAX
        nos = np.arange(int(every.max()) + 1) if dense else np.unique(every)

        def slots(x: np.ndarray) -> np.ndarray:
            return x if dense else np.searchsorted(nos, x)

        total = np.zeros(len(nos), dtype=np.float32)  # 0 + x is x: the fields add up as in the in-process index
        for f, weight, terms, avg in order:
            scores = np.zeros(len(nos), dtype=np.float32)
            for tid, qtf, idf in terms:
                if (f, tid) not in got:
                    continue
                where, tf, dl = got[(f, tid)]
                part = qtf * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avg))
                # a passage holds a term once: one value per bin, so the sum is the float32 part itself (exact)
                scores += np.bincount(slots(where), weights=part, minlength=len(nos)).astype(np.float32)
            total = total + (scores if weight == 1.0 else scores * weight)
        gone = self.removed[self.removed <= nos[-1]]
        if len(gone):
            keep = np.isin(gone, nos) if not dense else np.ones(len(gone), dtype=bool)
            total[slots(gone[keep])] = 0
        if pushed is not None:  # a small allowed set: its passage numbers only
            mask = np.zeros(len(nos), dtype=bool)
            own = np.asarray([r[0] for r in self.conn.execute("SELECT no FROM lexicon WHERE id = ANY(%s::text[])",
                                                                (pushed,))], dtype=np.int64)
            own = own[own <= nos[-1]]
            if len(own):
                inside = own if dense else own[np.isin(own, nos)]
                mask[slots(inside)] = True
            total[~mask] = 0
        return self._best(total, nos, k, None if pushed is not None else allowed)

    def _best(self, total: np.ndarray, nos: np.ndarray, k: int,
              allowed: Callable[[str], bool] | None) -> list[tuple[str, float]]:
        """The k best by (score desc, document, position); every passage tied with the k-th is read, so ties
        break on the same keys as the in-process index."""
        cand = np.flatnonzero(total > 0)
        want = k
        while True:
            if len(cand) > want:
                kth = np.partition(total[cand], len(cand) - want)[len(cand) - want]
                pick = cand[total[cand] >= kth]
            else:
                pick = cand
            rows = self.conn.execute("SELECT no, id, doc_id, position FROM lexicon WHERE no = ANY(%s::int[])",
                                     ([int(nos[i]) for i in pick],)).fetchall()
            meta = {int(no): (pid, doc, pos) for no, pid, doc, pos in rows}
            ranked = sorted(((float(total[i]), meta[int(nos[i])]) for i in pick if int(nos[i]) in meta),
                            key=lambda x: (-x[0], x[1][1], x[1][2]))
            out = [(m[0], s) for s, m in ranked if allowed is None or allowed(m[0])]
            if len(out) >= k or len(pick) == len(cand):
                return out[:k]
            want *= 4  # `allowed` turned some down: look deeper
