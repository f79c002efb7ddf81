"""Issue 12 row 11: `chidao ingest --groups mat` through a running server sends CHIDAO_API_KEY (a setting) and
says clearly what is wrong when it is missing or lacks the group; a .docx declaring XML entities fails with a
clear reason, never a parser's internal error."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from ..backends import backend_env
from ..conftest import ROOT, Server
from .conftest import MAT, PUB


def ingest(server: Server, path: Path, key: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHIDAO_API_KEY", "CHIDAO_API_KEYS")}
    env.update(CHIDAO_DATA_DIR=str(server.data_dir), **backend_env(server.data_dir),
               **({"CHIDAO_API_KEY": key} if key else {}))
    return subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "--groups", "mat", str(path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)


# `chidao ingest` goes through a server holding the data dir; in server mode it is a database client of its own
@pytest.mark.embedded_only
def test_cli_ingest_through_a_keyed_server(mat_server: Server, tmp_path: Path) -> None:
    doc = tmp_path / "to-trinh-mat.txt"
    doc.write_text("TỜ TRÌNH MẬT\nĐề xuất kinh phí diễn tập Hảiđăng năm 2025 là 55,5 tỷ đồng.\n", encoding="utf-8")
    none = ingest(mat_server, doc, None)
    assert none.returncode != 0 and "CHIDAO_API_KEY" in none.stdout and "requires an API key" in none.stdout
    weak = ingest(mat_server, doc, "kpub")
    assert weak.returncode != 0 and "403" in weak.stdout and "mat" in weak.stdout and "CHIDAO_API_KEY" in weak.stdout
    ok = ingest(mat_server, doc, "kmat")
    assert ok.returncode == 0 and "ingested" in ok.stdout, ok.stdout + ok.stderr
    listed = httpx.get(mat_server.base + "/v1/documents", headers=MAT).json()["documents"]
    mine = next(d for d in listed if d["source"] == doc.name)
    assert mine["groups"] == ["mat"]
    assert all(d["source"] != doc.name for d in httpx.get(mat_server.base + "/v1/documents",
                                                           headers=PUB).json()["documents"])
    assert httpx.delete(mat_server.base + f"/v1/documents/{mine['doc_id']}", headers=MAT).status_code == 200


def docx_with_entity() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Báo cáo tổng thu ngân sách quý I đạt 640,5 tỷ đồng.")
    plain = io.BytesIO()
    d.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode()
                head_end = xml.index("?>") + 2
                xml = (xml[:head_end] + '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                       + xml[head_end:].replace("640,5", "&xxe;"))
                data = xml.encode()
            zout.writestr(item, data)
    return out.getvalue()


def test_docx_with_xml_entities_is_refused_clearly(open_site: Server) -> None:
    r = httpx.post(open_site.base + "/v1/documents", files={"files": ("xxe.docx", docx_with_entity())}, timeout=120)
    rep = r.json()["reports"][0]
    assert rep["status"] == "failed" and "XML entities are not allowed" in rep["reason"], rep
    assert "root:" not in r.text and "Error" not in rep["reason"]
