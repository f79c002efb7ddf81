#!/usr/bin/env python
"""Load: N concurrent clients ask `/v1/ask` (extractive) for D seconds against a warm `chidao serve`.
Prints throughput, p50/p95/max latency, errors (anything but 200 and 503), and 503s (load shed, which must
come back fast, not as timeouts).

    .venv/bin/python bench/load.py --clients 50 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time

import httpx
from _serve import ROOT, ingest_and_serve  # noqa: E402 - bench/ is the script's own directory


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--qa", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "chidao-bench", "chidao"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    a = ap.parse_args()
    proc, base = ingest_and_serve(a.corpus, a.data_dir)
    questions = [json.loads(line)["question"] for line in open(a.qa, encoding="utf-8") if line.strip()]
    lat: list[float] = []
    shed: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    try:
        for q in questions[:5]:
            httpx.post(base + "/v1/ask", json={"question": q}, timeout=60)
        stop = time.time() + a.seconds

        def client(i: int) -> None:
            with httpx.Client(timeout=30) as http:
                n = i
                while time.time() < stop:
                    q = questions[n % len(questions)]
                    n += 7
                    t = time.perf_counter()
                    try:
                        r = http.post(base + "/v1/ask", json={"question": q})
                        ms = (time.perf_counter() - t) * 1000
                        with lock:
                            if r.status_code == 200:
                                lat.append(ms)
                            elif r.status_code == 503:
                                shed.append(ms)
                            else:
                                errors.append(f"{r.status_code}")
                    except httpx.HTTPError as exc:
                        with lock:
                            errors.append(type(exc).__name__)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    lat.sort()
    shed.sort()

    def pct(xs: list[float], p: float) -> float:
        return xs[int(p * (len(xs) - 1))] if xs else 0.0

    print(f"{a.clients} clients, {wall:.0f} s, {os.cpu_count()} cores: {len(lat)} answered "
          f"({len(lat) / wall:.1f}/s), {len(shed)} shed with 503, {len(errors)} errors {sorted(set(errors))}")
    print(f"answered: p50 {pct(lat, .5):.0f} ms, p95 {pct(lat, .95):.0f} ms, max {max(lat or [0]):.0f} ms")
    if shed:
        print(f"503s came back in p50 {pct(shed, .5):.0f} ms, max {max(shed):.0f} ms")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
