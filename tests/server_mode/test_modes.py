"""What server mode must do beyond the role contracts (tests/contracts/): the same lexical scores as embedded
mode, the same statistics for a restricted caller (a `public` key gets exactly what it would get if the `mat`
document did not exist), and one writer per document across processes sharing the database."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from domain.passages import Passage, PassageKind
from index.access import as_caller
from index.catalog import embed_hash

from ..backends import PostgresCluster, server_container, server_env
from ..conftest import embedded_container

TEXTS = [
    "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt 640,5 tỷ đồng, bằng 25% dự toán.",
    "Kim ngạch xuất khẩu lũy kế 2 tháng đạt 120 triệu USD, tăng 12% so với cùng kỳ.",
    "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp rà soát thủ tục hành chính.",
    "Công văn số 512/UBND-KT ngày 04/3/2025 về phòng, chống cháy rừng mùa khô.",
    "Thu ngân sách từ hoạt động xuất nhập khẩu đạt 78 tỷ đồng, tăng 49,6%.",
]
SECRET = "Phương án Zebrafin bảo vệ kho Quýtxanh với kinh phí ngân sách 777,77 tỷ đồng."


def passages(doc_id: str, texts: list[str], groups: list[str]) -> list[Passage]:
    return [Passage(f"{doc_id}-{i}", doc_id, i, PassageKind.PARAGRAPH, t, t, {"doc_id": doc_id, "source": f"{doc_id}.txt",
                                                                          "groups": groups, "section": f"II.{i}"})
            for i, t in enumerate(texts)]


def vectors(ps: list[Passage]) -> dict[str, np.ndarray]:
    out = {}
    for p in ps:
        v = np.random.default_rng(abs(hash(p.embed_text)) % 2**32).normal(size=384).astype(np.float32)
        out[embed_hash(p.embed_text)] = v / np.linalg.norm(v)
    return out


def write(c: Any, doc_id: str, texts: list[str], groups: list[str] | None = None) -> list[Passage]:
    ps = passages(doc_id, texts, groups or ["public"])
    vecs = vectors(ps)
    doc = {"doc_id": doc_id, "source": f"{doc_id}.txt", "sha256": f"sha-{doc_id}", "chunker": "v1",
           "groups": groups or ["public"], "title": doc_id.upper()}
    c.catalog.replace_document(doc, ps, vecs, c.embedder.name, {"summary": "kept 100%", "dropped": []})
    c.store.upsert([p.id for p in ps], np.stack([vecs[embed_hash(p.embed_text)] for p in ps]),
                   [p.metadata for p in ps], [p.text for p in ps])
    c.catalog.clear_dirty(doc_id)
    return ps


@pytest.fixture(params=["embedded", "server"])
def roles(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "embedded":
        yield embedded_container(tmp_path / "data")
        return
    pg: PostgresCluster = request.getfixturevalue("pg")
    yield server_container(tmp_path / "data", server_env(pg.create(), request.getfixturevalue("chroma_srv")))


def test_lexical_contract_and_restricted_statistics(roles: Any) -> None:
    """The same scores in both modes; a `public` caller's scores and idf equal those of an index without the
    `mat` document (what it may read is all that counts)."""
    c = roles
    write(c, "doc-a", TEXTS)
    c.retriever.cache.refresh()
    before = {q: c.lexical.search(q, 10, diacritics=True) for q in ("ngân sách lũy kế", "xuất khẩu", "kho Quýtxanh")}
    idf_before = c.lexical.idf("ngân", False)
    write(c, "doc-m", [SECRET, SECRET + " Ngân sách."], ["mat"])
    c.retriever.cache.refresh()
    with as_caller(frozenset({"public"})):
        assert {q: c.lexical.search(q, 10, diacritics=True) for q in before} == before
        assert c.lexical.idf("ngân", False) == idf_before and c.lexical.idf("zebrafin", True) == 0.0
    assert c.lexical.idf("zebrafin", True) > 0
    top = c.lexical.search("kho Quýtxanh ngân sách", 3, diacritics=True)
    assert top[0][0].startswith("doc-m")
    assert c.lexical.search("kho quytxanh", 3, diacritics=False)[0][0].startswith("doc-m")
    only_a = c.lexical.search("ngân sách", 10, diacritics=True, allowed=lambda pid: pid.startswith("doc-a"))
    assert only_a and all(pid.startswith("doc-a") for pid, _ in only_a)


def test_same_scores_in_both_modes(tmp_path: Path, pg: PostgresCluster, chroma_srv: Any) -> None:
    emb = embedded_container(tmp_path / "e")
    srv = server_container(tmp_path / "s", server_env(pg.create(), chroma_srv))
    for c in (emb, srv):
        write(c, "doc-a", TEXTS[:3])
        write(c, "doc-b", TEXTS[3:] + [SECRET])
        c.retriever.cache.refresh()
    for q, marks in (("thu ngân sách lũy kế", True), ("xuat khau luy ke", False), ("Sở Nội vụ chủ trì", True),
                     ("512/UBND-KT", True), ("tỷ đồng", True)):
        assert emb.lexical.search(q, 5, diacritics=marks) == srv.lexical.search(q, 5, diacritics=marks), q
        assert emb.lexical.idf("ngân", False) == srv.lexical.idf("ngân", False)


def test_one_writer_per_document_across_processes(tmp_path: Path, pg: PostgresCluster, chroma_srv: Any) -> None:
    """Two replicas' containers on one database: the second writer of a document waits for the first; a writer
    of another document does not."""
    env = server_env(pg.create(), chroma_srv)
    one, two = server_container(tmp_path / "1", env), server_container(tmp_path / "2", env)
    events: list[str] = []

    def second(doc: str) -> None:
        with two.catalog.writer(doc):
            events.append(f"two:{doc}")

    with one.catalog.writer("doc-a"):
        t_same, t_other = threading.Thread(target=second, args=("doc-a",)), threading.Thread(target=second,
                                                                                              args=("doc-b",))
        t_same.start()
        t_other.start()
        t_other.join(10)
        time.sleep(0.5)
        events.append("one:done")
    t_same.join(10)
    assert events == ["two:doc-b", "one:done", "two:doc-a"]


def test_bulk_loading_writes_what_document_writes_do(tmp_path: Path, pg: PostgresCluster, chroma_srv: Any) -> None:
    """index/pg/bulk.py (COPY, statistics in SQL) leaves the same rows, statistics and restorer counts as
    `replace_document` per document, so a corpus grown in bulk ranks as one uploaded."""
    from index.pg.bulk import bulk_add

    one = server_container(tmp_path / "1", server_env(pg.create(), chroma_srv))
    bulk = server_container(tmp_path / "2", server_env(pg.create(), chroma_srv))
    docs = [("doc-a", TEXTS[:3], ["public"]), ("doc-b", TEXTS[3:], ["public"]), ("doc-m", [SECRET], ["mat"])]
    batch = []
    for doc_id, texts, groups in docs:
        write(one, doc_id, texts, groups)
        ps = passages(doc_id, texts, groups)
        batch.append(({"doc_id": doc_id, "source": f"{doc_id}.txt", "sha256": f"sha-{doc_id}", "chunker": "v1",
                       "groups": groups, "title": doc_id.upper()}, ps, vectors(ps)))
    bulk_add(bulk.pg, batch, bulk.embedder.name)

    def rows(c: Any) -> dict[str, list[Any]]:
        with c.pg.pool.connection() as conn:
            return {
                "passages": conn.execute("SELECT id, doc_id, position, kind, text, meta::text, embed_hash, "
                                         "(SELECT groups FROM partitions WHERE id = part) FROM passages "
                                         "ORDER BY id").fetchall(),
                "lexicon": conn.execute("SELECT l.id, array(SELECT term FROM lex_terms, unnest(acc_terms) u "
                                        "WHERE lex_terms.id = u ORDER BY term), acc_len, fold_len FROM lexicon l "
                                        "ORDER BY id").fetchall(),
                "df": conn.execute("SELECT d.field, t.term, p.groups, d.df FROM lex_df d JOIN lex_terms t ON "
                                   "t.id = d.term JOIN partitions p ON p.id = d.part WHERE d.df > 0 "
                                   "ORDER BY 1, 2, 3").fetchall(),
                "stats": conn.execute("SELECT s.field, p.groups, s.n, s.total FROM lex_stats s JOIN partitions p "
                                      "ON p.id = s.part ORDER BY 1, 2").fetchall(),
                "restorer": conn.execute("SELECT p.groups, bigram, key, form, n FROM restorer_counts r JOIN "
                                         "partitions p ON p.id = r.part ORDER BY 1, 2, 3, 4").fetchall(),
                "vectors": conn.execute("SELECT embed_hash, vec FROM vectors ORDER BY 1").fetchall()}

    assert rows(one) == rows(bulk)
    for c in (one, bulk):
        c.retriever.cache.refresh()
    for q in ("thu ngân sách lũy kế", "kho Quýtxanh", "512/UBND-KT"):
        assert one.lexical.search(q, 5, diacritics=True) == bulk.lexical.search(q, 5, diacritics=True)


def test_an_empty_database_answers(tmp_path: Path, pg: PostgresCluster, chroma_srv: Any) -> None:
    """A replica on a database with nothing ingested yet searches and answers (nothing found, abstains)."""
    c = server_container(tmp_path / "e", server_env(pg.create(), chroma_srv))
    assert c.search.search("Tổng thu ngân sách nhà nước?", 5).hits == []
    assert c.answerer.answer("Tổng thu ngân sách nhà nước?", []).abstained
