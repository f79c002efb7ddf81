"""The index backend the suite runs on. By default the embedded one (SQLite catalog, in-process BM25, Chroma
under each data dir). With `CHIDAO_TEST_MODE=server` every data dir a test makes gets server mode instead:
its own database in one throw-away PostgreSQL cluster (Debian's postgresql-15 `initdb` and `pg_ctl`,
installed by `make postgres`; run as the unprivileged `postgres` user when the tests run as root) and its own
collection in one `chroma run`. The fixtures (`make_container`, `Server`, `samples_data`, `copy_data`) and
every CLI call a test makes take their environment from `backend_env(data_dir)`, so a test reads the same
in both modes; a copied data dir gets a copy of its database (CREATE DATABASE … TEMPLATE) and a collection
filled from that copy's catalog. Tests about the data dir itself (its lock, files, snapshots) are marked
`embedded_only`."""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SERVER = os.environ.get("CHIDAO_TEST_MODE", "").strip().lower() == "server"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="chidao-pg-"))
        os.chmod(self.dir, 0o755)  # pytest's temp dirs are private to root; the server runs as `postgres`
        self.data = self.dir / "data"
        self.port = free_port()
        self.user: str | None = "postgres" if os.geteuid() == 0 else None
        self._n = 0
        self._lock = threading.Lock()

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run(prefix + list(cmd), check=True, capture_output=True, cwd=self.dir)

    def start(self) -> PostgresCluster:
        if self.user:
            os.chown(self.dir, pwd.getpwnam(self.user).pw_uid, -1)
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8")
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w",
                  "start")
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def create(self, template: str | None = None) -> str:
        """A new database (a copy of `template` when given); returns its URL."""
        import psycopg

        with self._lock:
            self._n += 1
            name = f"t{self._n}_{os.getpid()}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def missing() -> list[str]:
    from .test_chroma_server import CHROMA

    return [str(b) for b in (PG_BIN / "initdb", PG_BIN / "pg_ctl", CHROMA) if not b.exists()]


_SERVERS: dict[str, Any] = {}
_GUARD = threading.Lock()


def _stop_all() -> None:
    chroma, pg = _SERVERS.pop("chroma", None), _SERVERS.pop("pg", None)
    if chroma is not None:
        chroma.kill()
        shutil.rmtree(chroma.path, ignore_errors=True)
    if pg is not None:
        pg.stop()


def cluster() -> PostgresCluster:
    """The session's PostgreSQL cluster (started on first use, stopped when the tests end)."""
    with _GUARD:
        if "pg" not in _SERVERS:
            _SERVERS["pg"] = PostgresCluster().start()
            atexit.register(_stop_all)
        return _SERVERS["pg"]  # type: ignore[no-any-return]


def chroma() -> Any:
    """The session's Chroma server (`chroma run`, started on first use)."""
    from .test_chroma_server import ChromaServer

    with _GUARD:
        if "chroma" not in _SERVERS:
            _SERVERS["chroma"] = ChromaServer(Path(tempfile.mkdtemp(prefix="chidao-chroma-"))).start()
            atexit.register(_stop_all)
        return _SERVERS["chroma"]


_COLLECTIONS = iter(range(10**9))


def server_env(url: str, srv: Any, collection: str | None = None) -> dict[str, str]:
    return {"CHIDAO_DATABASE_URL": url, "CHIDAO_CHROMA_HOST": "127.0.0.1", "CHIDAO_CHROMA_PORT": str(srv.port),
            "CHIDAO_COLLECTION": collection or f"c{next(_COLLECTIONS)}-{os.getpid()}"}


def server_container(data_dir: Path, env: dict[str, str], **settings: Any) -> Any:
    from assistant.container import Container
    from assistant.settings import Settings

    return Container(Settings(data_dir=str(data_dir), database_url=env["CHIDAO_DATABASE_URL"],
                              chroma_host=env["CHIDAO_CHROMA_HOST"], chroma_port=int(env["CHIDAO_CHROMA_PORT"]),
                              collection=env["CHIDAO_COLLECTION"], **settings))


def fill_collection(c: Any) -> None:
    """Index a copied catalog into its own (empty) Chroma collection."""
    import numpy as np

    passages = c.catalog.passages()
    vectors = c.catalog.vectors_for(c.embedder.name, passages)
    for i in range(0, len(passages), 500):
        chunk = passages[i : i + 500]
        c.store.upsert([p.id for p in chunk], np.stack([vectors[p.id] for p in chunk]), [p.metadata for p in chunk],
                       [p.text for p in chunk])


_ENVS: dict[str, dict[str, str]] = {}  # resolved data dir → its server-mode settings


def _key(data_dir: Path | str) -> str:
    return str(Path(data_dir).resolve())


def backend_env(data_dir: Path | str) -> dict[str, str]:
    """Settings that put a data dir's index in the backend under test: none when embedded; in server mode its
    own database and collection (made on first use, the same ever after)."""
    if not SERVER:
        return {}
    key = _key(data_dir)
    with _GUARD:
        env = _ENVS.get(key)
    if env is None:
        env = server_env(cluster().create(), chroma())
        with _GUARD:
            env = _ENVS.setdefault(key, env)
    return dict(env)


def copy_backend(src: Path | str, dst: Path | str) -> None:
    """In server mode, `dst` gets a copy of `src`'s database and a collection of its own filled from it."""
    if not SERVER or _key(src) not in _ENVS:
        return
    template = _ENVS[_key(src)]["CHIDAO_DATABASE_URL"].rsplit("/", 1)[1]
    env = server_env(cluster().create(template=template), chroma())
    with _GUARD:
        _ENVS[_key(dst)] = env
    fill_collection(server_container(Path(dst), env))


def samples_copy(pg: PostgresCluster, srv: Any, samples_db: str, data_dir: Path) -> dict[str, str]:
    """A server-mode environment holding the samples: a copy of the template database, its own collection."""
    env = server_env(pg.create(template=samples_db), srv)
    fill_collection(server_container(data_dir, env))
    return env
