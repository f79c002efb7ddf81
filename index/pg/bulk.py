"""Bulk loading of new documents into the PostgreSQL catalog: many documents in one transaction, rows sent
with COPY (passages and lexicon straight into their tables, vectors through a staging table so vectors already
stored are skipped), the BM25 document frequencies and lengths computed in SQL from the rows just copied
(`GROUP BY` over their term arrays), the posting segments too, and the restorer counts summed once for the batch. For moving a large
corpus in (bench/scale.py, index/pg/copy.py), where `replace_document`'s one transaction per document with
row-by-row statements caps out near 100 passages/s; an upload through a replica still takes that path (one
writer per document, old passages swapped out).

The documents must be new to the catalog (their passage ids too): nothing is swapped out here."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import numpy as np
import psycopg

from domain.passages import Passage

from ..access import groups_of
from ..catalog import embed_hash
from ..vntext import TOKENIZER_VERSION
from .catalog import PgCatalog
from .lexwrite import StatsDelta, add_postings, term_ids
from .tokens import TF_MAX, PassageTokens, restorer_counts

NewDocument = tuple[dict[str, Any], list[Passage], dict[str, np.ndarray]]  # (document, passages, vectors by hash)
_DOC_FIXED = ("doc_id", "source", "sha256", "chunker", "size")


def bulk_add(catalog: PgCatalog, docs: list[NewDocument], model: str) -> int:
    """Write these new documents in one transaction; returns the generation it made. They are marked dirty
    (not yet in the vector index) like any write: the caller clears them once Chroma has their vectors."""
    toks = [(p, PassageTokens.of(p.embed_text)) for _, ps, _ in docs for p in ps]  # CPU, before the transaction
    with catalog.pool.connection() as conn, conn.transaction():
        gen = catalog.bump(conn)
        parts = {key: catalog.partition(conn, list(key)) for key in
                 {tuple(sorted(groups_of(p.metadata))) for p, _ in toks}}
        _documents(conn, docs)
        ids = term_ids(conn, {t for _, tok in toks for t in (*tok.acc, *tok.fold)})
        restorer = StatsDelta()
        taught: dict[int, Counter[str]] = {}
        with conn.cursor() as cur:
            with cur.copy("COPY passages (id, doc_id, position, kind, text, embed_text, meta, embed_hash, part, gen) "
                          "FROM STDIN") as cp:
                for p, _ in toks:
                    cp.write_row((p.id, p.doc_id, p.position, str(p.kind), p.text, p.embed_text,
                                  json.dumps(p.metadata, ensure_ascii=False), embed_hash(p.embed_text),
                                  parts[tuple(sorted(groups_of(p.metadata)))], gen))
            with cur.copy("COPY lexicon (id, part, doc_id, position, acc_terms, acc_tfs, acc_len, fold_terms, "
                          "fold_tfs, fold_len, tokenizer) FROM STDIN") as cp:
                for p, tok in toks:
                    part = parts[tuple(sorted(groups_of(p.metadata)))]
                    acc = sorted((ids[t], min(n, TF_MAX)) for t, n in tok.acc.items())
                    fold = sorted((ids[t], min(n, TF_MAX)) for t, n in tok.fold.items())
                    cp.write_row((p.id, part, p.doc_id, p.position, [t for t, _ in acc], [n for _, n in acc],
                                  tok.acc_len, [t for t, _ in fold], [n for _, n in fold], tok.fold_len,
                                  TOKENIZER_VERSION))
                    taught.setdefault(part, Counter()).update(tok.acc)
        for part, words in taught.items():  # the restorer's counts are sums: taken once per token of the batch
            for (bigram, key, form), c in restorer_counts(words).items():
                restorer.restorer[(part, bigram, key, form)] += c
        _statistics(conn, [p.id for p, _ in toks])
        add_postings(conn, [p.id for p, _ in toks])
        restorer.apply(conn, gen)  # only its restorer counts are set: df and lengths came from SQL above
        _vectors(conn, model, [(h, v) for _, _, vs in docs for h, v in vs.items()])
        conn.execute("INSERT INTO dirty SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                     ([d["doc_id"] for d, _, _ in docs],))
    return gen


def _documents(conn: psycopg.Connection, docs: list[NewDocument]) -> None:
    now = time.time()
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO documents VALUES (%s, %s, %s, %s, %s::json, %s, %s, %s)",
            [(d["doc_id"], d["source"], d["sha256"], d["chunker"],
              json.dumps({k: v for k, v in d.items() if k not in _DOC_FIXED}, ensure_ascii=False), len(ps), now,
              d.get("size", 0)) for d, ps, _ in docs])


def _statistics(conn: psycopg.Connection, ids: list[str]) -> None:
    """Document frequencies and (passages, tokens) per field and partition, added for the rows just copied."""
    conn.execute(
        "INSERT INTO lex_df (field, term, part, df) "
        "SELECT 0, t, part, count(*) FROM lexicon, unnest(acc_terms) t WHERE id = ANY(%s::text[]) GROUP BY t, part "
        "UNION ALL "
        "SELECT 1, t, part, count(*) FROM lexicon, unnest(fold_terms) t WHERE id = ANY(%s::text[]) GROUP BY t, part "
        "ON CONFLICT (field, term, part) DO UPDATE SET df = lex_df.df + excluded.df", (ids, ids))
    conn.execute(
        "INSERT INTO lex_stats (field, part, n, total) "
        "SELECT 0, part, count(*), sum(acc_len) FROM lexicon WHERE id = ANY(%s::text[]) GROUP BY part "
        "UNION ALL "
        "SELECT 1, part, count(*), sum(fold_len) FROM lexicon WHERE id = ANY(%s::text[]) GROUP BY part "
        "ON CONFLICT (field, part) DO UPDATE SET n = lex_stats.n + excluded.n, total = lex_stats.total + excluded.total",
        (ids, ids))


def _vectors(conn: psycopg.Connection, model: str, items: list[tuple[str, np.ndarray]]) -> None:
    if not items:
        return
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_vectors (embed_hash text, vec bytea) ON COMMIT DELETE ROWS")
    with conn.cursor() as cur, cur.copy("COPY stage_vectors FROM STDIN") as cp:
        for h, v in dict(items).items():
            cp.write_row((h, np.asarray(v, dtype=np.float32).tobytes()))
    conn.execute("INSERT INTO vectors SELECT %s, embed_hash, vec FROM stage_vectors ON CONFLICT DO NOTHING", (model,))

