"""How often Chroma alone loses a freshly written vector: written, counted by `count()` and listed by `get()`,
yet returned by no query — the cause of dense search missing an uploaded passage (and of the flaky
existence-oracle test) that `ChromaStore._write` now checks for and mends (bench/RESULTS.md, eighth session).

    .venv/bin/python bench/chroma_lost_writes.py --runs 500 [--no-deletes]

Each run: a persistent client in a new directory, a base collection of 20 random vectors and a second one of
9; deletes of the second's ids from the first (what moving passages between access partitions did); 30
queries; then the 9 vectors written to the first in two batches, each followed by a delete of the same ids
from the second. A run loses a vector when a query for all neighbours returns fewer than `count()`.
Prints the runs that lost one, whether the loss outlives a new client, whether writing it again mends it,
and the rate.
"""

from __future__ import annotations

import argparse
import tempfile

import chromadb
import numpy as np

META = {"hnsw:space": "cosine", "hnsw:search_ef": 128, "hnsw:construction_ef": 128}


def run(seed: int, deletes: bool) -> tuple[list[str], bool, bool]:
    """The ids lost, whether a new client still misses them, whether writing them again mends it."""
    rng = np.random.default_rng(seed)
    path = tempfile.mkdtemp()
    client = chromadb.PersistentClient(path=path)
    base = client.get_or_create_collection("base", embedding_function=None, metadata=META)
    other = client.get_or_create_collection("base--other", embedding_function=None, metadata=META)
    v = rng.normal(size=(29, 384)).astype(np.float32)
    base.upsert(ids=[f"p{i}" for i in range(20)], embeddings=v[:20].tolist())
    other.upsert(ids=[f"m{i}" for i in range(9)], embeddings=v[20:29].tolist())
    if deletes:
        base.delete(ids=[f"m{i}" for i in range(9)])
    for _ in range(30):
        base.query(query_embeddings=[rng.normal(size=384).tolist()], n_results=180)
    for lo, hi in ((0, 2), (2, 9)):
        ids = [f"u{i}" for i in range(lo, hi)]
        base.upsert(ids=ids, embeddings=v[20 + lo:20 + hi].tolist())
        if deletes:
            other.delete(ids=ids)

    def missing(col: chromadb.Collection) -> list[str]:
        got = set(col.query(query_embeddings=[v[20].tolist()], n_results=180)["ids"][0])
        return sorted(set(col.get(include=[])["ids"]) - got)

    lost = missing(base)
    if not lost:
        return [], False, False
    again = chromadb.PersistentClient(path=path).get_collection("base", embedding_function=None)
    outlives = bool(missing(again))
    held = base.get(ids=lost, include=["embeddings"])
    base.upsert(ids=list(held["ids"]), embeddings=[list(map(float, e)) for e in held["embeddings"]])
    return lost, outlives, not missing(base)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--no-deletes", action="store_true")
    args = ap.parse_args()
    lost_runs = 0
    for seed in range(args.runs):
        lost, outlives, mended = run(seed, not args.no_deletes)
        if lost:
            lost_runs += 1
            print(f"run {seed}: lost {lost}; still lost from a new client: {outlives}; written again, found: {mended}")
    print(f"chromadb {chromadb.__version__}: {lost_runs} of {args.runs} runs lost a written vector "
          f"({'without' if args.no_deletes else 'with'} deletes of absent ids)")


if __name__ == "__main__":
    main()
