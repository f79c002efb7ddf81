"""Shared by the benchmarks: start `chidao serve` on a loopback port and wait until its start-up index check
is over (ready or not), the same condition the tests wait for."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: str | Path, port: int | None = None, env: dict[str, str] | None = None,
                 timeout_s: float = 300) -> tuple[subprocess.Popen[bytes], str]:
    port = port or free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=dict(os.environ, CHIDAO_DATA_DIR=str(data_dir), **(env or {})),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            if httpx.get(base + "/readyz", timeout=2).json().get("state") != "checking":
                return proc, base
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chidao serve did not become ready")


def ingest_and_serve(corpus: str | Path, data_dir: str | Path) -> tuple[subprocess.Popen[bytes], str]:
    """`chidao ingest corpus` into data_dir (an upsert: unchanged files are skipped), then start_server."""
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(corpus)], cwd=ROOT, check=True,
                   env=dict(os.environ, CHIDAO_DATA_DIR=str(data_dir)), stdout=subprocess.DEVNULL)
    return start_server(data_dir)
