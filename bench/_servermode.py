"""Server mode for the benchmarks: a throw-away PostgreSQL 15 cluster (Debian's initdb/pg_ctl, run as the
`postgres` user when the bench runs as root) and `chroma run`, both under the bench's work dir, kept between
runs so a grown database is reused."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import time
from pathlib import Path

import httpx

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CHROMA = Path(sys.executable).parent / "chroma"


def _as_postgres(cmd: list[str], cwd: Path) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + cmd, check=True, capture_output=True, cwd=cwd)


def start_postgres(work: Path, port: int) -> str:
    """The cluster under work/pg (created on first use); returns the URL of its `postgres` database."""
    d = work / "pg"
    d.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)
    os.chmod(d, 0o755)
    if os.geteuid() == 0:
        os.chown(d, pwd.getpwnam("postgres").pw_uid, -1)
    if not (d / "data").exists():
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(d / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                      "--locale=C.UTF-8"], d)
    opts = (f"-p {port} -k {d} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=1GB "
            "-c work_mem=64MB -c maintenance_work_mem=512MB -c synchronous_commit=off -c max_wal_size=8GB")
    _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(d / "data"), "-o", opts, "-l", str(d / "log"), "-w", "start"], d)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def stop_postgres(work: Path) -> None:
    _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(work / "pg" / "data"), "-m", "fast", "stop"], work / "pg")


def ensure_database(url: str, name: str) -> tuple[str, bool]:
    """(URL of database `name`, whether it was created now)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name, not exists


def start_chroma(work: Path, port: int) -> subprocess.Popen[bytes]:
    log = open(work / "chroma.log", "ab")  # noqa: SIM115 - the server's log for as long as it runs
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(work / "chroma"), "--host", "127.0.0.1", "--port",
                             str(port)], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("chroma server did not start")


def rss_of(pid: int) -> float:
    """Resident MB of a process and its children (a replica's parse workers count too)."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{p}/status").read_text().splitlines() if ":" in line)
            total += int(fields["VmRSS"].split()[0]) / 1024
        except (OSError, KeyError):
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        kids = [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in _children(k)]
