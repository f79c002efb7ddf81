"""BM25 in PostgreSQL (server mode): the same scores as index/lexical.py — same tokens, same formula in the
same float32 arithmetic, an accented and a folded field combined the same way — from statistics every replica
reads from the database, so replicas rank identically.

A restricted caller's statistics (document frequencies, passage count, mean length) are summed over the
access partitions it may read only (`lex_df`, `lex_stats` per partition), and candidates come from those
partitions only, so nothing it scores depends on a document it cannot see.

The terms' posting segments come in one round trip (kept by the replica, index/pg/postcache.py) and are
scored with numpy in the replica (index/pg/postings.py): the exact top k as the in-process index finds by
scoring every passage holding a query term, with the passages that cannot reach it pruned (MaxScore)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..access import DEFAULT_GROUPS, caller_groups
from ..vntext import tokens
from .catalog import PgCatalog
from .lexwrite import StatsDelta, add_token_rows, remove_passages
from .postcache import PostingsCache
from .postings import Postings

FOLDED_SHARE = 0.3  # as index/lexical.py: with marks in the query, folded matches add this fraction
PUSHDOWN_MAX = 50_000  # an allowed set this small is sent to the database instead of filtered after


@dataclass
class _Term:
    field: int
    id: int
    qtf: int
    idf: float
    weight: float
    df: int = 0


class PgLexicalIndex:
    def __init__(self, catalog: PgCatalog) -> None:
        self.catalog = catalog
        self.pool = catalog.pool
        self.generation = -1  # the catalog generation last read (the passage cache sets it per request too)
        self.visible_slots: Any = None  # the in-process index's hook; statistics here come from partitions
        self._parts: tuple[int, list[tuple[int, frozenset[str]]]] = (-2, [])
        self._stats: dict[tuple[int, tuple[int, ...] | None], dict[int, tuple[int, float]]] = {}
        self._df: dict[tuple[int, tuple[int, ...] | None], dict[tuple[int, str], tuple[int, int]]] = {}
        self._gone: tuple[int, np.ndarray] = (-1, np.zeros(0, dtype=np.int64))
        self.postings = PostingsCache()

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
            # scoring order: per field, the query's terms in their order (the in-process index's addition order)
            order = [(f, w, [(t.id, t.qtf, t.idf) for t in terms if t.field == f], stats.get(f, (0, 1.0))[1])
                     for f, _, w in fields]
            return Postings(conn, parts, self._removed(conn, gen), self.postings, gen).top(order, k, pushed, allowed)

    def _removed(self, conn: Any, gen: int) -> np.ndarray:
        """Numbers of passages taken out of the lexicon (still in older posting segments), as of `gen`."""
        seen, have = self._gone
        if seen < gen:
            new = [r[0] for r in conn.execute("SELECT no FROM lex_removed WHERE gen > %s", (seen,))]
            if new:
                have = np.union1d(have, np.asarray(new, dtype=np.int64))
            self._gone = (gen, have)
        return have


def _small_set(allowed: Callable[[str], bool] | None) -> list[str] | None:
    """The ids behind `allowed` when it is a small set's membership test: filtered in the database."""
    owner = getattr(allowed, "__self__", None)
    if isinstance(owner, (set, frozenset)) and len(owner) <= PUSHDOWN_MAX:
        return sorted(owner)
    return None
