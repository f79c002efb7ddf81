"""Chroma server mode (`CHIDAO_CHROMA_HOST`): the same flows against `chroma run` on loopback — ingest,
search, answers, check, repair — and the Chroma server killed with SIGKILL mid-ingest: files fail with a
reason, and once it is back a re-ingest finishes the interrupted writes and the check is clean."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.container import Container
from assistant.settings import Settings

from .conftest import SAMPLES, free_port

# the embedded catalog with a Chroma server; server mode always has one (tests/server_mode)
pytestmark = pytest.mark.embedded_only

CHROMA = Path(sys.executable).parent / "chroma"


class ChromaServer:
    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ChromaServer:
        self.proc = subprocess.Popen([str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port",
                                      str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(120):
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.25)
        raise RuntimeError("chroma server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None


@pytest.fixture()
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    srv = ChromaServer(tmp_path / "chroma-server").start()
    yield srv
    srv.kill()


def container(tmp_path: Path, chroma: ChromaServer) -> Container:
    """A container whose vector store is the Chroma server (the settings name it; the container builds the
    client and gives it to the store)."""
    return Container(Settings(data_dir=str(tmp_path / "data"), chroma_host="127.0.0.1", chroma_port=chroma.port))


@pytest.mark.skipif(not CHROMA.exists(), reason="the chroma CLI comes with chromadb")
def test_server_mode_flows_and_repair(tmp_path: Path, chroma: ChromaServer) -> None:
    c = container(tmp_path, chroma)
    assert c.store.client is c.chroma and c.chroma.get_settings().chroma_server_host == "127.0.0.1"
    reports = c.ingestor.ingest_paths([str(SAMPLES)])
    assert all(r.status == "ingested" for r in reports)
    assert not (tmp_path / "data" / "chroma").exists()  # the vectors went to the server, not to a local store
    assert "512/UBND-KT" in c.search.search("CV 512", 3).hits[0].passage.text
    assert "640,5" in c.answerer.answer("Tổng thu ngân sách lũy kế quý I?").answer
    assert c.maintenance.check(sample=None).index_ok
    rep = c.maintenance.repair(log=lambda *_: None)
    assert rep.index_ok and c.store.collection_name != "chidao"
    assert "640,5" in c.answerer.answer("Tổng thu ngân sách lũy kế quý I?").answer


@pytest.mark.skipif(not CHROMA.exists(), reason="the chroma CLI comes with chromadb")
def test_chroma_server_killed_mid_ingest(tmp_path: Path, chroma: ChromaServer) -> None:
    c = container(tmp_path, chroma)
    files = sorted(str(p) for p in SAMPLES.iterdir() if p.is_file())
    first = c.ingestor.ingest_paths(files[:1])
    assert first[0].status == "ingested"
    chroma.kill()  # the vector server dies; the catalog write of the next file lands, its index write fails
    failed = c.ingestor.ingest_paths(files[1:])
    assert all(r.status == "failed" and r.reason for r in failed)
    chroma.start()
    c2 = container(tmp_path, chroma)
    # the failed files' catalog writes landed and their index writes did not: reconcile finishes exactly those
    assert sorted(c2.ingestor.reconcile()) == sorted(r.doc_id for r in failed)
    again = c2.ingestor.ingest_paths(files)
    assert all(r.status in ("ingested", "unchanged") for r in again)
    rep = c2.maintenance.check(sample=None)
    assert rep.index_ok, rep.problems
    assert rep.catalog_passages == rep.index_count
