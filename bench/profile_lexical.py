#!/usr/bin/env python
"""Server-mode lexical search alone on a grown database (PostgreSQL running, e.g. from `bench/scale.py
--server`; no passage view, no Chroma): the 40 dev questions searched as `/v1/ask` searches them (k 60, marks
as the question has them) in rounds, round 0 with the replica's posting cache cold; per question the time of
the search and of its stages — fetching posting lists, the pruning, exact scoring, the dense fallback, reading
the top k's ids — p50/p95 over the rounds after the first, the cache's size and the peak RSS.

    .venv/bin/python bench/profile_lexical.py --database n1000000 --rounds 1 --check
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.profile_ask import SPENT, check, timed  # noqa: E402
from index.pg import postcache, postings  # noqa: E402
from index.pg.catalog import PgCatalog  # noqa: E402
from index.pg.lexical import PgLexicalIndex  # noqa: E402
from index.vntext import has_diacritics  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database", default="n1000000")
    ap.add_argument("--pg-port", type=int, default=55499)
    ap.add_argument("--qa", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--budget-mb", type=int, default=postcache.BUDGET_MB, help="the posting cache's budget")
    ap.add_argument("--check", action="store_true",
                    help="first compare the pruned top k with every posting scored (k 60 and 120), per question")
    a = ap.parse_args()
    lex = PgLexicalIndex(PgCatalog(f"postgresql://postgres@127.0.0.1:{a.pg_port}/{a.database}"))
    lex.postings = postcache.PostingsCache(a.budget_mb)
    questions = [json.loads(line)["question"] for line in open(a.qa, encoding="utf-8") if line.strip()]
    if a.check:
        check(lex, questions, " (the cache warmed by it)")
    timed(postcache.PostingsCache, "get", "postings fetch")
    timed(postings.Postings, "_pruned", "pruning")
    timed(postings.Postings, "_score", "exact scoring")
    timed(postings.Postings, "_dense", "every posting (fallback)")
    timed(postings.Postings, "_best", "top-k ids")
    timed(PgLexicalIndex, "search", "lexical search")
    rows: list[dict[str, float]] = []
    for r in range(a.rounds + 1):
        t0 = time.perf_counter()
        for q in questions:
            SPENT.clear()
            lex.search(q, 60, diacritics=has_diacritics(q))
            if r:
                rows.append(dict(SPENT))
        print(f"round {r}{' (cold)' if r == 0 and not a.check else ''}: {time.perf_counter() - t0:.1f} s, posting "
              f"cache {lex.postings.size / 2**20:.0f} MB in {len(lex.postings._kept)} lists", flush=True)
    print(f"{len(rows)} searches (ms per search)")
    print(f"{'stage':<26} {'p50':>8} {'p95':>8} {'mean':>8}")
    for label in ("lexical search", "postings fetch", "pruning", "exact scoring", "every posting (fallback)",
                  "top-k ids"):
        xs = sorted(row.get(label, 0.0) * 1000 for row in rows)
        print(f"{label:<26} {xs[len(xs) // 2]:8.1f} {xs[int(0.95 * (len(xs) - 1))]:8.1f} {sum(xs) / len(xs):8.1f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
