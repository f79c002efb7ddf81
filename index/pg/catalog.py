"""The catalog in PostgreSQL (server mode): the same contract as index/catalog.py (index/protocols.py
`Catalog`), shared by any number of replicas. One transaction per document write; it starts by bumping the
generation, whose row lock serialises catalog swaps, so a replica that read generation g has every change
stamped <= g (`changes_since`). One writer per document and repair against writers are advisory locks held on
a connection of their own: a writer killed mid-ingest frees them with its connection."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import psycopg
from psycopg.types.json import Json

from domain.passages import Passage, PassageKind

from ..access import groups_of
from ..catalog import embed_hash
from ..vntext import TOKENIZER_VERSION
from .connection import dedicated, pool
from .lexwrite import StatsDelta, add_lexicon, remove_lexicon, retokenize_lexicon, stale_lexicon
from .tokens import PassageTokens

REPAIR_LOCK = 0x43485250  # "CHRP": writers hold it shared, `repair` exclusively
REMOVALS_KEPT = 5000  # generations of removals a replica can catch up with; older replicas reload everything
_COLS = "id, doc_id, position, kind, text, embed_text, meta"
_DOC_COLS = "doc_id, source, sha256, chunker, meta, n_passages, ingested_at, size"


def _passage(r: tuple[Any, ...]) -> Passage:
    return Passage(r[0], r[1], r[2], PassageKind(r[3]), r[4], r[5], r[6])


def _json(value: Any) -> Json:
    """As the SQLite catalog writes it: Vietnamese kept as text, not \\u escapes (half the size)."""
    return Json(value, dumps=lambda v: json.dumps(v, ensure_ascii=False))


def _vec(b: Any) -> np.ndarray:
    return np.frombuffer(bytes(b), dtype=np.float32)


class PgCatalog:
    def __init__(self, url: str, pool_size: int = 8) -> None:
        self.url = url
        self.pool = pool(url, pool_size)
        self._parts: dict[tuple[str, ...], int] = {}  # partitions never change once made: cached

    # --- key/value and the generation --------------------------------------------------------------
    def _one(self, sql: str, args: Any = ()) -> Any:
        with self.pool.connection() as conn:
            row = conn.execute(sql, args).fetchone()
        return row[0] if row else None

    def get_kv(self, key: str, default: str = "") -> str:
        value = self._one("SELECT value FROM kv WHERE key = %s", (key,))
        return default if value is None else str(value)

    def set_kv(self, key: str, value: str) -> None:
        with self.pool.connection() as conn, conn.transaction():
            self.bump(conn)  # replicas read the active collection with the generation
            conn.execute("INSERT INTO kv VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         (key, value))

    def generation(self) -> int:
        return int(self._one("SELECT generation FROM chidao_state"))

    def state(self) -> tuple[int, str | None]:
        """(generation, active collection) in one round trip: what a replica reads per request."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT generation, (SELECT value FROM kv WHERE key = 'active_collection') "
                               "FROM chidao_state").fetchone()
        assert row is not None
        return int(row[0]), row[1]

    @staticmethod
    def bump(conn: psycopg.Connection) -> int:
        """Move the generation, first in a write transaction (its row lock orders writers)."""
        row = conn.execute("UPDATE chidao_state SET generation = generation + 1 RETURNING generation").fetchone()
        assert row is not None
        gen = int(row[0])
        if gen % 1000 == 0:  # keep the removal log short: replicas further behind reload everything
            conn.execute("DELETE FROM removed_passages WHERE gen <= %s", (gen - REMOVALS_KEPT,))
            conn.execute("UPDATE chidao_state SET horizon = %s", (max(0, gen - REMOVALS_KEPT),))
        return gen

    # --- documents -------------------------------------------------------------------------------
    @staticmethod
    def _doc_row(r: tuple[Any, ...]) -> dict[str, Any]:
        meta = dict(r[4])
        meta.update(doc_id=r[0], source=r[1], sha256=r[2], chunker=r[3], n_passages=r[5], ingested_at=r[6], size=r[7])
        return meta

    def document(self, doc_id: str) -> dict[str, Any] | None:
        with self.pool.connection() as conn:
            row = conn.execute(f"SELECT {_DOC_COLS} FROM documents WHERE doc_id = %s", (doc_id,)).fetchone()
        return self._doc_row(row) if row else None

    def documents(self) -> list[dict[str, Any]]:
        with self.pool.connection() as conn:
            rows = conn.execute(f'SELECT {_DOC_COLS} FROM documents ORDER BY source COLLATE "C"').fetchall()
        return [self._doc_row(r) for r in rows]

    def coverage(self, doc_id: str) -> dict[str, Any] | None:
        ledger = self._one("SELECT ledger FROM coverage WHERE doc_id = %s", (doc_id,))
        return dict(ledger) if ledger is not None else None

    def partition(self, conn: psycopg.Connection, groups: list[str]) -> int:
        """The id of the access partition of these groups (made on first use)."""
        key = tuple(sorted(groups))
        part = self._parts.get(key)
        if part is None:
            conn.execute("INSERT INTO partitions (groups) VALUES (%s) ON CONFLICT (groups) DO NOTHING", (list(key),))
            part = int(self._one_in(conn, "SELECT id FROM partitions WHERE groups = %s", (list(key),)))
            self._parts[key] = part
        return part

    @staticmethod
    def _one_in(conn: psycopg.Connection, sql: str, args: Any) -> Any:
        row = conn.execute(sql, args).fetchone()
        return row[0] if row else None

    def _take_out(self, conn: psycopg.Connection, doc_id: str, delta: StatsDelta) -> set[str]:
        remove_lexicon(conn, doc_id, delta)
        return {r[0] for r in conn.execute("DELETE FROM passages WHERE doc_id = %s RETURNING id", (doc_id,))}

    def replace_document(self, doc: dict[str, Any], passages: list[Passage], vectors: dict[str, np.ndarray],
                         model: str, ledger: dict[str, Any] | None = None) -> list[str]:
        """Swap a document's passages (tokens, statistics, coverage ledger) in one transaction; returns the ids
        that were removed."""
        tokens = {p.id: PassageTokens.of(p.embed_text) for p in passages}  # outside the transaction: CPU only
        doc_id = doc["doc_id"]
        meta = {k: v for k, v in doc.items() if k not in ("doc_id", "source", "sha256", "chunker", "size")}
        with self.pool.connection() as conn, conn.transaction():
            gen = self.bump(conn)
            delta = StatsDelta()
            old = self._take_out(conn, doc_id, delta)
            conn.execute(
                "INSERT INTO documents VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (doc_id) DO UPDATE SET "
                "source = excluded.source, sha256 = excluded.sha256, chunker = excluded.chunker, meta = excluded.meta, "
                "n_passages = excluded.n_passages, ingested_at = excluded.ingested_at, size = excluded.size",
                (doc_id, doc["source"], doc["sha256"], doc["chunker"], _json(meta), len(passages), time.time(),
                 doc.get("size", 0)))
            parts = {p.id: self.partition(conn, groups_of(p.metadata)) for p in passages}
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO passages VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    [(p.id, p.doc_id, p.position, str(p.kind), p.text, p.embed_text, _json(p.metadata),
                      embed_hash(p.embed_text), parts[p.id], gen) for p in passages])
            add_lexicon(conn, [(p.id, p.doc_id, p.position, parts[p.id], tokens[p.id]) for p in passages], delta)
            delta.apply(conn, gen)
            gone = sorted(old - {p.id for p in passages})
            self._log_removed(conn, gone, gen)
            conn.execute("INSERT INTO dirty VALUES (%s) ON CONFLICT DO NOTHING", (doc_id,))
            conn.execute("DELETE FROM coverage WHERE doc_id = %s", (doc_id,))
            if ledger is not None:
                conn.execute("INSERT INTO coverage VALUES (%s, %s)", (doc_id, _json(ledger)))
            self._insert_vectors(conn, model, list(vectors.items()))
        return gone

    def delete_document(self, doc_id: str) -> list[str]:
        with self.pool.connection() as conn, conn.transaction():
            gen = self.bump(conn)
            delta = StatsDelta()
            ids = sorted(self._take_out(conn, doc_id, delta))
            delta.apply(conn, gen)
            self._log_removed(conn, ids, gen)
            conn.execute("DELETE FROM documents WHERE doc_id = %s", (doc_id,))
            conn.execute("DELETE FROM coverage WHERE doc_id = %s", (doc_id,))
            conn.execute("INSERT INTO dirty VALUES (%s) ON CONFLICT DO NOTHING", (doc_id,))
        return ids

    @staticmethod
    def _log_removed(conn: psycopg.Connection, ids: list[str], gen: int) -> None:
        if ids:
            conn.execute("INSERT INTO removed_passages SELECT unnest(%s::text[]), %s", (ids, gen))

    @staticmethod
    def _insert_vectors(conn: psycopg.Connection, model: str, items: list[tuple[str, np.ndarray]]) -> None:
        if items:
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO vectors VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                                [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items])

    # --- the change feed replicas follow ---------------------------------------------------------
    def changes_since(self, gen: int) -> tuple[int, bool, list[str], list[str]]:
        """(generation now, reset, passages added or rewritten since `gen` in document order, passages removed
        since). `reset`: `gen` is older than the removal log (or -1): the ids are every passage."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot for all three reads
            row = conn.execute("SELECT generation, horizon FROM chidao_state").fetchone()
            assert row is not None
            now, horizon = int(row[0]), int(row[1])
            if gen < 0 or gen < horizon:
                ids = [r[0] for r in conn.execute('SELECT id FROM passages ORDER BY doc_id COLLATE "C", position')]
                return now, True, ids, []
            added = [r[0] for r in conn.execute(
                'SELECT id FROM passages WHERE gen > %s ORDER BY doc_id COLLATE "C", position', (gen,))]
            removed = [r[0] for r in conn.execute(
                "SELECT DISTINCT r.id FROM removed_passages r WHERE r.gen > %s AND NOT EXISTS "
                "(SELECT 1 FROM passages p WHERE p.id = r.id)", (gen,))]
        return now, False, added, removed

    # --- passages and vectors --------------------------------------------------------------------
    def passages(self, doc_id: str | None = None) -> list[Passage]:
        order = ' ORDER BY doc_id COLLATE "C", position'
        with self.pool.connection() as conn:
            if doc_id is None:
                rows = conn.execute(f"SELECT {_COLS} FROM passages" + order).fetchall()
            else:
                rows = conn.execute(f"SELECT {_COLS} FROM passages WHERE doc_id = %s" + order, (doc_id,)).fetchall()
        return [_passage(r) for r in rows]

    def passages_by_id(self, ids: Iterable[str]) -> dict[str, Passage]:
        out: dict[str, Passage] = {}
        for chunk in _chunks(list(ids)):
            with self.pool.connection() as conn:
                rows = conn.execute(f"SELECT {_COLS} FROM passages WHERE id = ANY(%s::text[])", (chunk,)).fetchall()
            out.update({r[0]: _passage(r) for r in rows})
        return out

    def passage_ids(self) -> list[str]:
        with self.pool.connection() as conn:
            return [r[0] for r in conn.execute('SELECT id FROM passages ORDER BY doc_id COLLATE "C", position')]

    def count_passages(self) -> int:
        return int(self._one("SELECT count(*) FROM passages"))

    def lexicon(self, ids: Iterable[str]) -> dict[str, tuple[list[str], list[str]]]:
        """Stored (accented, folded) tokens — as multisets (the order of a passage's tokens is not kept)."""
        ids = list(ids)
        out: dict[str, tuple[list[str], list[str]]] = {}
        for chunk in _chunks(ids):
            with self.pool.connection() as conn:
                rows = conn.execute("SELECT id, acc_terms, acc_tfs, fold_terms, fold_tfs FROM lexicon "
                                    "WHERE id = ANY(%s::text[]) AND tokenizer = %s", (chunk, TOKENIZER_VERSION)).fetchall()
                terms = sorted({t for r in rows for t in (*r[1], *r[3])})
                names: dict[int, str] = dict(conn.execute("SELECT id, term FROM lex_terms WHERE id = ANY(%s::int[])",
                                          (terms,)).fetchall())
            for pid, at, af, ft, ff in rows:
                out[pid] = ([names[t] for t, n in zip(at, af) for _ in range(n)],
                            [names[t] for t, n in zip(ft, ff) for _ in range(n)])
        missing = [pid for pid in ids if pid not in out]
        if missing:  # made by another tokenizer (or none): made again now, as the SQLite catalog does
            for pid, accented, folded in self.retokenize(missing):
                out[pid] = (accented.split(" ") if accented else [], folded.split(" ") if folded else [])
        return out

    def cached_vectors(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        return self._vectors("SELECT embed_hash, vec FROM vectors WHERE model = %s AND embed_hash = ANY(%s::text[])",
                             model, hashes)

    def vectors_by_id(self, model: str, ids: Iterable[str]) -> dict[str, np.ndarray]:
        return self._vectors("SELECT p.id, v.vec FROM passages p JOIN vectors v ON v.embed_hash = p.embed_hash "
                             "AND v.model = %s WHERE p.id = ANY(%s::text[])", model, ids)

    def _vectors(self, sql: str, model: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Vectors by the key `sql` selects first (a hash, a passage id), read in chunks of keys."""
        out: dict[str, np.ndarray] = {}
        for chunk in _chunks(list(keys)):
            with self.pool.connection() as conn:
                rows = conn.execute(sql, (model, chunk)).fetchall()
            out.update({k: _vec(v) for k, v in rows})
        return out

    def vectors_for(self, model: str, passages: list[Passage]) -> dict[str, np.ndarray]:
        by_hash = self.cached_vectors(model, {embed_hash(p.embed_text) for p in passages})
        return {p.id: by_hash[h] for p in passages if (h := embed_hash(p.embed_text)) in by_hash}

    def store_vectors(self, model: str, by_text: dict[str, np.ndarray]) -> None:
        with self.pool.connection() as conn, conn.transaction():
            self._insert_vectors(conn, model, [(embed_hash(t), v) for t, v in by_text.items()])

    def groups_by_hash(self, hashes: Iterable[str]) -> dict[str, list[list[str]]]:
        out: dict[str, list[list[str]]] = {}
        for chunk in _chunks(list(hashes)):
            with self.pool.connection() as conn:
                rows = conn.execute("SELECT embed_hash, meta -> 'groups' FROM passages WHERE embed_hash = "
                                    "ANY(%s::text[])", (chunk,)).fetchall()
            for h, groups in rows:
                out.setdefault(h, []).append(list(groups) if groups else [])
        return out

    def stale_tokens(self) -> list[str]:
        with self.pool.connection() as conn:
            return stale_lexicon(conn)

    def retokenize(self, ids: list[str]) -> list[tuple[str, str, str]]:
        """Tokenise these passages with the current tokenizer and store the tokens; (id, accented, folded)."""
        out: list[tuple[str, str, str]] = []
        for chunk in _chunks(ids):
            with self.pool.connection() as conn, conn.transaction():
                out += retokenize_lexicon(conn, chunk, self.bump(conn))
        return out

    # --- interrupted writes ----------------------------------------------------------------------
    def dirty_documents(self) -> list[str]:
        with self.pool.connection() as conn:
            return [r[0] for r in conn.execute('SELECT doc_id FROM dirty ORDER BY doc_id COLLATE "C"')]

    def clear_dirty(self, doc_id: str) -> None:
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM dirty WHERE doc_id = %s", (doc_id,))

    # --- writers ---------------------------------------------------------------------------------
    @contextmanager
    def writer(self, doc_id: str) -> Iterator[None]:
        """One writer per document across replicas; none while `repair` runs."""
        with dedicated(self.url) as conn:
            conn.execute("SELECT pg_advisory_lock_shared(%s)", (REPAIR_LOCK,))
            conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 1))", (doc_id,))
            yield

    @contextmanager
    def maintenance(self) -> Iterator[None]:
        with dedicated(self.url) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (REPAIR_LOCK,))
            yield


def _chunks(items: list[str], size: int = 2000) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]

