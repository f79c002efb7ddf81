"""BM25 in PostgreSQL (server mode): the same scores as index/lexical.py — same tokens, same formula in the
same float32 arithmetic, an accented and a folded field combined the same way — from statistics every replica
reads from the database, so replicas rank identically.

A restricted caller's statistics (document frequencies, passage count, mean length) are summed over the
access partitions it may read only (`lex_df`, `lex_stats` per partition), and candidates come from those
partitions only, so nothing it scores depends on a document it cannot see.

Exact top-k without scoring every passage that shares a common word: candidates come from the GIN index for
the rarest query terms first (MaxScore); each candidate is scored on all terms from its stored frequencies;
a passage holding none of those terms can score at most the sum of the other terms' upper bounds, so once
that bound is below the k-th score nothing outside can enter the top k — otherwise the next term joins."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..access import DEFAULT_GROUPS, caller_groups
from ..lexical import K1, B
from ..vntext import tokens
from .catalog import PgCatalog
from .lexwrite import StatsDelta, add_token_rows, remove_passages

FOLDED_SHARE = 0.3  # as index/lexical.py: with marks in the query, folded matches add this fraction
PUSHDOWN_MAX = 50_000  # an allowed set this small is sent to the database instead of filtered after
ROUND_ROWS = 4000  # postings (by document frequency) one round trip fetches beyond its first term


@dataclass
class _Term:
    field: int
    id: int
    qtf: int
    idf: float
    weight: float
    df: int = 0

    @property
    def bound(self) -> float:  # tf / (tf + K) < 1: no passage gets more from this term
        return self.weight * self.qtf * self.idf * (K1 + 1)


class PgLexicalIndex:
    def __init__(self, catalog: PgCatalog) -> None:
        self.catalog = catalog
        self.pool = catalog.pool
        self.generation = -1  # the catalog generation last read (the passage cache sets it per request too)
        self.visible_slots: Any = None  # the in-process index's hook; statistics here come from partitions
        self._parts: tuple[int, list[tuple[int, frozenset[str]]]] = (-2, [])
        self._stats: dict[tuple[int, tuple[int, ...] | None], dict[int, tuple[int, float]]] = {}
        self._df: dict[tuple[int, tuple[int, ...] | None], dict[tuple[int, str], tuple[int, int]]] = {}

    # --- statistics over the caller's partitions ---------------------------------------------------
    def _visible_parts(self, conn: Any, gen: int) -> tuple[int, ...] | None:
        groups = caller_groups()
        if groups is None:
            return None
        if self._parts[0] != gen:  # partitions appear only in writes, which move the generation
            rows = conn.execute("SELECT id, groups FROM partitions ORDER BY id").fetchall()
            self._parts = (gen, [(int(i), frozenset(g)) for i, g in rows])
        return tuple(i for i, g in self._parts[1] if g & groups)

    def _context(self, conn: Any, fresh: bool = True) -> tuple[int, tuple[int, ...] | None, dict[int, tuple[int, float]]]:
        """(generation, visible partitions, field → (passages, mean length)). `fresh`: read the generation now
        (a search does); otherwise the one this request's search or passage cache read (the answerer's idf
        calls, many per question, see the same statistics as the search before them)."""
        if fresh or self.generation < 0:
            self.generation = int(conn.execute("SELECT generation FROM chidao_state").fetchone()[0])
        gen = self.generation
        parts = self._visible_parts(conn, gen)
        key = (gen, parts)
        stats = self._stats.get(key)
        if stats is None:
            sql = "SELECT field, sum(n), sum(total) FROM lex_stats"
            rows = conn.execute(sql + " GROUP BY field" if parts is None else
                                sql + " WHERE part = ANY(%s::int[]) GROUP BY field", () if parts is None else
                                (list(parts),)).fetchall()
            stats = {int(f): (int(n), float(t) / int(n)) for f, n, t in rows if n and int(n) > 0}
            if len(self._stats) > 64:
                self._stats.clear()
            self._stats[key] = stats
        return gen, parts, stats

    def _frequencies(self, conn: Any, gen: int, parts: tuple[int, ...] | None,
                     wanted: list[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, int]]:
        """(field, term) → (term id, document frequency over the partitions); unknown terms are left out."""
        cache = self._df.setdefault((gen, parts), {})
        if len(self._df) > 64:
            self._df.clear()
            cache = self._df.setdefault((gen, parts), {})
        missing = sorted({t for f, t in wanted if (f, t) not in cache})
        if missing:
            sql = ("SELECT d.field, t.term, t.id, sum(d.df) FROM lex_terms t JOIN lex_df d ON d.term = t.id "
                   "WHERE t.term = ANY(%s::text[]) AND d.df > 0")
            args: list[Any] = [missing]
            if parts is not None:
                sql += " AND d.part = ANY(%s::int[])"
                args.append(list(parts))
            found = {(int(f), term): (int(i), int(df)) for f, term, i, df in
                     conn.execute(sql + " GROUP BY d.field, t.term, t.id", args).fetchall()}
            for f in (0, 1):
                for term in missing:
                    cache[(f, term)] = found.get((f, term), (0, 0))
        return {k: cache[k] for k in wanted if cache[k][1] > 0}

    @staticmethod
    def _idf(n: int, df: int) -> float:
        df = min(df, n)
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df and n else 0.0

    def idf(self, term: str, folded: bool = False) -> float:
        """Over the caller's visible passages: a term only a hidden document has is unknown (idf 0)."""
        field = 1 if folded else 0
        with self.pool.connection() as conn:
            gen, parts, stats = self._context(conn, fresh=False)
            if field not in stats:
                return 0.0
            got = self._frequencies(conn, gen, parts, [(field, term)]).get((field, term))
        return self._idf(stats[field][0], got[1]) if got else 0.0

    # --- writes: ingest writes tokens with their passage (PgCatalog.replace_document); these are the role's
    # own writes, for tokens given directly (passages the catalog does not hold sit in the default groups) --
    def add_tokens(self, items: Iterable[tuple[str, list[str], list[str]]]) -> None:
        rows = list(items)
        if not rows:
            return
        with self.pool.connection() as conn, conn.transaction():
            gen = self.catalog.bump(conn)
            add_token_rows(conn, rows, self.catalog.partition(conn, list(DEFAULT_GROUPS)), gen)
        self.generation = -1  # statistics moved: the next idf reads them again

    def remove(self, ids: Iterable[str]) -> None:
        gone = list(ids)
        if not gone:
            return
        with self.pool.connection() as conn, conn.transaction():
            gen = self.catalog.bump(conn)
            delta = StatsDelta()
            remove_passages(conn, gone, delta)
            delta.apply(conn, gen)
        self.generation = -1

    def __len__(self) -> int:
        """Passages in the index (all partitions), as the in-process index counts its slots."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT count(*) FROM lexicon").fetchone()
        return int(row[0]) if row else 0

    # --- search ------------------------------------------------------------------------------------
    def search(self, query: str, k: int, *, diacritics: bool, allowed: Callable[[str], bool] | None = None,
               ) -> list[tuple[str, float]]:
        """Accented matches outrank folded ones: the folded field only adds a fraction when the query has marks."""
        fields = [(0, tokens(query), 1.0), (1, tokens(query, folded=True), FOLDED_SHARE)] if diacritics else \
            [(1, tokens(query, folded=True), 1.0)]
        pushed = _small_set(allowed)
        with self.pool.connection() as conn:
            gen, parts, stats = self._context(conn)
            wanted = [(f, t) for f, toks, _ in fields for t in Counter(toks)]
            freq = self._frequencies(conn, gen, parts, wanted)
            terms: list[_Term] = []
            for f, toks, weight in fields:
                if f not in stats:
                    continue
                for t, qtf in Counter(toks).items():
                    if (f, t) in freq:
                        tid, df = freq[(f, t)]
                        terms.append(_Term(f, tid, qtf, self._idf(stats[f][0], df), weight, df))
            if not terms:
                return []
            return _MaxScore(conn, terms, fields, stats, parts, pushed, allowed).top(k)


def _small_set(allowed: Callable[[str], bool] | None) -> list[str] | None:
    """The ids behind `allowed` when it is a small set's membership test: filtered in the database."""
    owner = getattr(allowed, "__self__", None)
    if isinstance(owner, (set, frozenset)) and len(owner) <= PUSHDOWN_MAX:
        return sorted(owner)
    return None


class _MaxScore:
    def __init__(self, conn: Any, terms: list[_Term], fields: list[tuple[int, list[str], float]],
                 stats: dict[int, tuple[int, float]], parts: tuple[int, ...] | None, pushed: list[str] | None,
                 allowed: Callable[[str], bool] | None) -> None:
        self.conn, self.stats, self.parts, self.pushed, self.allowed = conn, stats, parts, pushed, allowed
        # scoring order: per field, the query's terms in their order (the in-process index's addition order)
        self.fields = [(f, w, [t for t in terms if t.field == f]) for f, _, w in fields]
        self.by_bound = sorted(terms, key=lambda t: -t.bound)
        self.ids: list[str] = []
        self.keys: list[tuple[str, int]] = []
        self.scores = np.zeros(0, dtype=np.float32)

    def top(self, k: int) -> list[tuple[str, float]]:
        essential: list[_Term] = []
        rest = list(self.by_bound)
        while rest:
            new = [rest.pop(0)]
            rows = new[0].df
            # rare terms together (their postings are short), a common one alone: pruning may stop before it
            while rest and (len(essential) + len(new) < 2 or rows + rest[0].df <= ROUND_ROWS):
                rows += rest[0].df
                new.append(rest.pop(0))
            self._fetch(new, essential)
            essential += new
            bound = sum(t.bound for t in rest)
            kth = self._kth(k)
            if kth is not None and bound < kth * (1 - 1e-6):
                break
        order = sorted(range(len(self.ids)), key=lambda i: (-float(self.scores[i]), self.keys[i]))
        out: list[tuple[str, float]] = []
        for i in order:
            if self.scores[i] <= 0:
                break
            pid = self.ids[i]
            if self.pushed is None and self.allowed is not None and not self.allowed(pid):
                continue
            out.append((pid, float(self.scores[i])))
            if len(out) >= k:
                break
        return out

    def _kth(self, k: int) -> float | None:
        if self.pushed is None and self.allowed is not None:
            ok = np.array([self.allowed(pid) for pid in self.ids], dtype=bool)
            scores = self.scores[ok] if len(ok) else self.scores
        else:
            scores = self.scores
        if len(scores) < k:
            return None
        return float(np.partition(scores, len(scores) - k)[len(scores) - k])

    def _fetch(self, new: list[_Term], before: list[_Term]) -> None:
        """Candidates holding a term of `new` and none of `before` (those were fetched), scored on all terms."""
        acc = [t.id for f, _, ts in self.fields if f == 0 for t in ts]
        fold = [t.id for f, _, ts in self.fields if f == 1 for t in ts]

        def has(terms: list[_Term]) -> tuple[str, list[Any]]:
            a, f = [t.id for t in terms if t.field == 0], [t.id for t in terms if t.field == 1]
            return "(acc_terms && %s::int[] OR fold_terms && %s::int[])", [a, f]

        cond, args = has(new)
        sql = ("SELECT id, doc_id, position, acc_len, fold_len, "
               "ARRAY(SELECT coalesce(acc_tfs[array_position(acc_terms, q)], 0) FROM unnest(%s::int[]) "
               "WITH ORDINALITY AS u(q, i) ORDER BY i), "
               "ARRAY(SELECT coalesce(fold_tfs[array_position(fold_terms, q)], 0) FROM unnest(%s::int[]) "
               "WITH ORDINALITY AS u(q, i) ORDER BY i) FROM lexicon WHERE " + cond)
        params: list[Any] = [acc, fold, *args]
        if before:
            c2, a2 = has(before)
            sql += " AND NOT " + c2
            params += a2
        if self.parts is not None:
            sql += " AND part = ANY(%s::int[])"
            params.append(list(self.parts))
        if self.pushed is not None:
            sql += " AND id = ANY(%s::text[])"
            params.append(self.pushed)
        rows = self.conn.execute(sql, params).fetchall()
        if not rows:
            return
        lengths = {0: np.array([r[3] for r in rows], dtype=np.float32), 1: np.array([r[4] for r in rows],
                                                                                  dtype=np.float32)}
        tfs = {0: np.array([r[5] for r in rows], dtype=np.float32).reshape(len(rows), len(acc)),
               1: np.array([r[6] for r in rows], dtype=np.float32).reshape(len(rows), len(fold))}
        total: np.ndarray | None = None
        for f, weight, ts in self.fields:
            scores = np.zeros(len(rows), dtype=np.float32)
            avg = self.stats[f][1] if ts else 1.0
            dl = lengths[f]
            for j, t in enumerate(ts):
                tf = tfs[f][:, j]
                part = t.qtf * t.idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avg))
                scores += part
            if total is None:
                total = scores if weight == 1.0 else scores * weight
            else:
                total = total + weight * scores
        assert total is not None
        self.ids += [r[0] for r in rows]
        self.keys += [(r[1], r[2]) for r in rows]
        self.scores = np.concatenate([self.scores, total])
