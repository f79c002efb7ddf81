"""Issue 12 row 1 and issue 13 item 4: one document per file, and an upload or delete never touches a document
outside the caller's groups, whatever its name. Ids come from the path under the ingest root (CLI) or the
sanitised upload name, scoped by the uploader's groups; documents of an earlier id scheme are adopted by
their re-ingest, never duplicated."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ingest.ids import legacy_doc_id

from ..conftest import ROOT, Server, data_env
from .conftest import MAT, PUB, SECRET_CV


def docs(site: str, headers: dict[str, str]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {d["doc_id"]: d for d in httpx.get(site + "/v1/documents", headers=headers).json()["documents"]}


def test_public_upload_with_a_restricted_name_makes_its_own_document(mat_site: str) -> None:
    secret = next(d for d in docs(mat_site, MAT).values() if d["source"] == "cong-van-mat.txt")
    passages = httpx.get(mat_site + f"/v1/documents/{secret['doc_id']}/passages", headers=MAT).json()["passages"]
    fake = "CÔNG VĂN\nSố: 999/UBND-MAT\nKinh phí phương án Zebrafin là 1 đồng.\n"
    r = httpx.post(mat_site + "/v1/documents", headers=PUB, files={"files": ("cong-van-mat.txt", fake.encode())},
                   timeout=300)
    report = r.json()["reports"][0]
    assert r.status_code == 200 and report["status"] == "ingested" and report["doc_id"] != secret["doc_id"]
    again = httpx.post(mat_site + "/v1/documents", headers=PUB, timeout=300,
                       files={"files": ("cong-van-mat.txt", fake.encode())}).json()["reports"][0]
    assert again["status"] == "unchanged" and again["doc_id"] == report["doc_id"]  # the same caller: idempotent
    # the restricted document is untouched: same groups, same passages, and its owner's answer is its own
    still = httpx.get(mat_site + f"/v1/documents/{secret['doc_id']}", headers=MAT).json()
    assert still["groups"] == ["mat"] and still["sha256"] == secret["sha256"]
    assert httpx.get(mat_site + f"/v1/documents/{secret['doc_id']}/passages",
                     headers=MAT).json()["passages"] == passages
    ask = {"question": "Kinh phí phương án Zebrafin bảo vệ kho Quýtxanh là bao nhiêu?",
           "filters": {"doc_id": secret["doc_id"]}}
    assert "777,77 tỷ đồng" in httpx.post(mat_site + "/v1/ask", headers=MAT, json=ask, timeout=120).json()["answer"]
    # and the public key can neither see nor delete it
    assert httpx.delete(mat_site + f"/v1/documents/{secret['doc_id']}", headers=PUB).status_code == 404
    assert httpx.get(mat_site + f"/v1/documents/{secret['doc_id']}", headers=MAT).status_code == 200
    assert httpx.delete(mat_site + f"/v1/documents/{report['doc_id']}", headers=PUB).status_code == 200


def test_delete_needs_every_group_of_the_document(mat_site: str) -> None:
    r = httpx.post(mat_site + "/v1/documents", headers=MAT, data={"groups": "public, mat"}, timeout=300,
                   files={"files": ("chung.txt", "Thông báo chung về lịch trực cơ quan tuần 12.".encode())})
    shared = r.json()["reports"][0]["doc_id"]
    assert shared in docs(mat_site, PUB)  # public readers see it …
    denied = httpx.delete(mat_site + f"/v1/documents/{shared}", headers=PUB)
    assert denied.status_code == 403 and denied.headers["content-type"].startswith("application/problem+json")
    assert httpx.delete(mat_site + f"/v1/documents/{shared}", headers=MAT).status_code == 200  # … its owners delete it
    bad = httpx.post(mat_site + "/v1/documents", headers=MAT, data={"groups": "mat;public"},
                     files={"files": ("x.txt", b"Ghi chu.")})
    assert bad.status_code == 400


def test_upload_names_never_collide_or_escape(open_site: Server) -> None:
    ids = {}
    for name in ("../../ghi-chu.txt", "ghi-chu.txt", "a/ghi-chu.txt", "..\\..\\ghi-chu.txt"):
        r = httpx.post(open_site.base + "/v1/documents", timeout=300,
                       files={"files": (name, f"Ghi chú kiểm thử tên tệp {name} số 12.".encode())})
        assert r.status_code == 200, r.text
        rep = r.json()["reports"][0]
        assert rep["status"] == "ingested" and ".." not in rep["source"] and "/" not in rep["source"]
        ids[name] = rep["doc_id"]
    assert len(set(ids.values())) == 3  # `..\..\x` and `../../x` are one name written two ways
    listed = docs(open_site.base, {})
    for doc_id in set(ids.values()):
        assert ".." not in listed[doc_id]["key"] and not listed[doc_id]["key"].startswith("/")
        assert httpx.delete(open_site.base + f"/v1/documents/{doc_id}").status_code == 200


def _cli(data: Path, *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env=data_env(data, PYTHONPATH=str(ROOT), **(env or {})),
                          timeout=600)


def _two_folders(tmp_path: Path) -> list[str]:
    for folder, figure in (("quy-1", "111"), ("quy-2", "222")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "bao-cao.txt").write_text(
            f"BÁO CÁO\nTổng thu ngân sách của đơn vị {folder} đạt {figure} tỷ đồng.\n", encoding="utf-8")
    return [str(tmp_path / "quy-1"), str(tmp_path / "quy-2")]


def test_same_name_in_two_folders_is_two_documents(tmp_path: Path) -> None:
    folders = _two_folders(tmp_path)
    data = tmp_path / "data"
    out = _cli(data, "ingest", *folders)
    assert "2 ingested" in out.stdout, out.stdout + out.stderr
    listed = _cli(data, "docs", "list").stdout
    assert "2 documents" in listed
    again = _cli(data, "ingest", *folders)
    assert "0 ingested, 2 unchanged" in again.stdout  # re-ingesting the same paths is a no-op
    elsewhere = _cli(data, "ingest", "quy-1", cwd=tmp_path)  # a relative path from another directory
    assert "0 ingested, 1 unchanged" in elsewhere.stdout, elsewhere.stdout + elsewhere.stderr


@pytest.mark.embedded_only  # through the server holding the data dir; the SQLite catalog
def test_through_a_running_server_ids_are_the_same(tmp_path: Path) -> None:
    folders = _two_folders(tmp_path)
    direct = tmp_path / "direct"
    _cli(direct, "ingest", *folders)
    served = tmp_path / "served"
    served.mkdir()
    srv = Server(served).start()
    try:
        out = _cli(served, "ingest", *folders)
        assert "sending the files through it" in out.stderr and out.stdout.count("ingested") == 2, out.stdout
        ids = set(docs(srv.base, {}))
    finally:
        srv.stop()
    with sqlite3.connect(direct / "chidao.sqlite3") as db:
        assert ids == {r[0] for r in db.execute("SELECT doc_id FROM documents")}


@pytest.mark.embedded_only  # rewrites records of the SQLite catalog
def test_an_old_data_dir_is_adopted_not_duplicated(tmp_path: Path) -> None:
    """A data dir from before the id scheme (ids from the base name): `chidao check` says so, and a re-ingest
    replaces each old document instead of adding a second copy."""
    folder = _two_folders(tmp_path)[0]
    data = tmp_path / "data"
    _cli(data, "ingest", folder)
    with sqlite3.connect(data / "chidao.sqlite3") as db:  # rewrite the record the way an earlier version kept it
        (doc_id, meta), = db.execute("SELECT doc_id, meta FROM documents").fetchall()
        old_id = legacy_doc_id("bao-cao.txt")
        meta = {k: v for k, v in json.loads(meta).items() if k not in ("id_scheme", "key")}
        db.execute("UPDATE documents SET doc_id=?, meta=?, chunker='structured-6'", (old_id, json.dumps(meta)))
        db.execute("UPDATE passages SET doc_id=?", (old_id,))
    check = _cli(data, "check")
    assert "ids from their base name alone" in check.stdout and "re-ingest" in check.stdout
    out = _cli(data, "ingest", folder)
    assert "1 ingested" in out.stdout and "1 documents" in _cli(data, "docs", "list").stdout
    with sqlite3.connect(data / "chidao.sqlite3") as db:
        assert [r[0] for r in db.execute("SELECT doc_id FROM documents")] == [doc_id]
    assert "OK" in _cli(data, "check").stdout.splitlines()[-1]


def test_the_restricted_document_never_leaks_through_an_upload_report(mat_site: str) -> None:
    r = httpx.post(mat_site + "/v1/documents", headers=PUB, files={"files": ("doan.txt", SECRET_CV.encode())},
                   timeout=300)
    rep = r.json()["reports"][0]
    assert rep["status"] == "ingested" and rep["embedded"] == rep["passages"]  # as if the text were new
    httpx.delete(mat_site + f"/v1/documents/{rep['doc_id']}", headers=PUB)
