#!/usr/bin/env python
"""Where one `/v1/ask` spends its time in server mode: a replica's container in-process on a grown database
(PostgreSQL and Chroma already running, e.g. from `bench/scale.py --server`), the dev questions asked in
rounds, and the wall time of each stage summed per question — lexical search (its posting fetch and its
scoring apart), the Chroma query, candidate reads, the rest of the answerer. Prints p50/p95 per stage.

    .venv/bin/python bench/profile_ask.py --database n1000000 --rounds 2
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import inspect
import json
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402

SPENT: dict[str, float] = defaultdict(float)


def timed(owner: Any, name: str, label: str) -> None:
    """Wrap owner.name so its wall time adds to SPENT[label] (nested stages count in both); a staticmethod
    stays one."""
    raw = inspect.getattr_static(owner, name)  # inherited methods too
    fn: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kw)
        finally:
            SPENT[label] += time.perf_counter() - t

    setattr(owner, name, staticmethod(wrapper) if isinstance(raw, staticmethod) else wrapper)


def check(lex: Any, questions: list[str], note: str = "") -> None:
    """The pruned scoring of a server-mode lexical index against every posting scored (index/pg/postings.py),
    as retrieval asks (k 60, 120)."""
    from index.pg import postings
    from index.vntext import has_diacritics

    real = postings.Postings._pruned
    same = 0
    for q in questions:
        for k, marks in ((60, has_diacritics(q)), (120, False)):
            pruned = lex.search(q, k, diacritics=marks)
            postings.Postings._pruned = lambda *a: None  # type: ignore[method-assign]
            try:
                full = lex.search(q, k, diacritics=marks)
            finally:
                postings.Postings._pruned = real  # type: ignore[method-assign]
            same += pruned == full
            if pruned != full:
                print(f"DIFFERENT (k {k}): {q}")
    print(f"pruned == every posting scored: {same} / {2 * len(questions)}{note}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database", default="n1000000")
    ap.add_argument("--pg-port", type=int, default=55499)
    ap.add_argument("--chroma-port", type=int, default=58099)
    ap.add_argument("--qa", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--check", action="store_true",
                    help="first compare the pruned lexical top k with every posting scored, per question")
    ap.add_argument("--slowest", type=int, default=5, help="the slowest asks shown stage by stage")
    ap.add_argument("--cprofile", type=int, default=0, help="also print the N functions with the most cumulative time")
    a = ap.parse_args()
    from index.pg import lexical, postcache, postings

    url = f"postgresql://postgres@127.0.0.1:{a.pg_port}/{a.database}"
    c = Container(Settings(data_dir=tempfile.mkdtemp(prefix="chidao-profile-"), ready_check=False, database_url=url,
                           chroma_host="127.0.0.1", chroma_port=a.chroma_port, collection=a.database))
    t0 = time.perf_counter()
    c.passages.refresh()
    print(f"passage view loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    questions = [json.loads(line)["question"] for line in open(a.qa, encoding="utf-8") if line.strip()]
    if a.check:
        check(c.lexical, questions)
    timed(lexical.PgLexicalIndex, "search", "lexical")
    timed(lexical.PgLexicalIndex, "idf", "idf")
    timed(postcache.PostingsCache, "get", "lexical: postings fetch")
    timed(postings.Postings, "_best", "lexical: top-k ids")
    timed(type(c.store), "query", "chroma query")
    timed(type(c.retriever), "query_vector", "query embedding")
    timed(type(c.passages), "prefetch", "candidate reads")
    timed(type(c.retriever), "search", "retrieval (all)")
    timed(type(c.retriever), "_prefer_counts", "retrieval: preferred features")
    timed(type(c.retriever), "_exact_order", "retrieval: exact cosines")
    timed(type(c.retriever), "resolve_numbers", "retrieval: number keys")
    timed(type(c.ask.answerer), "_candidates", "answer: candidate spans")
    rows: list[dict[str, float]] = []
    prof = cProfile.Profile()
    for r in range(a.rounds + 1):  # round 0 warms up
        for q in questions:
            SPENT.clear()
            t = time.perf_counter()
            if r and a.cprofile:
                prof.enable()
            c.ask.answer(q, [], None)
            prof.disable()
            SPENT["ask (total)"] = time.perf_counter() - t
            if r:
                rows.append(dict(SPENT, question=q))  # type: ignore[arg-type]
    asked = [str(row.pop("question")) for row in rows]
    labels = sorted({k for row in rows for k in row}, key=lambda k: -sum(row.get(k, 0) for row in rows))
    print(f"{len(rows)} asks at {c.catalog.count_passages():,} passages (ms per ask)")
    print(f"{'stage':<26} {'p50':>8} {'p95':>8} {'mean':>8}")
    for k in labels:
        xs = sorted(row.get(k, 0.0) * 1000 for row in rows)
        print(f"{k:<26} {xs[len(xs) // 2]:8.1f} {xs[int(0.95 * (len(xs) - 1))]:8.1f} {sum(xs) / len(xs):8.1f}")
    print("the slowest asks (ms per stage):")
    for i in sorted(range(len(rows)), key=lambda i: -rows[i]["ask (total)"])[: a.slowest]:
        print(f"  {asked[i][:70]!r}: " + ", ".join(f"{k} {rows[i].get(k, 0) * 1000:.0f}" for k in labels))
    import resource

    cache = c.lexical.postings  # type: ignore[attr-defined]  # server mode's PgLexicalIndex
    print(f"posting cache {cache.size / 2**20:.0f} MB in {len(cache._kept)} lists (budget {cache.budget >> 20} MB); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
    if a.cprofile:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(a.cprofile)
        pstats.Stats(prof).sort_stats("tottime").print_stats(a.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
