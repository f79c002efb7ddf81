"""Three `chidao serve` replicas on one PostgreSQL database and one Chroma server: a document uploaded through
A is searchable through B and C within 2 s; sessions follow a conversation across replicas; A killed with
SIGKILL in the middle of an upload loses nothing — B and C keep answering throughout, every document already
in stays whole, and the interrupted files go in through B with the index checking clean."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..backends import PostgresCluster, samples_copy, server_container
from ..conftest import Server
from ..test_chroma_server import ChromaServer
from .conftest import start_replica, wait_for

NEW_DOC = ("BÁO CÁO NHANH\nSố: 77/BC-UBND\n\nTrong tháng, tỉnh hoàn thành lắp đặt 314 trạm quan trắc "
           "Vanadinit tự động trên địa bàn.\n")


@pytest.fixture(scope="module")
def cluster(pg: PostgresCluster, chroma_srv: ChromaServer, samples_db: str,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Server], dict[str, str], Path]]:
    base = tmp_path_factory.mktemp("replicas")
    env = samples_copy(pg, chroma_srv, samples_db, base / "setup")
    replicas = [start_replica(base / f"r{i}", env) for i in range(3)]
    for r in replicas:  # serving means answering: the first search loads the model and the passage cache
        httpx.post(r.base + "/v1/ask", json={"question": "ngân sách"}, timeout=300)
    yield replicas, env, base
    for r in replicas:
        if r.proc is not None and r.proc.poll() is None:
            r.stop()


def found(base: str, query: str, marker: str) -> bool:
    r = httpx.post(base + "/v1/search", json={"query": query, "k": 3}, timeout=30)
    return r.status_code == 200 and any(marker in h["text"] for h in r.json()["results"])


def test_ingest_through_one_is_searchable_through_the_others(cluster: Any) -> None:
    (a, b, c), _, _ = cluster
    assert not found(b.base, "trạm quan trắc Vanadinit", "Vanadinit")
    r = httpx.post(a.base + "/v1/documents", files={"files": ("bao-cao-nhanh.txt", NEW_DOC.encode())}, timeout=300)
    assert r.status_code == 200 and r.json()["reports"][0]["status"] == "ingested", r.text
    for other in (b, c):
        assert wait_for(lambda o=other: found(o.base, "trạm quan trắc Vanadinit", "Vanadinit"), timeout=2.0) < 2.0
    ask = httpx.post(c.base + "/v1/ask", json={"question": "Tỉnh lắp đặt bao nhiêu trạm quan trắc Vanadinit?"},
                     timeout=60).json()
    assert "314" in ask["answer"]
    # a conversation started on A continues on B (sessions live in the database)
    first = httpx.post(a.base + "/v1/ask", json={"question": "Kim ngạch xuất khẩu lũy kế quý I?"}, timeout=60).json()
    sid = first["session_id"]
    follow = httpx.post(b.base + "/v1/ask", json={"question": "còn nhập khẩu thì sao?", "session_id": sid},
                        timeout=60).json()
    assert "nhập khẩu" in follow["query"].lower() and "xuất khẩu" in follow["query"].lower()
    # a delete through C disappears from A
    doc_id = r.json()["reports"][0]["doc_id"]
    assert httpx.delete(c.base + f"/v1/documents/{doc_id}", timeout=60).status_code == 200
    assert wait_for(lambda: not found(a.base, "trạm quan trắc Vanadinit", "Vanadinit"), timeout=2.0) < 2.0


def test_killing_a_replica_mid_ingest_loses_nothing(cluster: Any, tmp_path: Path) -> None:
    (a, b, c), env, base = cluster
    before = {d["doc_id"]: d["n_passages"] for d in httpx.get(b.base + "/v1/documents").json()["documents"]}
    files = [(f"dot-{i}.txt", (f"THÔNG BÁO {i}\nSố: {100 + i}/TB-UBND\n\n" + "".join(
        f"Mục {j}: tỉnh giao nhiệm vụ số {i}-{j} về kiểm tra công trình Pyrit{i} giai đoạn {j}.\n"
        for j in range(40))).encode()) for i in range(6)]
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def keep_asking(base_url: str) -> None:
        while not stop.is_set():
            try:
                r = httpx.post(base_url + "/v1/ask", json={"question": "Tổng thu ngân sách lũy kế quý I?"},
                               timeout=60)
                if r.status_code != 200 or "640,5" not in r.json()["answer"]:
                    failures.append(f"{base_url}: {r.status_code} {r.text[:200]}")
                answered[0] += 1
            except httpx.HTTPError as exc:
                failures.append(f"{base_url}: {exc!r}")

    def upload() -> None:
        try:
            httpx.post(a.base + "/v1/documents", files=[("files", f) for f in files], timeout=600)
        except httpx.HTTPError:
            pass  # the replica dies under it

    askers = [threading.Thread(target=keep_asking, args=(s.base,)) for s in (b, c)]
    for t in askers:
        t.start()
    up = threading.Thread(target=upload)
    up.start()
    # kill A once the first files of the batch are in the catalog, while later ones are being embedded
    wait_for(lambda: len(httpx.get(b.base + "/v1/documents").json()["documents"]) >= len(before) + 2, timeout=300,
             every=0.2)
    assert a.proc is not None
    os.kill(a.proc.pid, signal.SIGKILL)
    a.proc.wait()
    a.proc = None
    up.join(60)
    time.sleep(1.0)
    stop.set()
    for t in askers:
        t.join(60)
    assert answered[0] > 4 and not failures, failures[:3]
    after = {d["doc_id"]: d["n_passages"] for d in httpx.get(c.base + "/v1/documents").json()["documents"]}
    assert all(after.get(k) == n for k, n in before.items())  # nothing that was in is lost or cut
    # the batch again, through B: every file goes in (those A finished are unchanged), the index is clean
    r = httpx.post(b.base + "/v1/documents", files=[("files", f) for f in files], timeout=600)
    assert r.status_code == 200
    assert all(rep["status"] in ("ingested", "unchanged") for rep in r.json()["reports"]), r.text
    assert any(rep["status"] == "ingested" for rep in r.json()["reports"])  # A really died mid-batch
    rep = server_container(tmp_path / "check", env).maintenance.check(sample=None)
    assert rep.index_ok and rep.missing == 0 and rep.phantom == 0, rep.problems
    assert found(c.base, "kiểm tra công trình Pyrit5", "Pyrit5")
