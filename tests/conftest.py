"""Shared fixtures: real components only (persistent Chroma in temp dirs, the bundled e5 model, uvicorn)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLES = ROOT / "samples"


def make_container(data_dir: Path):  # type: ignore[no-untyped-def]
    from assistant.container import Container
    from assistant.settings import Settings

    return Container(Settings(data_dir=str(data_dir)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chidao serve` for real, on a free loopback port, with the samples ingested by `chidao ingest`."""
    data = tmp_path_factory.mktemp("server-data")
    env = dict(os.environ, CHIDAO_DATA_DIR=str(data))
    cli = [sys.executable, "-m", "assistant.cli"]
    subprocess.run([*cli, "ingest", str(SAMPLES)], env=env, check=True, cwd=ROOT, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("server did not start: " + (proc.stdout.read().decode() if proc.stdout else ""))
    yield base
    proc.terminate()
    proc.wait(timeout=20)
