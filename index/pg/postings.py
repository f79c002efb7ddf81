"""Scoring a query's posting lists (sql/002_postings.sql) in the replica: per term, its segments of the caller's
partitions (index/pg/postcache.py: passage numbers ascending); each posting's BM25 part computed with the
in-process index's formula and float32 arithmetic (index/lexical.py), added per passage in the query's term
order, per field, the fields combined the same way — so the scores are equal, not close. Removed passages are
masked; the top k are ordered by (score, document, position) as the in-process index orders ties, their ids
read in one round trip.

Exact top k without scoring every posting (MaxScore): a common term's list holds most of the corpus, but its
part of any score is at most its bound (idf × the best tf / length ratio it holds). The exact scores of the
passages in the rarest lists give a floor θ for the k-th score; the terms whose bounds together stay under θ
cannot lift a passage they alone hold into the top k, so only passages of the other terms' lists are scored —
each looked up in every list by binary search. Same scores, same top k, same ties (a passage outside the
scored set scores strictly under θ); when the set would be most of the corpus, every posting is scored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..lexical import K1, B
from .postcache import Arrays, PostingsCache

DENSE_MAX = 8_000_000  # passage numbers up to this are scored in a dense array; beyond, over their unique set
SEED_POSTINGS = 10_000  # the rarest lists' postings scored first, for the floor θ
REFINE = 2000  # candidates beyond this many after the strong terms: the best of them scored for a higher θ
SPARSE_SHARE = 1.0  # left after the strong terms: above this share of the passage numbers: score every posting instead (never: the weak terms drop them as cheaply)
GATHER, MAP_MIN = 16, 2000  # many passages scored, a list not much longer: looked up by a dense map
MARGIN = 1.0001  # bounds are float64 sums, the scores float32: a margin keeps the pruning safe
FieldTerms = tuple[int, float, list[tuple[int, int, float]], float]  # (field, weight, [(term, qtf, idf)], avgdl)


@dataclass
class _List:
    weight: float  # its field's share of the score
    qtf: int
    idf: float
    avg: float
    arrays: Arrays

    @property
    def bound(self) -> float:
        """The most this term adds to a score (weight aside): its list's largest tf / length ratio, over the
        postings it holds (Arrays.peak: a common term's largest tf and its shortest passage are seldom the same
        posting, so this is about half the bound they would give)."""
        return self.qtf * self.idf * self.arrays.peak(self.avg)

    def part(self, tf: np.ndarray, nos: np.ndarray) -> np.ndarray:
        """The float32 BM25 parts of postings (frequencies `tf` in passages `nos`), by the same expression as
        the in-process index."""
        return self._bm25(tf.astype(np.float32), self.arrays.lengths.by_field[self.arrays.field][nos])

    def _bm25(self, tf: np.ndarray, dl: np.ndarray) -> np.ndarray:
        return self.qtf * self.idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / self.avg))

    def by_number(self) -> np.ndarray | None:
        """A common word's list (kept by passage number): the float32 parts of every number up to its last, 0
        where it does not hold the passage — added whole, where scattering its postings one by one costs
        several times more. None for a list kept as postings."""
        tf_by_no = self.arrays.by_no
        if tf_by_no is None:
            return None
        return self._bm25(tf_by_no.astype(np.float32), self.arrays.lengths.by_field[self.arrays.field][: len(tf_by_no)])

    def every(self) -> tuple[np.ndarray, np.ndarray]:
        """(passage numbers, their float32 parts) of the whole list."""
        nos = self.arrays.numbers()
        return nos, self.part(self.arrays.freqs(nos), nos)


class Postings:
    def __init__(self, conn: Any, parts: tuple[int, ...] | None, removed: np.ndarray, cache: PostingsCache,
                 gen: int) -> None:
        self.conn, self.parts, self.removed, self.cache, self.gen = conn, parts, removed, cache, gen

    def top(self, order: list[FieldTerms], k: int, pushed: list[str] | None,
            allowed: Callable[[str], bool] | None) -> list[tuple[str, float]]:
        got = self.cache.get(self.conn, self.gen, self.parts, [(f, t) for f, _, ts, _ in order for t, _, _ in ts])
        if not got:
            return []
        # per field, its lists in the query's term order: the order scores are added in
        fields = [(weight, [_List(weight, qtf, idf, avg, got[(f, tid)]) for tid, qtf, idf in terms if (f, tid) in got])
                  for f, weight, terms, avg in order]
        top = max(a.last for a in got.values())
        if pushed is None and allowed is None:  # a filtered caller may need deeper than k: scored in full
            nos = self._pruned(fields, k, top)
            if nos is not None:
                return self._best(self._score(fields, nos), nos, k, None)
        return self._dense(fields, top, k, pushed, allowed)

    # --- pruned: the passages that can reach the top k, each scored exactly ----------------------------
    def _pruned(self, fields: list[tuple[float, list[_List]]], k: int, top: int) -> np.ndarray | None:
        """The passage numbers to score (ascending, removed ones left out), or None: score every posting."""
        lists = [(lst.weight * lst.bound, lst) for _, ls in fields for lst in ls]
        seed_lists: list[np.ndarray] = []
        used = 0
        for _, lst in sorted(lists, key=lambda x: x[1].arrays.n):
            if seed_lists and used + lst.arrays.n > SEED_POSTINGS:
                break
            seed_lists.append(lst.arrays.numbers())
            used += lst.arrays.n
        seed = self._live(np.unique(np.concatenate(seed_lists)))
        scores = self._score(fields, seed)
        if np.count_nonzero(scores > 0) < k:
            return None
        theta = float(np.partition(scores, len(scores) - k)[len(scores) - k])  # k real scores reach it
        # the weakest terms whose bounds together stay under θ: a passage only they hold scores under θ
        weak, essential, rest = 0.0, [], []
        for b, lst in sorted(lists, key=lambda x: x[0]):
            if (weak + b) * MARGIN >= theta:
                essential.append(lst)  # and every one after: their bounds are larger
            else:
                weak += b
                rest.append((b, lst))
        # a passage of the other terms' lists: their exact parts (float64 here) plus the most the weak terms
        # could add must reach θ, or it is not scored (MaxScore's pruning, for all candidates at once)
        partial = np.zeros(top + 1, dtype=np.float64)
        for lst in essential:
            whole = lst.by_number()
            if whole is not None:
                partial[: len(whole)] += whole * lst.weight
                continue
            at, part = lst.every()
            partial[at] += part * lst.weight
        nos = np.flatnonzero((partial + weak) * MARGIN >= theta)
        if len(nos) > REFINE:
            # a higher floor: the passages the essential terms favour most, scored exactly — their k-th score is
            # reached by k real scores too (the seed's passages hold only the rarest terms, often not the best)
            best = np.sort(nos[np.argpartition(partial[nos], len(nos) - REFINE)[len(nos) - REFINE:]])
            exact = self._score(fields, self._live(best))
            if np.count_nonzero(exact > 0) >= k:
                theta = max(theta, float(np.partition(exact, len(exact) - k)[len(exact) - k]))
                nos = nos[(partial[nos] + weak) * MARGIN >= theta]
        if len(nos) > SPARSE_SHARE * top:
            return None
        # then each weak term, strongest first: its exact part replaces its bound, and who cannot reach θ goes
        got = partial[nos]  # the candidates' partial sums, kept beside them
        scratch = partial  # a list added whole goes through a dense array (zeroed again after)
        scratch[:] = 0
        for b, lst in reversed(rest):
            weak -= b
            if lst.arrays.by_no is None and len(nos) * GATHER > lst.arrays.n:  # many left: the whole list
                at, part = lst.every()
                scratch[at] = part * lst.weight
                got += scratch[nos]
                scratch[at] = 0
            else:
                where, tf = lst.arrays.lookup(nos)
                got[where] += lst.part(tf, nos[where]) * lst.weight
            keep = (got + max(weak, 0.0)) * MARGIN >= theta
            nos, got = nos[keep], got[keep]
        return self._live(nos)

    def _live(self, nos: np.ndarray) -> np.ndarray:
        gone = self.removed[self.removed <= nos[-1]] if len(nos) else self.removed[:0]
        return nos[~np.isin(nos, gone)] if len(gone) else nos

    @staticmethod
    def _score(fields: list[tuple[float, list[_List]]], nos: np.ndarray) -> np.ndarray:
        """Exact scores of these passages (ascending numbers): each list searched for them, the parts added in
        the order and float32 arithmetic of the full scoring (a missing term adds 0: x + 0 is x)."""
        total = np.zeros(len(nos), dtype=np.float32)
        if not len(nos):
            return total
        pos: np.ndarray | None = None  # passage number → its index in `nos` (-1: not scored)
        for weight, lists in fields:
            scores = np.zeros(len(nos), dtype=np.float32)
            for lst in lists:
                have = lst.arrays.nos
                if lst.arrays.by_no is None and len(nos) > MAP_MIN and len(have) < GATHER * len(nos):
                    # one look-up a posting beats a search
                    if pos is None:
                        pos = np.full(int(max(nos[-1], 0)) + 1, -1, dtype=np.int32)
                        pos[nos] = np.arange(len(nos), dtype=np.int32)
                    at = pos[have[have <= nos[-1]]]
                    postings = np.flatnonzero(at >= 0)
                    where, tf = at[postings], lst.arrays.tf[postings]
                else:
                    where, tf = lst.arrays.lookup(nos)
                scores[where] += lst.part(tf, nos[where])  # one posting per passage and term: no repeated index
            total = total + (scores if weight == 1.0 else scores * weight)
        return total

    # --- every posting scored (filtered callers, or queries of common terms only) --------------------
    def _dense(self, fields: list[tuple[float, list[_List]]], top: int, k: int, pushed: list[str] | None,
               allowed: Callable[[str], bool] | None) -> list[tuple[str, float]]:
        dense = top < DENSE_MAX
        nos = np.arange(top + 1) if dense else \
            np.unique(np.concatenate([lst.arrays.numbers() for _, ls in fields for lst in ls]))

        def slots(x: np.ndarray) -> np.ndarray:
            return x if dense else np.searchsorted(nos, x)

        total = np.zeros(len(nos), dtype=np.float32)  # 0 + x is x: the fields add up as in the in-process index
        for weight, lists in fields:
            scores = np.zeros(len(nos), dtype=np.float32)
            for lst in lists:
                whole = lst.by_number() if dense else None
                if whole is not None:  # x + 0 is x: the passages the list does not hold keep their score
                    scores[: len(whole)] += whole
                    continue
                # a passage holds a term once: no repeated index, each score gets the float32 part added once
                at, part = lst.every()
                scores[slots(at)] += part
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
        """The k best by (score desc, document, position): every passage tied with the k-th is ordered, so ties
        break on the same keys as the in-process index — by the documents and positions the lists' passages
        were read with (`Lengths`), then only the k chosen ids read; by reading every tied passage's id when one
        is not known or `allowed` must see the ids."""
        cand = np.flatnonzero(total > 0)
        want = k
        while True:
            if len(cand) > want:
                kth = np.partition(total[cand], len(cand) - want)[len(cand) - want]
                pick = cand[total[cand] >= kth]
            else:
                pick = cand
            if allowed is None:
                chosen = self._best_known(total, nos, pick, k)
                if chosen is not None:
                    return chosen
            rows = self.conn.execute("SELECT no, id, doc_id, position FROM lexicon WHERE no = ANY(%s::int[])",
                                     ([int(nos[i]) for i in pick],)).fetchall()
            meta = {int(no): (pid, doc, pos) for no, pid, doc, pos in rows}
            ranked = sorted(((float(total[i]), meta[int(nos[i])]) for i in pick if int(nos[i]) in meta),
                            key=lambda x: (-x[0], x[1][1], x[1][2]))
            out = [(m[0], s) for s, m in ranked if allowed is None or allowed(m[0])]
            if len(out) >= k or len(pick) == len(cand):
                return out[:k]
            want *= 4  # `allowed` turned some down: look deeper

    def _best_known(self, total: np.ndarray, nos: np.ndarray, pick: np.ndarray,
                    k: int) -> list[tuple[str, float]] | None:
        """The k best of `pick` ordered in memory, their ids read; None when a key is not known or a chosen
        passage is no longer in the lexicon (removed meanwhile)."""
        numbers = nos[pick]
        keys = self.cache.lengths.order_keys(numbers)
        if keys is None:
            return None
        docs, positions = keys
        scores = total[pick]
        order = np.lexsort((positions, docs, -scores))[:k].tolist()
        chosen = [int(numbers[i]) for i in order]
        ids = dict(self.conn.execute("SELECT no, id FROM lexicon WHERE no = ANY(%s::int[])", (chosen,)).fetchall())
        if len(ids) < len(chosen):
            return None
        return [(ids[no], float(scores[i])) for no, i in zip(chosen, order)]
