#!/usr/bin/env python
"""Crash cycles: `chidao serve` is killed with SIGKILL at a random moment while files are being uploaded to
it (the kill lands inside a request), restarted, and all files are uploaded again; after every cycle the
index is checked against the catalog. At the end the passage set is compared with a clean ingest's.

    .venv/bin/python bench/crash_cycles.py --cycles 20
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _serve import ROOT, free_port, start_server  # noqa: E402 - bench/ is the script's own directory


def make_files(dest: Path, n: int) -> list[Path]:
    """The samples plus report variants (new text each, so every upload has something to embed)."""
    dest.mkdir(parents=True, exist_ok=True)
    files = []
    for p in sorted((ROOT / "samples").iterdir()):
        if p.is_file():
            shutil.copy(p, dest / p.name)
            files.append(dest / p.name)
    base = (ROOT / "samples" / "bao-cao-thang-03-2025-tinh-son-mai.txt").read_text(encoding="utf-8")
    for i in range(n):
        text = base.replace("88/BC-UBND", f"{200 + i}/BC-UBND").replace("4.215,3", f"{4000 + 17 * i},{i % 10}")
        text = text.replace("640,5", f"{600 + 3 * i},{(i * 7) % 10}").replace("Sơn Mai", f"Sơn Mai {i}")
        path = dest / f"bao-cao-bien-the-{i:02d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def start(data: Path, port: int) -> subprocess.Popen[bytes]:
    return start_server(data, port, timeout_s=60)[0]


def upload_all(base: str, files: list[Path], stop: threading.Event | None = None) -> int:
    done = 0
    with httpx.Client(timeout=300) as http:
        for f in files:
            if stop is not None and stop.is_set():
                break
            try:
                r = http.post(base + "/v1/documents", files={"files": (f.name, f.read_bytes())})
                done += r.status_code == 200
            except httpx.HTTPError:
                break
    return done


def check(data: Path) -> str:
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(data), "check", "--reconcile",
                          "--full"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    return out.stdout.strip().splitlines()[-2] if out.stdout.strip() else out.stderr[-300:]


def passage_ids(data: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(data / "chidao.sqlite3") as db:
        return {r[0] for r in db.execute("SELECT id FROM passages")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--variants", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    work = Path(tempfile.mkdtemp(prefix="chidao-crash-"))
    files = make_files(work / "files", a.variants)
    data = work / "data"
    bad = 0
    recover: list[float] = []
    for cycle in range(1, a.cycles + 1):
        port = free_port()
        proc = start(data, port)
        stop = threading.Event()
        uploader = threading.Thread(target=upload_all, args=(f"http://127.0.0.1:{port}", files, stop))
        uploader.start()
        delay = rnd.uniform(0.2, 6.0)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)  # mid-request: the upload loop is still sending
        proc.wait()
        stop.set()
        uploader.join()
        t0 = time.perf_counter()
        proc = start(data, port)  # restart: the start-up check finishes interrupted writes
        recover.append(time.perf_counter() - t0)
        upload_all(f"http://127.0.0.1:{port}", files)
        proc.terminate()
        proc.wait(timeout=30)
        line = check(data)
        ok = "missing 0, phantom 0, duplicates 0, unreachable 0/" in line
        bad += not ok
        print(f"cycle {cycle:>2}: killed after {delay:.1f} s, back in {recover[-1]:.1f} s — {line}", flush=True)
    clean = work / "clean"
    subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(clean), "ingest", *map(str, files)],
                   cwd=ROOT, capture_output=True, timeout=900, check=True)
    same = passage_ids(clean) == passage_ids(data)
    print(f"\n{a.cycles} cycles: {bad} with problems; final passage set equals a clean ingest's: {same}; "
          f"kill -9 to serving: max {max(recover):.1f} s")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if bad == 0 and same else 1


if __name__ == "__main__":
    sys.exit(main())
