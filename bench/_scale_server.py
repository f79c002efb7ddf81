"""`bench/scale.py --server`: server mode at any size — a kept PostgreSQL cluster and `chroma run` under the
work dir (bench/_servermode.py), the corpus grown in bulk (index/pg/bulk.py: COPY, statistics in SQL, Chroma
in batches of `BATCH`; derived vectors as in the embedded bench), then three `chidao serve` replicas on it:
/v1/search and /v1/ask through one replica and through all three at once, RSS per replica (with its child
processes), start → answering, grow and upload throughput. A grow interrupted resumes where it stopped."""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from _serve import start_server
from _servermode import ensure_database, rss_of, start_chroma, start_postgres, stop_postgres
from scale import ROOT, copies, measure, rss_mb

from assistant.container import Container
from assistant.settings import Settings
from index.catalog import embed_hash

BATCH = 5000  # passages per bulk transaction and per Chroma upsert


def grow_bulk(base: Container, c: Container, size: int) -> float:
    """Grow `c`'s catalog and collection to `size` passages; returns passages/s written (catalog + Chroma)."""
    from index.pg.bulk import bulk_add

    c.ingestor.reconcile()  # a batch in the catalog that an interrupted run had not yet put into Chroma
    have = {d["doc_id"] for d in c.catalog.documents()}
    pending: list[Any] = []
    written, t0 = 0, time.perf_counter()

    def flush() -> None:
        nonlocal written
        if not pending:
            return
        bulk_add(c.pg, [(doc, stored, {embed_hash(s.embed_text): vecs[s.id] for s in stored})
                        for doc, stored, vecs in pending], base.embedder.name)
        stored_all = [s for _, stored, _ in pending for s in stored]
        vec = {pid: v for _, _, vecs in pending for pid, v in vecs.items()}
        for i in range(0, len(stored_all), BATCH):
            chunk = stored_all[i : i + BATCH]
            c.store.upsert([s.id for s in chunk], np.stack([vec[s.id] for s in chunk]), [s.metadata for s in chunk],
                           [s.text for s in chunk])
        for doc, _, _ in pending:
            c.catalog.clear_dirty(doc["doc_id"])
        written += len(stored_all)
        pending.clear()
        rate = written / (time.perf_counter() - t0)
        print(f"  +{written} passages ({time.perf_counter() - t0:.0f} s, {rate:.0f}/s)", end="\r", flush=True)

    # resume by what the database holds: the copies of a base corpus that changed since the grow began (documents
    # added, passages chunked anew) do not add up to the passages already written — a grow that counted the
    # copies skipped by id overshot 1M to 1,086,072
    need, queued = size - c.catalog.count_passages(), 0
    for doc, stored, vecs in copies(base, 2 * size):
        if queued >= need:
            break
        if doc["doc_id"] in have:
            continue
        stored = stored[: need - queued]
        queued += len(stored)
        pending.append((doc, stored, {s.id: vecs[s.id] for s in stored}))
        if sum(len(x[1]) for x in pending) >= BATCH:
            flush()
    flush()
    print()
    return written / max(time.perf_counter() - t0, 1e-6)


def upload_rate(url: str, size: int) -> float:
    """Passages/s of uploads through a replica (parse, e5 embedding of new text, the database, Chroma)."""
    files = sorted(p for p in (ROOT / "samples").iterdir() if p.is_file())
    t0, n = time.perf_counter(), 0
    for f in files:
        r = httpx.post(url + "/v1/documents", files={"files": (f"bench-{size}-{f.name}", f.read_bytes())},
                       timeout=1800)
        n += sum(rep["passages"] for rep in r.json()["reports"] if rep["status"] == "ingested")
    return n / (time.perf_counter() - t0)


def server_mode(a: argparse.Namespace, base: Container, questions: list[str]) -> int:
    work = Path(a.work) / "server"
    work.mkdir(parents=True, exist_ok=True)
    pg_url = start_postgres(work, a.pg_port)
    chroma = start_chroma(work, a.chroma_port)
    rows = []
    try:
        for size in a.sizes:
            name = a.database or f"n{size:03d}"  # Chroma wants collection names of 3 characters or more
            url, _ = ensure_database(pg_url, name)
            env = {"CHIDAO_DATABASE_URL": url, "CHIDAO_CHROMA_HOST": "127.0.0.1",
                   "CHIDAO_CHROMA_PORT": str(a.chroma_port), "CHIDAO_COLLECTION": name,
                   "CHIDAO_READY_TIMEOUT_S": "600"}
            c = Container(Settings(data_dir=str(work / "setup"), ready_check=False, database_url=url,
                                   chroma_host="127.0.0.1", chroma_port=a.chroma_port, collection=name))
            grow_rate = None
            if c.catalog.count_passages() < size and not a.database:
                print(f"growing {size} passages into {url} (has {c.catalog.count_passages()})", flush=True)
                grow_rate = grow_bulk(base, c, size)
                print(f"  grow: {grow_rate:.0f} passages/s", flush=True)
            replicas: list[Any] = [None] * 3

            def start(i: int, env: dict[str, str] = env, replicas: list[Any] = replicas) -> None:
                """The three start together, as behind a load balancer after a deploy."""
                t0 = time.perf_counter()
                proc, url_i = start_server(work / f"r{i}", env=env, timeout_s=3600)
                httpx.post(url_i + "/v1/search", json={"query": "ngân sách", "k": 5}, timeout=3600)
                replicas[i] = (proc, url_i, time.perf_counter() - t0)

            starters = [threading.Thread(target=start, args=(i,)) for i in range(3)]
            for t in starters:
                t.start()
            for t in starters:
                t.join()
            one = measure(replicas[0][1], questions, a.rounds)
            three: list[dict[str, float]] = [{} for _ in replicas]
            threads = [threading.Thread(target=lambda out=out, u=u: out.update(measure(u, questions, a.rounds)))
                       for out, (_, u, _) in zip(three, replicas)]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            served = 2 * len(questions) * a.rounds * len(replicas)
            rss = [rss_of(p.pid) for p, _, _ in replicas]
            peak = [rss_mb(p.pid)[1] for p, _, _ in replicas]
            up = upload_rate(replicas[0][1], size) if a.upload else 0.0
            for p, _, _ in replicas:
                p.terminate()
                p.wait(timeout=60)
            worst = {k: max(m[k] for m in three) for k in three[0]}
            rows.append((size, one, worst, served / wall, rss, peak, [r[2] for r in replicas]))
            print(f"{size:>8} passages: one replica search p50 {one['search_p50']:.0f} / p95 {one['search_p95']:.0f} "
                  f"ms, ask p50 {one['ask_p50']:.0f} / p95 {one['ask_p95']:.0f} ms; three at once (worst) search "
                  f"p95 {worst['search_p95']:.0f}, ask p50 {worst['ask_p50']:.0f} / p95 {worst['ask_p95']:.0f} ms, "
                  f"{served / wall:.1f} req/s; RSS per replica {', '.join(f'{x:.0f}' for x in rss)} MB (peak "
                  f"{max(peak):.0f}); start → answering {max(r[2] for r in replicas):.1f} s; grow "
                  f"{grow_rate or 0:.0f} passages/s; upload {up:.1f} passages/s", flush=True)
    finally:
        chroma.terminate()
        chroma.wait(timeout=120)
        stop_postgres(work)
    print("\n| passages | 1 replica: search p50/p95 | ask p50/p95 | 3 replicas at once: ask p50/p95 | req/s | "
          "RSS per replica (peak) | start → answering |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size, one, worst, rps, rss, peak, starts in rows:
        print(f"| {size:,} | {one['search_p50']:.0f} / {one['search_p95']:.0f} ms | {one['ask_p50']:.0f} / "
              f"{one['ask_p95']:.0f} ms | {worst['ask_p50']:.0f} / {worst['ask_p95']:.0f} ms | {rps:.1f} | "
              f"{max(rss):.0f} MB ({max(peak):.0f}) | {max(starts):.0f} s |")
    return 0
