"""Shared fixtures: real components only (persistent Chroma in temp dirs, the bundled e5 model, uvicorn). With
CHIDAO_TEST_MODE=server the same fixtures run on PostgreSQL and a Chroma server (tests/backends.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .backends import SERVER, PostgresCluster, backend_env, chroma, cluster, copy_backend, missing, server_env

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLES = ROOT / "samples"


def make_container(data_dir: Path, **settings: Any):  # type: ignore[no-untyped-def]
    """A container on this data dir in the backend under test (`settings`: more Settings fields)."""
    if SERVER:
        from .backends import server_container

        return server_container(data_dir, backend_env(data_dir), **settings)
    return embedded_container(data_dir, **settings)


def embedded_container(data_dir: Path, **settings: Any):  # type: ignore[no-untyped-def]
    """An embedded container whatever the test mode: the side of a test that compares the two modes (under
    CHIDAO_TEST_MODE=server `make_container` is a server one, and such a test would compare server mode with
    itself)."""
    from assistant.container import Container
    from assistant.settings import Settings

    return Container(Settings(data_dir=str(data_dir), **settings))


def data_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `chidao` command on this data dir (and, in server mode, its database)."""
    return {**os.environ, "CHIDAO_DATA_DIR": str(data_dir), **backend_env(data_dir), **extra}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "embedded_only: about the embedded data dir itself (its lock, files, "
                            "snapshots); skipped under CHIDAO_TEST_MODE=server")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SERVER:
        gone = missing()
        for item in items:
            if "embedded_only" in item.keywords:
                item.add_marker(pytest.mark.skip(reason="embedded mode only"))
            elif gone:
                item.add_marker(pytest.mark.skip(reason=f"server mode needs {', '.join(gone)}"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`chidao serve` for real, in its own process, on a free loopback port."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        own = (env or {}).get("CHIDAO_DATABASE_URL")  # a replica of a database the test made
        # the start-up index check gets time to spare: on a loaded machine 30 s can pass, /readyz then says
        # "timeout" and a test comparing two servers (or reading /readyz) sees load, not what it tests
        base = dict(os.environ, CHIDAO_DATA_DIR=str(data_dir)) if own else data_env(data_dir)
        self.env = {"CHIDAO_READY_TIMEOUT_S": "600", **base, **(env or {})}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        # the server's log goes to a file: a pipe nobody reads fills up and blocks the server mid-request
        self.log = self.data_dir.parent / f"server-{self.port}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1",
                                          "--port", str(self.port)], env=self.env, cwd=ROOT, stdout=log,
                                         stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:  # ready once the start-up index check is over (ready or not: tests look at /readyz)
                if httpx.get(self.base + "/readyz", timeout=1).json().get("state") != "checking":
                    return self
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.3)
        self.proc.kill()
        raise RuntimeError("server did not start: " + self.log.read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


@pytest.fixture(scope="session")
def samples_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples ingested once by `chidao ingest`; servers start on copies of it."""
    data = tmp_path_factory.mktemp("samples-data")
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(SAMPLES)], env=data_env(data), check=True,
                   cwd=ROOT, capture_output=True)
    return data


def copy_data(src: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    dst = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(src, dst)
    copy_backend(src, dst)
    return dst


@pytest.fixture(scope="session")
def server(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srv = Server(copy_data(samples_data, tmp_path_factory, "server-data")).start()
    yield srv.base
    srv.stop()


# --- server mode's real servers (tests/backends.py): one PostgreSQL cluster and one `chroma run` per session --
@pytest.fixture(scope="session")
def pg() -> PostgresCluster:
    gone = missing()
    if gone:
        pytest.skip(f"server mode needs {', '.join(gone)} (`make postgres` installs PostgreSQL 15)")
    return cluster()


@pytest.fixture(scope="session")
def chroma_srv(pg: PostgresCluster) -> Any:
    return chroma()


@pytest.fixture(scope="session")
def samples_db(pg: PostgresCluster, chroma_srv: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The samples ingested once by `chidao ingest` in server mode; the name of that (template) database."""
    url = pg.create()
    env = {**os.environ, "CHIDAO_DATA_DIR": str(tmp_path_factory.mktemp("samples-pg")), **server_env(url, chroma_srv)}
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(SAMPLES)], env=env, check=True, cwd=ROOT,
                   capture_output=True)
    return url.rsplit("/", 1)[1]
