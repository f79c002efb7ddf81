"""The pruned lexical scoring (index/pg/postings.py: MaxScore over the replica's posting lists) returns what
scoring every posting returns — same ids, same float32 scores, same tie order — and what embedded mode returns
(the same scores, the same ids per score but at the k-th, where the embedded index cuts ties arbitrarily),
on a corpus where common words are in every passage and near-duplicates tie, with removed passages."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from index.pg import postings

from ..backends import PostgresCluster, server_container, server_env
from ..conftest import embedded_container
from .test_modes import write

COMMON = "báo cáo tình hình thực hiện nhiệm vụ kinh tế xã hội năm của tỉnh".split()
RARE = ["ngân sách", "xuất khẩu", "thủ tục hành chính", "cháy rừng", "lũy kế", "dự toán", "Sở Nội vụ", "tỷ đồng"]
QUERIES = [("thu ngân sách lũy kế năm của tỉnh", True), ("báo cáo tình hình", True), ("xuat khau ty dong", False),
           ("Sở Nội vụ thủ tục hành chính kinh tế", True), ("cháy rừng dự toán ngân sách xã hội", True),
           ("nhiệm vụ", True)]


def corpus(seed: int = 7) -> list[list[str]]:
    rnd = random.Random(seed)
    docs = []
    for _ in range(12):
        texts = []
        for i in range(25):
            words = rnd.sample(COMMON, rnd.randint(4, len(COMMON))) + rnd.sample(RARE, rnd.randint(0, 3))
            texts.append(" ".join(words) + f" số {rnd.randint(1, 40)} {i % 3}")
        docs.append(texts + texts[:5])  # near-duplicates: tied scores, broken by (document, position)
    return docs


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Prune on a corpus this small: a seed of one list, any share of the corpus scored sparsely."""
    monkeypatch.setattr(postings, "SEED_POSTINGS", 1)
    monkeypatch.setattr(postings, "SPARSE_SHARE", 1.0)
    calls = {"pruned": 0}
    real = postings.Postings._pruned

    def counted(self: Any, *args: Any) -> Any:
        got = real(self, *args)
        calls["pruned"] += got is not None
        return got

    monkeypatch.setattr(postings.Postings, "_pruned", counted)
    return calls


def test_pruned_scoring_is_exact(tmp_path: Path, pg: PostgresCluster, chroma_srv: Any,
                                 forced: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    known, dense = {"in memory": 0}, {"whole": 0}
    real_known, real_whole = postings.Postings._best_known, postings._List.by_number

    def counted_known(self: Any, *args: Any) -> Any:
        got = real_known(self, *args)
        known["in memory"] += got is not None
        return got

    def counted_whole(self: Any) -> Any:
        got = real_whole(self)
        dense["whole"] += got is not None
        return got

    monkeypatch.setattr(postings.Postings, "_best_known", counted_known)
    monkeypatch.setattr(postings._List, "by_number", counted_whole)
    emb = embedded_container(tmp_path / "e")
    srv = server_container(tmp_path / "s", server_env(pg.create(), chroma_srv))
    for c in (emb, srv):
        for d, texts in enumerate(corpus()):
            write(c, f"doc-{d:02d}", texts)
        write(c, "doc-03", corpus(8)[3])  # a document replaced: its old passages stay in segments, removed
        c.retriever.cache.refresh()
    for k in (1, 5, 40):
        for q, marks in QUERIES:
            pruned = srv.lexical.search(q, k, diacritics=marks)
            # the embedded index orders tied passages as its argpartition left them, and cuts ties at the k-th
            # score arbitrarily: its scores compared in order, its ids per score but the one tied at the cut
            embedded = emb.lexical.search(q, k, diacritics=marks)
            assert [s for _, s in pruned] == [s for _, s in embedded], (q, k)
            cut = pruned[-1][1]
            assert sorted(x for x in pruned if x[1] != cut) == sorted(x for x in embedded if x[1] != cut), (q, k)
            with monkeypatch.context() as m:  # every posting scored
                m.setattr(postings.Postings, "_pruned", lambda *a: None)
                assert srv.lexical.search(q, k, diacritics=marks) == pruned, (q, k)
            with monkeypatch.context() as m:  # ties ordered by reading every tied id; lists scattered posting by posting
                m.setattr(postings.Postings, "_best_known", lambda *a: None)
                m.setattr(postings._List, "by_number", lambda *a: None)
                assert srv.lexical.search(q, k, diacritics=marks) == pruned, (q, k)
                m.setattr(postings.Postings, "_pruned", lambda *a: None)
                assert srv.lexical.search(q, k, diacritics=marks) == pruned, (q, k)
    assert forced["pruned"] > 0
    assert known["in memory"] > 0 and dense["whole"] > 0  # the paths compared were taken


def test_merged_segments_same_rankings(tmp_path: Path, pg: PostgresCluster, chroma_srv: Any,
                                       forced: dict[str, int]) -> None:
    """A term's segments merged into one row (index/pg/lexwrite.py: merge_segments) give the same lists: the
    same rankings read afresh and from a replica's cache, removed passages still masked, later writes beside."""
    from index.pg.lexwrite import merge_segments
    from index.pg.postcache import PostingsCache

    srv = server_container(tmp_path / "s", server_env(pg.create(), chroma_srv))
    for d, texts in enumerate(corpus()):
        write(srv, f"doc-{d:02d}", texts)
    write(srv, "doc-03", corpus(8)[3])
    before = {(q, k): srv.lexical.search(q, k, diacritics=m) for q, m in QUERIES for k in (1, 5, 40)}

    def segments() -> int:
        with srv.pg.pool.connection() as conn:
            row = conn.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM lex_postings "
                               "GROUP BY field, term, part) x").fetchone()
        return int(row[0])

    assert segments() > 1
    assert merge_segments(srv.pg.pool, terms_per_step=7) > 0
    assert segments() == 1
    for (q, k), want in before.items():  # from the replica's cache (same generation), then read afresh
        assert srv.lexical.search(q, k, diacritics=dict(QUERIES)[q]) == want
    srv.lexical.postings = PostingsCache()
    for (q, k), want in before.items():
        assert srv.lexical.search(q, k, diacritics=dict(QUERIES)[q]) == want
    write(srv, "doc-04", corpus(9)[4])  # a write after: its segment beside the merged one, the lists revalidated
    got = srv.lexical.search("báo cáo tình hình", 40, diacritics=True)
    srv.lexical.postings = PostingsCache()
    assert srv.lexical.search("báo cáo tình hình", 40, diacritics=True) == got
    assert segments() == 2
    assert forced["pruned"] > 0
