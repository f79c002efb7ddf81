#!/usr/bin/env python
"""Same rankings in both modes (issue 16): the shared corpus ingested once in embedded mode, its catalog rows
and every stored vector (passages' and sentences') copied into a PostgreSQL database and a Chroma server
collection filled from it (index/pg/copy.py), then the dev questions through both containers — the yardstick
of `chidao eval` (recall, MRR, answers) and, per question, the top-5 passage ids and the answer text.

    .venv/bin/python bench/compare_modes.py            # prints the table of bench/RESULTS.md "Server mode"

PostgreSQL and `chroma run` are throw-away servers under the work dir (bench/_servermode.py)."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _servermode import ensure_database, start_chroma, start_postgres, stop_postgres  # noqa: E402

from assistant.container import Container  # noqa: E402
from assistant.evaluation import evaluate, load_questions  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def top5(c: Container, questions: list[dict[str, object]]) -> dict[str, list[str]]:
    return {str(q["id"]): [h.passage.id for h in c.search.search(str(q["question"]), 5).hits] for q in questions}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "chidao-compare"))
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--qa", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--pg-port", type=int, default=55498)
    ap.add_argument("--chroma-port", type=int, default=58098)
    a = ap.parse_args()
    work = Path(a.work)
    embedded = work / "embedded"
    if not (embedded / "chidao.sqlite3").exists():
        subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(embedded), "ingest", a.corpus],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    questions = load_questions(a.qa)
    emb = Container(Settings(data_dir=str(embedded), ready_check=False))
    pg_url = start_postgres(work / "server", a.pg_port)
    shutil.rmtree(work / "server" / "chroma", ignore_errors=True)
    chroma = start_chroma(work / "server", a.chroma_port)
    try:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS compare")
        url, _ = ensure_database(pg_url, "compare")
        srv = Container(Settings(data_dir=str(work / "server-dir"), ready_check=False, database_url=url,
                                 chroma_host="127.0.0.1", chroma_port=a.chroma_port, collection="compare"))
        from index.pg.catalog import PgCatalog
        from index.pg.copy import copy_catalog

        assert isinstance(srv.catalog, PgCatalog)
        n = copy_catalog(emb.catalog, srv.catalog, srv.store, emb.embedder.name)
        print(f"copied {n} passages")
        reports = {"embedded": evaluate(emb, questions), "server": evaluate(srv, questions)}
        tops = {"embedded": top5(emb, questions), "server": top5(srv, questions)}
    finally:
        chroma.terminate()
        chroma.wait(timeout=60)
        stop_postgres(work / "server")
    answerable = [str(q["id"]) for q in questions]
    same = sum(tops["embedded"][i] == tops["server"][i] for i in answerable)
    answers = {m: {r.id: r.answer for r in rep.rows} for m, rep in reports.items()}
    same_answers = sum(answers["embedded"][i] == answers["server"][i] for i in answerable)
    print("| mode | recall@1 | recall@5 | MRR@10 | answer_acc | abstain_acc | identical top-5 ids | identical answers |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for m, rep in reports.items():
        s = rep.summary
        extra = f"**{same} / {len(answerable)}** | **{same_answers} / {len(answerable)}**" if m == "server" else " | "
        print(f"| {m} | {s['recall@1']} | {s['recall@5']} | {s['mrr@10']} | {s['answer_acc']} | {s['abstain_acc']} "
              f"| {extra} |")
    for i in answerable:
        if tops["embedded"][i] != tops["server"][i]:
            print(json.dumps({"id": i, "embedded": tops["embedded"][i], "server": tops["server"][i]}))
    return 0 if same == len(answerable) else 1


if __name__ == "__main__":
    raise SystemExit(main())
