#!/usr/bin/env python
"""Latency of `/v1/search` and `/v1/ask` over real HTTP against a warm `chidao serve` (loopback).

Ingests the corpus into the data dir (idempotent), starts the server on a free port, warms it with one
round, then sends every question of the QA file `--rounds` times, one at a time, and prints p50/p95/max.

    .venv/bin/python bench/search_latency.py --corpus ../shared/corpus --qa ../shared/eval/dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.request

from _serve import ROOT, ingest_and_serve  # noqa: E402 - bench/ is the script's own directory


def post(base: str, path: str, body: dict) -> float:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        r.read()
    return (time.perf_counter() - t) * 1000


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[int(p * (len(xs) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--qa", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "chidao-bench", "chidao"))
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    proc, base = ingest_and_serve(a.corpus, a.data_dir)
    try:
        qs = [json.loads(line) for line in open(a.qa, encoding="utf-8") if line.strip()]
        for q in qs:  # warm-up: model loaded, caches filled
            post(base, "/v1/search", {"query": q["question"], "k": 10})
        search, ask = [], []
        for _ in range(a.rounds):
            for q in qs:
                search.append(post(base, "/v1/search", {"query": q["question"], "k": 10}))
                history = [{"role": "user", "content": h} for h in q.get("history", [])]
                ask.append(post(base, "/v1/ask", {"question": q["question"], "history": history}))
        cores = os.cpu_count()
        print(f"{len(qs)} questions x {a.rounds} rounds, {cores} cores, server warm, loopback HTTP")
        for name, xs in (("/v1/search", search), ("/v1/ask", ask)):
            print(f"{name:<12} n={len(xs):<4} p50 {pct(xs, 0.5):6.1f} ms   p95 {pct(xs, 0.95):6.1f} ms   "
                  f"max {max(xs):6.1f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
