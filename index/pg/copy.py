"""Copy an embedded data dir's catalog into a server-mode database and Chroma server: documents, passages,
coverage ledgers and every stored vector (sentences' too), so nothing is embedded again. Used to move a
department's data dir to server mode, and by the tests and the bench to compare both modes on one corpus."""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np

from ..catalog import Catalog, embed_hash
from .catalog import PgCatalog


def copy_catalog(src: Catalog, dst: PgCatalog, store: Any, model: str) -> int:
    """Returns the number of passages copied; the destination's index is updated document by document."""
    conn = sqlite3.connect(src.path)
    vectors = {h: np.frombuffer(v, dtype=np.float32) for h, v in
               conn.execute("SELECT embed_hash, vec FROM vectors WHERE model = ?", (model,))}
    conn.close()
    n = 0
    for doc in src.documents():
        passages = src.passages(doc["doc_id"])
        mine = {embed_hash(p.embed_text) for p in passages}
        dst.replace_document(doc, passages, {h: v for h, v in vectors.items() if h in mine}, model,
                             src.coverage(doc["doc_id"]))
        if passages:
            store.upsert([p.id for p in passages], np.stack([vectors[embed_hash(p.embed_text)] for p in passages]),
                         [p.metadata for p in passages], [p.text for p in passages])
        dst.clear_dirty(doc["doc_id"])
        n += len(passages)
    rest = {h: v for h, v in vectors.items()}  # sentence vectors: keyed by text hash, not by passage
    for i in range(0, len(rest), 2000):
        chunk = list(rest.items())[i : i + 2000]
        with dst.pool.connection() as c, c.transaction(), c.cursor() as cur:
            cur.executemany("INSERT INTO vectors VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                            [(model, h, v.astype(np.float32).tobytes()) for h, v in chunk])
    return n
