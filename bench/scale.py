#!/usr/bin/env python
"""Scale: `/v1/search` and `/v1/ask` latency, server memory, and kill -9 → ready time at 1k, 10k and 100k
passages. The corpus is grown from the shared documents: each copy varies the numbers, document numbers and
dates of every passage. Embedding 100k passages takes hours on 2 cores, so a copy's vector is the real
vector of the passage it came from plus small noise (normalised) — the index sees realistic neighbours;
only the embedding time is skipped. Everything else (catalog, tokens, Chroma, the server) is real.

    .venv/bin/python bench/scale.py --sizes 1000 10000 100000
    .venv/bin/python bench/scale.py --server --sizes 100000 1000000   # server mode: bench/_scale_server.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _serve import start_server  # noqa: E402 - bench/ is the script's own directory

from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from index.catalog import StoredPassage  # noqa: E402
from ingest.types import passage_id  # noqa: E402


def vary(text: str, k: int, rnd: random.Random) -> str:
    """Another report of the same kind: figures, document numbers and dates changed."""
    def num(m: re.Match[str]) -> str:
        s = m.group(0)
        digits = re.sub(r"\D", "", s)
        if len(digits) < 2:
            return s
        new = str(int(digits) + rnd.randint(1, 97) * (k + 1))[: len(digits) + 1]
        out, i = [], 0
        for ch in s:  # keep the separators where they were
            if ch.isdigit() and i < len(new):
                out.append(new[i])
                i += 1
            elif not ch.isdigit():
                out.append(ch)
        return "".join(out) + new[i:]

    return re.sub(r"\d[\d.,]*\d|\d", num, text)


Copy = tuple[dict[str, Any], list[StoredPassage], dict[str, np.ndarray]]  # (document, passages, vectors by id)


def copies(base: Container, size: int, seed: int = 3) -> Iterator[Copy]:
    """Copies of the base corpus's documents, in order, until they hold `size` passages."""
    rnd = random.Random(seed)
    sources = base.catalog.passages()
    vectors = base.catalog.vectors_for(base.embedder.name, sources)
    docs = {d["doc_id"]: d for d in base.catalog.documents()}
    by_doc: dict[str, list[StoredPassage]] = {}
    for p in sources:
        by_doc.setdefault(p.doc_id, []).append(p)
    made, k = 0, 0
    while made < size:
        for doc_id, plist in by_doc.items():
            if made >= size:
                break
            new_id = f"{doc_id}-copy{k:05d}"
            doc = dict(docs[doc_id], doc_id=new_id, source=f"{new_id}.txt", sha256=f"synthetic-{new_id}")
            stored, vecs = [], {}
            for p in plist[: size - made]:
                text = vary(p.text, k, rnd)
                md = dict(p.metadata, doc_id=new_id, source=doc["source"])
                pid = passage_id(new_id, p.position, text)
                embed = vary(p.embed_text, k, rnd)
                stored.append(StoredPassage(pid, new_id, p.position, p.kind, text, embed, md))
                v = vectors[p.id] + np.random.default_rng(made).normal(0, 0.015, len(vectors[p.id])).astype(np.float32)
                vecs[pid] = v / np.linalg.norm(v)
            made += len(stored)
            yield doc, stored, vecs
        k += 1


def grow(base: Container, target: Path, size: int, seed: int = 3) -> None:
    from index.catalog import embed_hash

    c = Container(Settings(data_dir=str(target), ready_check=False))
    t0, made = time.perf_counter(), 0
    for doc, stored, vecs in copies(base, size, seed):
        c.catalog.replace_document(doc, stored, {embed_hash(s.embed_text): vecs[s.id] for s in stored},
                                   base.embedder.name)
        c.store.upsert([s.id for s in stored], np.stack([vecs[s.id] for s in stored]),
                       [s.metadata for s in stored], [s.text for s in stored])
        c.catalog.clear_dirty(doc["doc_id"])
        made += len(stored)
        print(f"  {made}/{size} passages ({time.perf_counter() - t0:.0f} s)", end="\r", flush=True)
    print()


def serve(data: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    t0 = time.perf_counter()
    proc, base = start_server(data, env={"CHIDAO_READY_TIMEOUT_S": "120"}, timeout_s=600)
    # serving means answering: the first search loads the passage cache and the lexical index
    httpx.post(base + "/v1/search", json={"query": "ngân sách", "k": 5}, timeout=300)
    return proc, base, time.perf_counter() - t0


def rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure(base: str, questions: list[str], rounds: int) -> dict[str, float]:
    out: dict[str, list[float]] = {"search": [], "ask": []}
    with httpx.Client(timeout=120) as http:
        for q in questions[:5]:
            http.post(base + "/v1/ask", json={"question": q})
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                http.post(base + "/v1/search", json={"query": q, "k": 10})
                out["search"].append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                http.post(base + "/v1/ask", json={"question": q})
                out["ask"].append((time.perf_counter() - t) * 1000)
    res = {}
    for k, xs in out.items():
        xs.sort()
        res[f"{k}_p50"] = xs[len(xs) // 2]
        res[f"{k}_p95"] = xs[int(0.95 * (len(xs) - 1))]
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--base", default=os.path.join(tempfile.gettempdir(), "chidao-bench", "chidao"),
                    help="a data dir with the shared corpus ingested (real vectors)")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "chidao-scale"))
    ap.add_argument("--qa", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--server", action="store_true", help="server mode: PostgreSQL + Chroma server, 1 and 3 replicas")
    ap.add_argument("--database", help="server mode: measure this grown database (and collection) as it is, "
                    "e.g. a grow stopped part-way")
    ap.add_argument("--pg-port", type=int, default=55499)
    ap.add_argument("--chroma-port", type=int, default=58099)
    ap.add_argument("--no-upload", dest="upload", action="store_false",
                    help="server mode: skip timing uploads of samples/ through a replica (e5 embedding bound)")
    a = ap.parse_args()
    subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", a.base, "ingest",
                    str(ROOT.parent / "shared" / "corpus")], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    base = Container(Settings(data_dir=a.base, ready_check=False))
    questions = [json.loads(line)["question"] for line in open(a.qa, encoding="utf-8") if line.strip()]
    if a.server:
        from _scale_server import server_mode

        return server_mode(a, base, questions)
    rows = []
    for size in a.sizes:
        target = Path(a.work) / f"n{size}"
        if not (target / "chidao.sqlite3").exists():
            print(f"growing {size} passages into {target}")
            t0 = time.perf_counter()
            grow(base, target, size)
            print(f"  grown in {time.perf_counter() - t0:.0f} s")
        proc, url, first = serve(target)
        m = measure(url, questions, a.rounds)
        rss, peak = rss_mb(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc2, url2, recovery = serve(target)  # kill -9, then back to answering
        proc2.terminate()
        proc2.wait(timeout=60)
        rows.append((size, m, rss, peak, first, recovery))
        print(f"{size:>7} passages: search p50 {m['search_p50']:.0f} / p95 {m['search_p95']:.0f} ms, ask p50 "
              f"{m['ask_p50']:.0f} / p95 {m['ask_p95']:.0f} ms, RSS {rss:.0f} MB (peak {peak:.0f}), "
              f"start {first:.1f} s, kill -9 → answering {recovery:.1f} s", flush=True)
    print("\n| passages | search p50 | search p95 | ask p50 | ask p95 | RSS (peak) | kill -9 → answering |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size, m, rss, peak, _first, rec in rows:
        print(f"| {size:,} | {m['search_p50']:.0f} ms | {m['search_p95']:.0f} ms | {m['ask_p50']:.0f} ms | "
              f"{m['ask_p95']:.0f} ms | {rss:.0f} MB ({peak:.0f}) | {rec:.1f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
