#!/usr/bin/env python
"""Retrieval on documents without a question set (e.g. ../shared/corpus-extra), with queries made from
the documents themselves — a robustness check, not a tuning set:

- `span`: a 6–12 syllable span from the middle of a sentence of a passage, as typed (with diacritics);
- `folded`: the same span without diacritics;
- `number`: "văn bản <số hiệu> về việc gì" for each document number a passage gives with its date, in
  lowercase with `d` for `đ` (how staff type it).

A query counts as found when a passage containing the span (or the number) is in the top 5 / first.

    .venv/bin/python bench/synthetic_queries.py --corpus ../shared/corpus-extra
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.container import Container  # noqa: E402
from assistant.evaluation import norm  # noqa: E402
from assistant.ingestion import expand_paths  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from index.vntext import fold  # noqa: E402
from ingest.docnumbers import numbers_with_dates  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus-extra"))
    ap.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "chidao-bench", "extra"))
    ap.add_argument("--per-doc", type=int, default=6)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    c = Container(Settings(data_dir=a.data_dir))
    c.ingestor.ingest_paths(expand_paths([a.corpus]))
    passages = [p for p in c.catalog.passages() if p.kind not in ("header", "closing")]
    by_doc: dict[str, list] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)

    queries: list[tuple[str, str, str]] = []  # (kind, query, must appear in the found passage or its numbers)
    for plist in by_doc.values():
        sents = [s for p in plist for s in re.split(r"(?<=[.;:])\s+", p.text) if len(s.split()) >= 14]
        for s in rnd.sample(sents, min(a.per_doc, len(sents))):
            words = s.split()
            n = rnd.randint(6, 12)
            i = rnd.randint(2, max(2, len(words) - n - 1))
            span = " ".join(words[i : i + n]).strip(",.;:()")
            queries.append(("span", span, span))
            queries.append(("folded", fold(span).lower(), span))
        seen = set()
        for p in plist:
            for num, date in numbers_with_dates(p.text):
                if date and num.key not in seen:
                    seen.add(num.key)
                    typed = num.text.lower().replace("đ", "d")
                    queries.append(("number", f"văn bản {typed} về việc gì", num.key))

    stats: dict[str, list[int]] = {}
    misses = []
    for kind, q, must in queries:
        hits = c.search.search(q, 10).hits
        target = norm(must)
        rank = next((r + 1 for r, h in enumerate(hits) if target in norm(h.passage.text) or must in {
            h.passage.metadata.get("directive_key"), *(h.passage.metadata.get("doc_numbers") or [])}), None)
        stats.setdefault(kind, []).append(rank or 99)
        if not rank or rank > 5:
            misses.append((kind, q, rank))
    print(f"{len(by_doc)} documents, {len(passages)} passages, {len(queries)} synthetic queries\n")
    print(f"{'kind':<8}{'n':>5}{'R@1':>8}{'R@5':>8}{'MRR':>8}")
    for kind, ranks in stats.items():
        n = len(ranks)
        print(f"{kind:<8}{n:>5}{sum(r == 1 for r in ranks) / n:>8.3f}{sum(r <= 5 for r in ranks) / n:>8.3f}"
              f"{sum(1 / r for r in ranks if r < 99) / n:>8.3f}")
    if misses:
        print(f"\nmisses ({len(misses)}):")
        for kind, q, rank in misses[:20]:
            print(f"  [{kind}] rank {rank or '>10'}: {q}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
