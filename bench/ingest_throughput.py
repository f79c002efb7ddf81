#!/usr/bin/env python
"""Ingest throughput beside the physical limit: the raw e5 embedding throughput of the same passages.

1. parse and cut the corpus (in-process), embed every passage's text in batches: passages/s of the model alone;
2. `chidao ingest` the same files into an empty data dir (parse worker, catalog, tokens, Chroma): passages/s.

    .venv/bin/python bench/ingest_throughput.py --corpus ../shared/corpus
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.container import Container  # noqa: E402
from assistant.ingestion import expand_paths  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from ingest.pipeline import parse_bytes  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", default=[str(ROOT.parent / "shared" / "corpus")])
    a = ap.parse_args()
    files = expand_paths(a.corpus)
    texts: list[str] = []
    for f in files:
        try:
            texts += [p.embed_text for p in parse_bytes(os.path.basename(f), Path(f).read_bytes()).passages]
        except Exception:  # noqa: BLE001 - the bench measures what ingests
            continue
    texts = list(dict.fromkeys(texts))
    tmp = Path(tempfile.mkdtemp(prefix="chidao-ingest-bench-"))
    c = Container(Settings(data_dir=str(tmp / "raw")))
    c.embedder.embed_passages(texts[:2])  # load the model outside the timing
    batch = c.settings.embed_batch
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        c.embedder.embed_passages(texts[i : i + batch])
    raw = len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(tmp / "ingest"), "ingest", *files],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    n = Container(Settings(data_dir=str(tmp / "ingest"))).catalog.count_passages()
    ingest = n / wall
    print(f"{len(files)} files, {n} passages ({len(texts)} distinct texts), {os.cpu_count()} cores")
    print(f"raw embedding: {raw:.2f} passages/s; chidao ingest (process start included): {ingest:.2f} passages/s "
          f"= {ingest / raw:.2f}x the raw embedding throughput")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
