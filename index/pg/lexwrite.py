"""The write side of lexical search in PostgreSQL: a document's passages' tokens become `lexicon` rows (term
ids and frequencies per field), and the BM25 statistics (`lex_df`, `lex_stats`) and the restorer's counts
(`restorer_counts`) move by exactly what the passages add or remove — in the catalog's transaction, so every
replica reads statistics that match the passages it can see."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import psycopg

from ..vntext import TOKENIZER_VERSION, tokens
from .tokens import TF_MAX, PassageTokens, restorer_counts


def pg_array(values: list[int]) -> str:
    """An integer array as PostgreSQL's text literal (cast in the SQL): far cheaper than adapting each element."""
    return "{" + ",".join(map(str, values)) + "}"


class StatsDelta:
    """What one transaction adds to (+1) or removes from (-1) the statistics."""

    def __init__(self) -> None:
        self.df: Counter[tuple[int, int, int]] = Counter()  # (field, term id, partition) → passages
        self.n: Counter[tuple[int, int]] = Counter()  # (field, partition) → passages
        self.total: Counter[tuple[int, int]] = Counter()  # (field, partition) → tokens
        self.restorer: Counter[tuple[int, bool, str, str]] = Counter()  # (partition, bigram, key, form) → count

    def passage(self, part: int, fields: list[tuple[list[int], int]], acc: Counter[str], sign: int) -> None:
        for f, (terms, length) in enumerate(fields):
            for t in terms:
                self.df[(f, t, part)] += sign
            self.n[(f, part)] += sign
            self.total[(f, part)] += sign * length
        for (bigram, key, form), c in restorer_counts(acc).items():
            self.restorer[(part, bigram, key, form)] += sign * c

    def apply(self, conn: psycopg.Connection, gen: int) -> None:
        df = sorted((k, v) for k, v in self.df.items() if v)
        if df:
            conn.execute(
                "INSERT INTO lex_df (field, term, part, df) SELECT * FROM unnest(%s::int2[], %s::int[], %s::int[], "
                "%s::int[]) ON CONFLICT (field, term, part) DO UPDATE SET df = lex_df.df + excluded.df",
                (pg_array([k[0] for k, _ in df]), pg_array([k[1] for k, _ in df]), pg_array([k[2] for k, _ in df]),
                 pg_array([v for _, v in df])))
        keys = sorted(k for k in set(self.n) | set(self.total) if self.n[k] or self.total[k])
        if keys:
            conn.execute(
                "INSERT INTO lex_stats (field, part, n, total) SELECT * FROM unnest(%s::int2[], %s::int[], "
                "%s::bigint[], %s::bigint[]) ON CONFLICT (field, part) DO UPDATE SET n = lex_stats.n + excluded.n, "
                "total = lex_stats.total + excluded.total",
                ([k[0] for k in keys], [k[1] for k in keys], [self.n[k] for k in keys], [self.total[k] for k in keys]))
        rs = sorted((k, v) for k, v in self.restorer.items() if v)
        if rs:
            conn.execute(
                "INSERT INTO restorer_counts (part, bigram, key, form, n, gen) SELECT u.*, %s::bigint FROM "
                "unnest(%s::int[], %s::bool[], %s::text[], %s::text[], %s::int[]) AS u ON CONFLICT (part, bigram, "
                "key, form) DO UPDATE SET n = restorer_counts.n + excluded.n, gen = excluded.gen",
                (gen, [k[0] for k, _ in rs], [k[1] for k, _ in rs], [k[2] for k, _ in rs], [k[3] for k, _ in rs],
                 [v for _, v in rs]))


def term_ids(conn: psycopg.Connection, terms: set[str]) -> dict[str, int]:
    """Ids of these terms, new ones added (writers are serialised by the generation lock: no race)."""
    if not terms:
        return {}
    wanted = sorted(terms)
    got: dict[str, int] = dict(conn.execute("SELECT term, id FROM lex_terms WHERE term = ANY(%s::text[])", (wanted,)).fetchall())
    new = [t for t in wanted if t not in got]
    if new:
        got.update(conn.execute("INSERT INTO lex_terms (term) SELECT unnest(%s::text[]) RETURNING term, id",
                                (new,)).fetchall())
    return got


def remove_lexicon(conn: psycopg.Connection, doc_id: str, delta: StatsDelta) -> None:
    """Take a document's passages out of the lexicon and their counts out of the statistics."""
    _remove(conn, "doc_id = %s", doc_id, delta)


def remove_passages(conn: psycopg.Connection, ids: list[str], delta: StatsDelta) -> None:
    """Take these passages out of the lexicon and their counts out of the statistics."""
    _remove(conn, "id = ANY(%s::text[])", ids, delta)


def _remove(conn: psycopg.Connection, where: str, arg: Any, delta: StatsDelta) -> None:
    rows = conn.execute("SELECT part, acc_terms, acc_tfs, acc_len, fold_terms, fold_len FROM lexicon "
                        "WHERE " + where, (arg,)).fetchall()  # type: ignore[arg-type]  # our own SQL
    if not rows:
        return
    ids = sorted({t for r in rows for t in r[1]})
    names: dict[int, str] = dict(conn.execute("SELECT id, term FROM lex_terms WHERE id = ANY(%s::int[])",
                                              (ids,)).fetchall())
    for part, acc_terms, acc_tfs, acc_len, fold_terms, fold_len in rows:
        acc = Counter({names[t]: tf for t, tf in zip(acc_terms, acc_tfs)})
        delta.passage(part, [(acc_terms, acc_len), (fold_terms, fold_len)], acc, -1)
    # their numbers stay in posting segments: listed as removed (read after the generation bump: its number)
    conn.execute("WITH gone AS (DELETE FROM lexicon WHERE " + where + " RETURNING no) "  # type: ignore[operator]
                 "INSERT INTO lex_removed SELECT no, (SELECT generation FROM chidao_state) FROM gone", (arg,))


def stale_lexicon(conn: psycopg.Connection) -> list[str]:
    """Passages without tokens of the current tokenizer, in document order."""
    return [r[0] for r in conn.execute(
        'SELECT p.id FROM passages p LEFT JOIN lexicon l ON l.id = p.id WHERE l.id IS NULL OR l.tokenizer <> %s '
        'ORDER BY p.doc_id COLLATE "C", p.position', (TOKENIZER_VERSION,))]


def retokenize_lexicon(conn: psycopg.Connection, ids: list[str], gen: int) -> list[tuple[str, str, str]]:
    """Tokenise these passages again with the current tokenizer (statistics moved by the difference);
    returns (id, accented, folded) as space-joined tokens, as the SQLite catalog does."""
    rows = conn.execute("SELECT id, doc_id, position, part, embed_text FROM passages WHERE id = ANY(%s::text[])",
                        (ids,)).fetchall()
    delta = StatsDelta()
    remove_passages(conn, [r[0] for r in rows], delta)
    add_lexicon(conn, [(pid, doc, pos, part, PassageTokens.of(text)) for pid, doc, pos, part, text in rows], delta)
    delta.apply(conn, gen)
    return [(r[0], " ".join(tokens(r[4])), " ".join(tokens(r[4], folded=True))) for r in rows]


def add_lexicon(conn: psycopg.Connection, rows: list[tuple[str, str, int, int, PassageTokens]],
                delta: StatsDelta) -> None:
    """rows: (passage id, doc id, position, partition, tokens)."""
    ids = term_ids(conn, {t for *_, tok in rows for t in (*tok.acc, *tok.fold)})
    out: list[tuple[Any, ...]] = []
    for pid, doc_id, position, part, tok in rows:
        acc = sorted((ids[t], min(n, TF_MAX)) for t, n in tok.acc.items())
        fold = sorted((ids[t], min(n, TF_MAX)) for t, n in tok.fold.items())
        acc_terms, fold_terms = [t for t, _ in acc], [t for t, _ in fold]
        delta.passage(part, [(acc_terms, tok.acc_len), (fold_terms, tok.fold_len)], tok.acc, +1)
        out.append((pid, part, doc_id, position, pg_array(acc_terms), pg_array([n for _, n in acc]), tok.acc_len,
                    pg_array(fold_terms), pg_array([n for _, n in fold]), tok.fold_len, TOKENIZER_VERSION))
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO lexicon (id, part, doc_id, position, acc_terms, acc_tfs, acc_len, fold_terms, "
                        "fold_tfs, fold_len, tokenizer) VALUES (%s, %s, %s, %s, %s::int[], %s::int2[], %s, %s::int[], "
                        "%s::int2[], %s, %s)", out)
    add_postings(conn, [r[0] for r in out])


_SEGMENT = ("SELECT {field}, u.t, l.part, (SELECT generation FROM chidao_state), "
            "string_agg(int4send(l.no), ''::bytea ORDER BY l.no), string_agg(int2send(u.tf), ''::bytea ORDER BY l.no), "
            "string_agg(int4send(l.{name}_len), ''::bytea ORDER BY l.no) FROM lexicon l, "
            "unnest(l.{name}_terms, l.{name}_tfs) AS u(t, tf) WHERE l.id = ANY(%s::text[]) GROUP BY u.t, l.part")


def add_postings(conn: psycopg.Connection, ids: list[str]) -> None:
    """The posting segments of these (just written) lexicon rows: one per field, term and partition, in SQL."""
    if ids:
        conn.execute(
            "INSERT INTO lex_postings (field, term, part, seg, nos, tfs, lens) " + _SEGMENT.format(field=0, name="acc")
            + " UNION ALL " + _SEGMENT.format(field=1, name="fold") + " ON CONFLICT (field, term, part, seg) DO UPDATE "
            "SET nos = lex_postings.nos || excluded.nos, tfs = lex_postings.tfs || excluded.tfs, "
            "lens = lex_postings.lens || excluded.lens", (ids, ids))  # type: ignore[arg-type]  # our own SQL


def add_token_rows(conn: psycopg.Connection, items: list[tuple[str, list[str], list[str]]], part: int,
                   gen: int) -> None:
    """Tokens given directly (the `LexicalIndex` role's `add_tokens`): a passage the catalog holds keeps its
    document, position and partition; any other is its own document in `part`."""
    ids = [pid for pid, _, _ in items]
    known = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
        "SELECT id, doc_id, position, part FROM passages WHERE id = ANY(%s::text[])", (ids,))}
    delta = StatsDelta()
    remove_passages(conn, ids, delta)
    add_lexicon(conn, [(pid, *known.get(pid, (pid, 0, part)), PassageTokens(Counter(acc), Counter(fold), len(acc) or 1,
                                                                            len(fold) or 1))
                       for pid, acc, fold in items], delta)
    delta.apply(conn, gen)


_MERGE = """
WITH g AS (SELECT field, term, part FROM lex_postings WHERE field = %(field)s AND term >= %(lo)s AND term < %(hi)s
           GROUP BY field, term, part HAVING count(*) > 1),
d AS (DELETE FROM lex_postings p USING g WHERE p.field = g.field AND p.term = g.term AND p.part = g.part
      RETURNING p.field, p.term, p.part, p.seg, p.nos, p.tfs, p.lens),
ins AS (INSERT INTO lex_postings (field, term, part, seg, nos, tfs, lens)
  SELECT field, term, part, max(seg), string_agg(nos, ''::bytea ORDER BY seg), string_agg(tfs, ''::bytea ORDER BY seg),
         string_agg(lens, ''::bytea ORDER BY seg) FROM d GROUP BY field, term, part RETURNING 1)
SELECT (SELECT count(*) FROM d) - (SELECT count(*) FROM ins)"""


def merge_segments(pool: Any, terms_per_step: int = 20_000,
                   progress: Callable[[int, int], None] | None = None) -> int:
    """Merge each (field, term, partition)'s posting segments into one row (seg = the newest merged): every
    write adds a segment per term it has, a bulk load one per 5,000 passages — ~200 for a common term at 1M
    passages, each read and revalidated per question. Term ranges one transaction each; the rows' content is
    the same, so the generation does not move and a replica's cached lists stay valid (a replica that checks
    a term's segments after a later write sees a new list and reads the merged row). A segment a writer
    commits meanwhile stays beside the merged one. Returns the segments merged away."""
    with pool.connection() as conn:
        row = conn.execute("SELECT coalesce(max(id), 0) FROM lex_terms").fetchone()
    top = int(row[0]) if row else 0
    gone = 0
    for field in (0, 1):
        for lo in range(0, top + 1, terms_per_step):
            with pool.connection() as conn, conn.transaction():
                row = conn.execute(_MERGE, {"field": field, "lo": lo,  # type: ignore[arg-type]  # our own SQL
                                            "hi": lo + terms_per_step}).fetchone()
                gone += int(row[0]) if row else 0
            if progress is not None:
                progress(field * (top + 1) + min(lo + terms_per_step, top + 1), 2 * (top + 1))
    return gone
