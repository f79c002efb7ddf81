"""Fit the rank-fusion weights (index/data/fusion.json) on labelled questions and freeze them with the figures
that chose them.

    .venv/bin/python bench/fit_fusion.py

Training questions: the answerable ones of ../shared/eval/dev.jsonl and of bench/train/corpus_wide.jsonl
(follow-ups aside: they are searched with their conversation). The blind set and the laws are never fitted on;
`chidao eval` measures them with the weights written here.

Each question's retrieval signals (dense and lexical rankings, number path, features shown) are gathered once
with the running code (`HybridRetriever.signals`); the weights are then chosen by coordinate ascent over a grid
of values, maximising MRR@10 of the first passage holding the question's evidence (the scorer's match); a
weight moves only when it gains more than 0.002 MRR. The figures before and after are recorded per set, and the
English questions' own dense/lexical weights are fitted on them alone."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import has_evidence, load_questions  # noqa: E402
from index.fusion import FusionWeights, Signals, fuse  # noqa: E402

SHARED = ROOT.parent / "shared"
ONLY = [x for x in os.environ.get("CHIDAO_FIT_SETS", "").split(",") if x]  # a smoke run on some sets only
TRAINING = [("dev", "dev", SHARED / "corpus", SHARED / "eval" / "dev.jsonl"),
            ("wide", "wide", SHARED / "corpus-wide", ROOT / "bench" / "train" / "corpus_wide.jsonl")]
GRID: dict[str, tuple[float, ...]] = {
    "rrf_k": (10, 20, 40, 60, 100, 160, 250),
    "dense": (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0),
    "lexical": (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0),
    "number": (0.0, 1.0, 2.0, 3.0, 4.0),
    "lex_score": (0.0, 0.5, 1.0, 1.5, 2.0),
    "prefer": (0.0, 0.25, 0.5, 1.0, 1.5),
    "closing_prior": (0.25, 0.5, 0.75, 1.0),
}
ENGLISH_GRID = {"dense_english": (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0), "lexical_english": (0.0, 0.25, 0.5, 0.75, 1.0)}
MIN_GAIN = 0.002


def read_signals(eval_dir: str) -> list[dict[str, Any]]:
    from assistant.container import Container
    from assistant.ingestion import expand_paths
    from assistant.search import plan_for
    from assistant.settings import Settings

    items = []
    for name, data, corpus, qa in TRAINING:
        if ONLY and name not in ONLY:
            continue
        if not (corpus.is_dir() and qa.is_file()):
            print(f"skipped {name}: missing", file=sys.stderr)
            continue
        c = Container(Settings(data_dir=os.path.join(eval_dir, data)))
        c.ingestor.ingest_paths(expand_paths([str(corpus)]))
        t = time.time()
        for q in load_questions(str(qa)):
            if q["kind"] == "unanswerable" or q.get("history"):
                continue
            a = c.search.analyze(q["question"])
            got = c.retriever.signals(plan_for(a, q["question"], 10))
            if got is None:
                continue
            signals = got[0]
            cands = set(signals.dense) | {p for p, _ in signals.lexical} | set(signals.number)
            relevant = {pid for pid in cands if has_evidence(c.retriever.cache.by_id[pid].text, q["evidence"])}
            items.append({"set": name, "kind": q["kind"], "english": a.english, "signals": signals,
                          "relevant": relevant})
        print(f"{name}: {sum(1 for i in items if i['set'] == name)} questions in {time.time() - t:.0f} s",
              file=sys.stderr)
    return items


def mrr(items: list[dict[str, Any]], w: FusionWeights) -> float:
    total = 0.0
    for it in items:
        s: Signals = it["signals"]
        scores, _ = fuse(s, w)
        ranked = sorted(scores, key=lambda pid: -scores[pid])[:10]
        total += next((1.0 / (r + 1) for r, pid in enumerate(ranked) if pid in it["relevant"]), 0.0)
    return total / max(1, len(items))


def ascend(items: list[dict[str, Any]], w: FusionWeights, grid: dict[str, tuple[float, ...]],
           passes: int = 3) -> FusionWeights:
    best = mrr(items, w)
    for _ in range(passes):
        moved = False
        for name, values in grid.items():
            for v in values:
                cand = replace(w, **{name: v})
                m = mrr(items, cand)
                if m > best + MIN_GAIN:
                    w, best, moved = cand, m, True
        if not moved:
            break
    return w


def figures(items: list[dict[str, Any]], w: FusionWeights) -> dict[str, float]:
    out = {s: round(mrr([i for i in items if i["set"] == s], w), 3) for s in sorted({i["set"] for i in items})}
    out["english"] = round(mrr([i for i in items if i["english"]], w), 3)
    out["all"] = round(mrr(items, w), 3)
    return out


def main() -> None:
    eval_dir = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "data-eval")
    items = read_signals(eval_dir)
    start = FusionWeights()
    before = figures(items, start)
    fitted = ascend([i for i in items if not i["english"]], start, GRID)
    fitted = ascend([i for i in items if i["english"]], fitted, ENGLISH_GRID)
    after = figures(items, fitted)
    body = {"fitted": time.strftime("%Y-%m-%d"), "questions": {s: sum(1 for i in items if i["set"] == s)
                                                                for s in sorted({i["set"] for i in items})},
            "english_questions": sum(1 for i in items if i["english"]),
            "mrr@10_before (the hand-set weights)": before, "mrr@10_after": after,
            "objective": "MRR@10 of the first passage holding the evidence, coordinate ascent over GRID"}
    fitted.save(body)
    print(json.dumps({"weights": asdict(fitted), **body}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
