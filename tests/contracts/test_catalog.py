"""The `Catalog` contract (index/protocols.py), held by every catalog (the SQLite `index.catalog.Catalog` and
server mode's PostgreSQL `index.pg.catalog.PgCatalog`, on a throw-away cluster):
documents swap and delete atomically and move the generation; passages come back typed and in order; vectors
are found by text; tokens are of the current tokenizer, and passages without them are reported and re-made."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from domain.passages import Passage, PassageKind
from index.catalog import Catalog as SQLiteCatalog
from index.catalog import embed_hash
from index.protocols import Catalog
from index.vntext import tokens


def _postgresql(request: pytest.FixtureRequest, _: Path) -> Catalog:
    from index.pg.catalog import PgCatalog

    return PgCatalog(request.getfixturevalue("pg_url"), 2)


IMPLEMENTATIONS: dict[str, Callable[[pytest.FixtureRequest, Path], Catalog]] = {
    "sqlite": lambda _, d: SQLiteCatalog(str(d / "c.sqlite3")), "postgresql": _postgresql}
MODEL = "test-model"


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def catalog(request: pytest.FixtureRequest, tmp_path: Path) -> Catalog:
    return IMPLEMENTATIONS[request.param](request, tmp_path)


def _doc(doc_id: str, texts: list[str], kind: PassageKind = PassageKind.PARAGRAPH) -> tuple[dict[str, Any], list[Passage]]:
    doc = {"doc_id": doc_id, "source": f"{doc_id}.txt", "sha256": doc_id * 4, "chunker": "v1", "title": doc_id}
    passages = [Passage(f"{doc_id}-{i}", doc_id, i, kind, t, f"{doc_id}: {t}",
                        {"doc_id": doc_id, "kind": str(kind), "groups": ["public"]}) for i, t in enumerate(texts)]
    return doc, passages


def _vectors(passages: list[Passage]) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {embed_hash(p.embed_text): rng.standard_normal(4).astype(np.float32) for p in passages}  # by text hash


def test_a_document_swaps_in_whole_and_moves_the_generation(catalog: Catalog) -> None:
    assert isinstance(catalog, Catalog)
    g0 = catalog.generation()
    doc, ps = _doc("a", ["Tổng thu ngân sách quý I.", "Sở Nội vụ chủ trì."])
    assert catalog.replace_document(doc, ps, _vectors(ps), MODEL) == []
    assert catalog.generation() > g0
    assert catalog.document("a") is not None and [d["doc_id"] for d in catalog.documents()] == ["a"]
    got = catalog.passages("a")
    assert [p.id for p in got] == ["a-0", "a-1"] and got[0].kind is PassageKind.PARAGRAPH
    assert got[0].text == ps[0].text and got[0].metadata["groups"] == ["public"]
    assert set(catalog.passages_by_id(["a-1", "missing"])) == {"a-1"}
    assert catalog.passage_ids() == ["a-0", "a-1"] and catalog.count_passages() == 2
    # a new version of the document: the ids it no longer has are returned (the index drops them)
    doc2, ps2 = _doc("a", ["Tổng thu ngân sách quý I."])
    assert catalog.replace_document(doc2, ps2, _vectors(ps2), MODEL) == ["a-1"]
    g1 = catalog.generation()
    assert catalog.delete_document("a") == ["a-0"]
    assert catalog.generation() > g1 and catalog.document("a") is None and catalog.passage_ids() == []


def test_vectors_are_found_by_text(catalog: Catalog) -> None:
    doc, ps = _doc("b", ["Bệnh sốt xuất huyết giảm.", "Thu ngân sách tăng."])
    vecs = _vectors(ps)
    catalog.replace_document(doc, ps, vecs, MODEL)
    by_id = catalog.vectors_for(MODEL, ps)
    assert set(by_id) == {"b-0", "b-1"} and np.allclose(by_id["b-0"], vecs[embed_hash(ps[0].embed_text)])
    assert set(catalog.vectors_by_id(MODEL, ["b-1"])) == {"b-1"}
    assert catalog.vectors_for("another-model", ps) == {}
    extra = np.ones(4, dtype=np.float32)
    catalog.store_vectors(MODEL, {"câu khác": extra})
    assert np.allclose(catalog.cached_vectors(MODEL, [embed_hash("câu khác")])[embed_hash("câu khác")], extra)
    assert catalog.groups_by_hash([]) == {}


def test_tokens_are_of_the_current_tokenizer(catalog: Catalog) -> None:
    doc, ps = _doc("c", ["Sở Tài chính rà soát các khoản chi."])
    catalog.replace_document(doc, ps, _vectors(ps), MODEL)
    accented, folded = catalog.lexicon(["c-0"])["c-0"]  # a multiset: BM25 and the restorer ignore their order
    assert Counter(accented) == Counter(tokens(ps[0].embed_text))
    assert Counter(folded) == Counter(tokens(ps[0].embed_text, folded=True))
    assert catalog.stale_tokens() == []
    assert [r[0] for r in catalog.retokenize(["c-0"])] == ["c-0"]


def test_writes_are_dirty_until_the_index_has_them(catalog: Catalog) -> None:
    doc, ps = _doc("d", ["Một câu."])
    catalog.replace_document(doc, ps, _vectors(ps), MODEL)
    assert "d" in catalog.dirty_documents()
    catalog.clear_dirty("d")
    assert "d" not in catalog.dirty_documents()
    catalog.set_kv("active_collection", "x")
    assert catalog.get_kv("active_collection") == "x" and catalog.get_kv("nothing", "dflt") == "dflt"


def test_one_writer_per_document(catalog: Catalog) -> None:
    """`writer` is held per document and `maintenance` apart from writers; where several processes share
    the catalog (server mode) a second writer of the same document waits (tests/server_mode)."""
    with catalog.writer("a"), catalog.writer("b"):
        pass
    with catalog.maintenance():
        pass
