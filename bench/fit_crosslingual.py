"""Fit the re-ranking of English questions' passages (assistant/crosslingual.py) and freeze it, with the
figures that chose it, in assistant/data/crosslingual.json.

    .venv/bin/python bench/fit_crosslingual.py

Training questions: the English questions of the dev set and of the corpus-wide training sets (never the blind
set). Each is searched as at run time without re-ranking, `max(POOLS)` deep; a passage is relevant when it
holds the question's evidence (its first 60 characters) or every must_contain string. Every (pool, weight) of
the grid re-ranks the same hits; the pair with the best recall@5, then MRR@10, then the smallest pool and
weight, is kept. Weight 0 is the passage cosine alone; pool 0 (no re-ranking) is reported as the baseline."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.container import Container  # noqa: E402
from assistant.crosslingual import CrossLingualRerank, _ordered, best_sentence_cosines  # noqa: E402
from assistant.evaluation import lenient, load_questions  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from bench.fit_answerer import on_corpus  # noqa: E402

SHARED = ROOT.parent / "shared"
TRAINING = [  # (data dir under data-eval, questions) — the corpora are ingested by bench/fit_answerer.py
    ("dev", SHARED / "eval" / "dev.jsonl"),
    ("wide", ROOT / "bench" / "train" / "corpus_wide.jsonl"),
    ("wide", ROOT / "bench" / "train" / "corpus_wide_more.jsonl"),
    ("wide", ROOT / "bench" / "train" / "corpus_wide_third.jsonl"),
    ("dev", ROOT / "bench" / "train" / "corpus_fourth.jsonl"),
    ("wide", ROOT / "bench" / "train" / "corpus_fourth.jsonl"),
]
CORPUS = {"dev": SHARED / "corpus", "wide": SHARED / "corpus-wide"}
POOLS = (10, 20, 40, 60)
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def main() -> None:
    eval_dir = Path(os.environ.get("CHIDAO_EVAL_DIR", ROOT / "data-eval"))
    rows = []  # per question: the hits' passage cosines, best sentence cosines and relevance, in fused order
    for data, qa in TRAINING:
        if not qa.is_file():
            continue
        c = Container(Settings(data_dir=str(eval_dir / data)))
        search = c.search
        search.crosslingual = CrossLingualRerank()  # the fused order, not re-ranked
        for q in load_questions(str(qa)):
            if q["kind"] != "english" or not on_corpus(q, CORPUS[data]):
                continue
            evidence = [lenient(e)[:60] for e in q.get("evidence", [])[:1]]
            must = [lenient(m) for m in q.get("must_contain", [])]
            if not (evidence or must):
                continue
            hits = search.search(q["question"], max(POOLS)).hits
            vec = c.retriever.query_vector(q["question"])
            best = best_sentence_cosines(hits, vec, search.sentence_vectors or (lambda h: {}))
            gold = [any(e in lenient(h.passage.text) for e in evidence) or
                    (bool(must) and all(m in lenient(h.passage.text) for m in must)) for h in hits]
            rows.append((hits, best, gold))

    def measure(pool: int, weight: float) -> tuple[float, float]:
        r5, mrr = [], []
        for hits, best, gold in rows:
            order = list(range(len(hits)))
            if pool:
                index = {id(h): i for i, h in enumerate(hits)}
                head = _ordered(hits[:pool], best[:pool], weight)
                order = [index[id(h)] for h in head] + order[pool:]
            rank = next((r for r, i in enumerate(order) if gold[i]), None)
            r5.append(rank is not None and rank < 5)
            mrr.append(1.0 / (rank + 1) if rank is not None and rank < 10 else 0.0)
        return round(float(np.mean(r5)), 3), round(float(np.mean(mrr)), 3)

    grid = {(p, w): measure(p, w) for p in POOLS for w in WEIGHTS}
    pool, weight = max(grid, key=lambda k: (*grid[k], -k[0], -k[1]))
    figures = {"fitted": time.strftime("%Y-%m-%d"), "questions": len(rows),
               "baseline_fused_order": dict(zip(("recall@5", "mrr@10"), measure(0, 0.0))),
               "grid_recall@5_mrr@10": {f"pool={p} weight={w}": list(v) for (p, w), v in grid.items()},
               "chosen": dict(zip(("recall@5", "mrr@10"), grid[(pool, weight)]))}
    model = CrossLingualRerank(pool, weight, figures)
    model.save()
    print(json.dumps({"pool": pool, "sentence_weight": weight, **figures}, indent=1))


if __name__ == "__main__":
    main()
