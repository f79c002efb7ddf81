"""The catalog: documents, passages and their vectors in SQLite under the data dir — the source of truth
from which the Chroma collection and the lexical index can always be rebuilt."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import numpy as np

from domain.passages import Passage, PassageKind

from .vntext import TOKENIZER_VERSION, tokens

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT NOT NULL, chunker TEXT NOT NULL,
  meta TEXT NOT NULL, n_passages INTEGER NOT NULL, ingested_at REAL NOT NULL, size INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS passages (
  id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL,
  text TEXT NOT NULL, embed_text TEXT NOT NULL, meta TEXT NOT NULL, embed_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, position);
CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, embed_hash TEXT NOT NULL, vec BLOB NOT NULL,
  PRIMARY KEY (model, embed_hash));
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lexicon (id TEXT PRIMARY KEY, accented TEXT NOT NULL, folded TEXT NOT NULL,
  tokenizer TEXT NOT NULL DEFAULT 'vntext-1');
CREATE TABLE IF NOT EXISTS dirty (doc_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS coverage (doc_id TEXT PRIMARY KEY, ledger TEXT NOT NULL);
"""
# `dirty` lists documents whose catalog change may not have reached the vector index yet: it is written in
# the catalog's transaction and cleared once Chroma has the change, so a crash in between is repaired by
# re-applying the document from the catalog (reconcile) — never lost, never a phantom.
# `coverage` holds each document's coverage ledger (characters read and kept, every dropped line with its
# reason), written with the document; its summary also sits in the document's metadata for listings.
# `lexicon` persists each passage's lexical tokens (space-joined), written in the same transaction as the
# passage, so the BM25 index loads at start without re-tokenising and follows ingest/delete incrementally;
# `tokenizer` is the TOKENIZER_VERSION that made them (rows from before the column existed were made by
# vntext-1, the tokenizer of that time): rows of another version are never read as tokens (`chidao repair`
# re-tokenises them, and loading does so for any it meets).
# Columns added since a table was first created: (table, column, definition) — added to older data dirs.
MIGRATIONS = (("lexicon", "tokenizer", "TEXT NOT NULL DEFAULT 'vntext-1'"),)


def embed_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# The passage type is domain's (shared with ingest); the name the index has always used for it stays.
StoredPassage = Passage


def _passage(r: tuple[Any, ...]) -> Passage:
    return Passage(r[0], r[1], r[2], PassageKind(r[3]), r[4], r[5], json.loads(r[6]))


def lexicon_row(p: Passage) -> tuple[str, str, str, str]:
    return p.id, " ".join(tokens(p.embed_text)), " ".join(tokens(p.embed_text, folded=True)), TOKENIZER_VERSION


class Catalog:
    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self._conn() as c:
            c.executescript(SCHEMA)
            for table, column, definition in MIGRATIONS:
                if column not in {r[1] for r in c.execute(f"PRAGMA table_info({table})")}:
                    c.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        with conn:
            yield conn

    # --- key/value -------------------------------------------------------------------------------
    def get_kv(self, key: str, default: str = "") -> str:
        row = self._connect().execute("SELECT value FROM kv WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_kv(self, key: str, value: str) -> None:
        with self._conn() as c:
            c.execute("INSERT OR REPLACE INTO kv(key, value) VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        """Bumped on every write, so readers in other processes know to refresh their caches."""
        return int(self.get_kv("generation", "0"))

    # --- documents -------------------------------------------------------------------------------
    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self._connect().execute(
            "SELECT doc_id, source, sha256, chunker, meta, n_passages, ingested_at, size FROM documents WHERE doc_id=?",
            (doc_id,),
        ).fetchone()
        return self._doc_row(row) if row else None

    def documents(self) -> list[dict[str, Any]]:
        rows = self._connect().execute(
            "SELECT doc_id, source, sha256, chunker, meta, n_passages, ingested_at, size FROM documents ORDER BY source"
        ).fetchall()
        return [self._doc_row(r) for r in rows]

    @staticmethod
    def _doc_row(r: tuple[Any, ...]) -> dict[str, Any]:
        meta: dict[str, Any] = json.loads(r[4])
        meta.update(doc_id=r[0], source=r[1], sha256=r[2], chunker=r[3], n_passages=r[5], ingested_at=r[6], size=r[7])
        return meta

    def coverage(self, doc_id: str) -> dict[str, Any] | None:
        """The document's coverage ledger, as ingest recorded it (None for documents ingested before it)."""
        row = self._connect().execute("SELECT ledger FROM coverage WHERE doc_id=?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def replace_document(self, doc: dict[str, Any], passages: list[Passage], vectors: dict[str, np.ndarray],
                         model: str, ledger: dict[str, Any] | None = None) -> list[str]:
        """Atomically swap a document's passages (and its coverage ledger); returns the ids that were removed."""
        with self._write_lock, self._conn() as c:
            old = {r[0] for r in c.execute("SELECT id FROM passages WHERE doc_id=?", (doc["doc_id"],))}
            c.execute("DELETE FROM passages WHERE doc_id=?", (doc["doc_id"],))
            meta = {k: v for k, v in doc.items() if k not in ("doc_id", "source", "sha256", "chunker", "size")}
            c.execute(
                "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?)",
                (doc["doc_id"], doc["source"], doc["sha256"], doc["chunker"], json.dumps(meta, ensure_ascii=False),
                 len(passages), time.time(), doc.get("size", 0)),
            )
            c.executemany(
                "INSERT OR REPLACE INTO passages VALUES (?,?,?,?,?,?,?,?)",
                [(p.id, p.doc_id, p.position, p.kind, p.text, p.embed_text, json.dumps(p.metadata, ensure_ascii=False),
                  embed_hash(p.embed_text)) for p in passages],
            )
            c.execute(f"DELETE FROM lexicon WHERE id IN ({','.join('?' * len(old))})", sorted(old))
            c.execute("INSERT OR IGNORE INTO dirty VALUES (?)", (doc["doc_id"],))
            c.execute("DELETE FROM coverage WHERE doc_id=?", (doc["doc_id"],))
            if ledger is not None:
                c.execute("INSERT INTO coverage VALUES (?, ?)", (doc["doc_id"], json.dumps(ledger, ensure_ascii=False)))
            c.executemany("INSERT OR REPLACE INTO lexicon VALUES (?,?,?,?)", [lexicon_row(p) for p in passages])
            c.executemany(
                "INSERT OR IGNORE INTO vectors VALUES (?,?,?)",
                [(model, h, v.astype(np.float32).tobytes()) for h, v in vectors.items()],
            )
            self._bump(c)
        return sorted(old - {p.id for p in passages})

    def delete_document(self, doc_id: str) -> list[str]:
        with self._write_lock, self._conn() as c:
            ids = [r[0] for r in c.execute("SELECT id FROM passages WHERE doc_id=?", (doc_id,))]
            c.execute("DELETE FROM passages WHERE doc_id=?", (doc_id,))
            c.execute(f"DELETE FROM lexicon WHERE id IN ({','.join('?' * len(ids))})", ids)
            c.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            c.execute("DELETE FROM coverage WHERE doc_id=?", (doc_id,))
            c.execute("INSERT OR IGNORE INTO dirty VALUES (?)", (doc_id,))
            self._bump(c)
        return ids

    @staticmethod
    def _bump(c: sqlite3.Connection) -> None:
        c.execute("INSERT INTO kv(key, value) VALUES ('generation', '1') "
                  "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    # --- passages and vectors --------------------------------------------------------------------
    def passages(self, doc_id: str | None = None) -> list[Passage]:
        sql = "SELECT id, doc_id, position, kind, text, embed_text, meta FROM passages"
        args: tuple[Any, ...] = ()
        if doc_id is not None:
            sql += " WHERE doc_id=?"
            args = (doc_id,)
        rows = self._connect().execute(sql + " ORDER BY doc_id, position", args).fetchall()
        return [_passage(r) for r in rows]

    def passages_by_id(self, ids: Iterable[str]) -> dict[str, Passage]:
        ids = list(ids)
        out: dict[str, Passage] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = self._connect().execute(
                f"SELECT id, doc_id, position, kind, text, embed_text, meta FROM passages WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            out.update({r[0]: _passage(r) for r in rows})
        return out

    def cached_vectors(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        hashes = list(hashes)
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            rows = self._connect().execute(
                f"SELECT embed_hash, vec FROM vectors WHERE model=? AND embed_hash IN ({','.join('?' * len(chunk))})",
                [model, *chunk],
            ).fetchall()
            out.update({h: np.frombuffer(v, dtype=np.float32) for h, v in rows})
        return out

    def vectors_by_id(self, model: str, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors of passages by id (the serving cache keeps passages without their embedding text)."""
        ids = list(ids)
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = self._connect().execute(
                "SELECT p.id, v.vec FROM passages p JOIN vectors v ON v.embed_hash = p.embed_hash AND v.model=? "
                f"WHERE p.id IN ({','.join('?' * len(chunk))})", [model, *chunk]).fetchall()
            out.update({pid: np.frombuffer(v, dtype=np.float32) for pid, v in rows})
        return out

    def groups_by_hash(self, hashes: Iterable[str]) -> dict[str, list[list[str]]]:
        """For each embedding hash, the access groups of every passage that has it (who could know of it)."""
        hashes = list(hashes)
        out: dict[str, list[list[str]]] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            rows = self._connect().execute(
                f"SELECT embed_hash, json_extract(meta, '$.groups') FROM passages WHERE embed_hash IN "
                f"({','.join('?' * len(chunk))})", chunk).fetchall()
            for h, groups in rows:
                out.setdefault(h, []).append(json.loads(groups) if groups else [])
        return out

    def vectors_for(self, model: str, passages: list[Passage]) -> dict[str, np.ndarray]:
        by_hash = self.cached_vectors(model, {embed_hash(p.embed_text) for p in passages})
        return {p.id: by_hash[h] for p in passages if (h := embed_hash(p.embed_text)) in by_hash}

    def dirty_documents(self) -> list[str]:
        return [r[0] for r in self._connect().execute("SELECT doc_id FROM dirty ORDER BY doc_id")]

    def clear_dirty(self, doc_id: str) -> None:
        with self._write_lock, self._conn() as c:
            c.execute("DELETE FROM dirty WHERE doc_id=?", (doc_id,))

    def passage_ids(self) -> list[str]:
        """In document order, so everything built from them (ties in rankings included) is reproducible."""
        return [r[0] for r in self._connect().execute("SELECT id FROM passages ORDER BY doc_id, position")]

    def lexicon(self, ids: Iterable[str]) -> dict[str, tuple[list[str], list[str]]]:
        """Stored (accented, folded) tokens. Passages without tokens of the current tokenizer (from before the
        table existed, or made by another version) are tokenised now and stored: tokens never mix versions."""
        ids = list(ids)
        out: dict[str, tuple[list[str], list[str]]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = self._connect().execute(
                f"SELECT id, accented, folded FROM lexicon WHERE tokenizer=? AND id IN ({','.join('?' * len(chunk))})",
                [TOKENIZER_VERSION, *chunk]).fetchall()
            out.update({r[0]: (r[1].split(" ") if r[1] else [], r[2].split(" ") if r[2] else []) for r in rows})
        missing = [i for i in ids if i not in out]
        if missing:
            for pid, accented, folded in self.retokenize(missing):
                out[pid] = (accented.split(" ") if accented else [], folded.split(" ") if folded else [])
        return out

    def stale_tokens(self) -> list[str]:
        """Passages whose stored tokens were made by another tokenizer version, or that have none."""
        return [r[0] for r in self._connect().execute(
            "SELECT p.id FROM passages p LEFT JOIN lexicon l ON l.id = p.id WHERE l.id IS NULL OR l.tokenizer != ? "
            "ORDER BY p.doc_id, p.position", (TOKENIZER_VERSION,))]

    def retokenize(self, ids: list[str]) -> list[tuple[str, str, str]]:
        """Tokenise these passages with the current tokenizer and store the tokens; (id, accented, folded)."""
        out: list[tuple[str, str, str]] = []
        for i in range(0, len(ids), 2000):
            rows = [lexicon_row(p) for p in self.passages_by_id(ids[i : i + 2000]).values()]
            with self._write_lock, self._conn() as c:
                c.executemany("INSERT OR REPLACE INTO lexicon VALUES (?,?,?,?)", rows)
            out += [r[:3] for r in rows]
        return out

    def store_vectors(self, model: str, by_text: dict[str, np.ndarray]) -> None:
        with self._write_lock, self._conn() as c:
            c.executemany("INSERT OR IGNORE INTO vectors VALUES (?,?,?)",
                          [(model, embed_hash(t), v.astype(np.float32).tobytes()) for t, v in by_text.items()])

    def count_passages(self) -> int:
        return int(self._connect().execute("SELECT COUNT(*) FROM passages").fetchone()[0])

    # --- writers: one process owns the data dir (assistant/lock.py), which orders them already -------------
    def writer(self, doc_id: str) -> AbstractContextManager[None]:
        return nullcontext()

    def maintenance(self) -> AbstractContextManager[None]:
        return nullcontext()
