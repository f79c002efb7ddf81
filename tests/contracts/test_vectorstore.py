"""The `VectorStore` contract (index/protocols.py), held by every vector store (today `ChromaStore` over the Chroma client it is
given: an in-memory one, and server mode's HTTP client of `chroma run`):
vectors in, ids out by cosine; upsert replaces; filters on metadata hold; another model is refused; a
collection can be swapped and dropped."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from index.protocols import VectorStore
from index.vectorstore import ChromaStore, ModelMismatch, chroma_client


def _chroma() -> Any:
    import chromadb
    from chromadb.config import Settings

    return chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=False, allow_reset=False))


def _chroma_server(request: pytest.FixtureRequest) -> Any:
    """Server mode's client: `chroma run` (the session's, tests/backends.py) over HTTP."""
    srv = request.getfixturevalue("chroma_srv")
    return chroma_client(host="127.0.0.1", port=srv.port)


# every implementation is `ChromaStore`; what varies is the client it is given (embedded mode's is a local one)
CLIENTS: dict[str, Callable[[pytest.FixtureRequest], Any]] = {"chroma": lambda _: _chroma(),
                                                              "chroma-server": _chroma_server}


@pytest.fixture(params=sorted(CLIENTS))
def make(request: pytest.FixtureRequest) -> Callable[..., VectorStore]:
    client = CLIENTS[request.param](request)

    def store(name: str | None = None, model: str = "m1") -> VectorStore:
        return ChromaStore(client, collection=name or uuid.uuid4().hex, model=model, dim=3)

    return store


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def _fill(store: VectorStore) -> None:
    store.upsert(["a", "b", "c"], np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(1, 1, 0)]),
                 [{"doc_id": "d1", "kind": "paragraph"}, {"doc_id": "d1", "kind": "table_row"},
                  {"doc_id": "d2", "kind": "paragraph", "doc_numbers": ["1887/UBND-NC"]}], ["A", "B", "C"])


def test_nearest_first_by_cosine(make: Callable[..., VectorStore]) -> None:
    store = make()
    assert isinstance(store, VectorStore)
    assert store.query(_unit(1, 0, 0), 3) == []  # empty: nothing, no error
    _fill(store)
    hits = store.query(_unit(1, 0.1, 0), 2)
    assert [pid for pid, _ in hits] == ["a", "c"] and hits[0][1] > hits[1][1] and abs(hits[0][1] - 0.995) < 0.01
    assert store.count() == 3 and sorted(store.all_ids()) == ["a", "b", "c"]
    assert sorted(store.ids_for_document("d1")) == ["a", "b"]
    assert [pid for pid, _ in store.query(_unit(1, 0, 0), 3, {"kind": "table_row"})] == ["b"]


def test_upsert_replaces_and_delete_removes(make: Callable[..., VectorStore]) -> None:
    store = make()
    _fill(store)
    store.upsert(["a"], np.stack([_unit(0, 0, 1)]), [{"doc_id": "d1"}], ["A2"])
    assert store.count() == 3 and store.query(_unit(0, 0, 1), 1)[0][0] == "a"
    store.delete(["a", "b"])
    store.delete([])
    assert store.all_ids() == ["c"]


def test_another_model_is_refused(make: Callable[..., VectorStore]) -> None:
    store = make("shared", "m1")
    store.check_model()
    with pytest.raises(ModelMismatch):
        make("shared", "m2").check_model()


def test_collections_swap_and_drop(make: Callable[..., VectorStore]) -> None:
    store = make("old")
    _fill(store)
    store.use_collection("new")
    assert store.collection_name == "new" and store.count() == 0
    store.drop_collection("old")
    store.use_collection("old")
    assert store.count() == 0  # dropped: a fresh, empty collection


def test_a_caller_searches_only_the_partitions_it_may_read(make: Callable[..., VectorStore]) -> None:
    """Vectors of a group set live apart (an ANN graph holding unreadable vectors reaches other readable ones:
    an existence oracle). What a `public` caller's search returns is what the base collection — which must hold
    the public vectors and nothing else — returns searched directly, ids and order. Not compared with a second
    store that never held the restricted vectors: two collections built from the same vectors differed at one
    rank of 2,400 on both clients (approximate search, graphs built apart), restricted vectors or not."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(60, 16))
    public = centres.repeat(20, axis=0) + 0.3 * rng.normal(size=(1200, 16))
    secret = public[rng.choice(1200, 900)] + 0.02 * rng.normal(size=(900, 16))
    public, secret = (x / np.linalg.norm(x, axis=1, keepdims=True) for x in (public, secret))
    pub_ids, sec_ids = [f"p{i}" for i in range(1200)], [f"s{i}" for i in range(900)]
    pub_md = [{"doc_id": f"d{i // 20}"} for i in range(1200)]
    sec_md = [{"doc_id": f"m{i // 20}", "groups": ["mat"]} for i in range(900)]
    with_secret = make()
    with_secret.upsert(pub_ids, public, pub_md, pub_ids)
    with_secret.upsert(sec_ids, secret, sec_md, sec_ids)
    queries = public[rng.choice(1200, 40)] + 0.2 * rng.normal(size=(40, 16))
    base = with_secret.client.get_collection(with_secret.collection_name, embedding_function=None)
    assert base.count() == 1200
    for q in queries:
        public_search = with_secret.query(q, 60, readable=frozenset({"public"}))
        assert {pid for pid, _ in public_search} <= set(pub_ids)
        direct = base.query(query_embeddings=[q.tolist()], n_results=60, include=[])["ids"][0]
        assert [pid for pid, _ in public_search] == direct
        assert all(pid.startswith("s") for pid, _ in with_secret.query(q, 30, readable=frozenset({"mat"})))
    everyone = {pid for q in queries for pid, _ in with_secret.query(q, 60)}
    assert any(p.startswith("s") for p in everyone) and any(p.startswith("p") for p in everyone)
    assert with_secret.count() == 2100 and sorted(with_secret.all_ids()) == sorted(pub_ids + sec_ids)
    assert {g: len(ids) for g, ids in with_secret.ids_by_groups().items()} == {
        frozenset({"public"}): 1200, frozenset({"mat"}): 900}
    assert sorted(with_secret.ids_for_document("m0")) == sorted(sec_ids[:20])


def test_a_passage_whose_groups_change_moves_partition(make: Callable[..., VectorStore]) -> None:
    store = make("moving")
    _fill(store)
    store.upsert(["a"], np.stack([_unit(1, 0, 0)]), [{"doc_id": "d1", "groups": ["mat", "x"]}], ["A"])
    assert store.count() == 3
    assert "a" not in [pid for pid, _ in store.query(_unit(1, 0, 0), 3, readable=frozenset({"public"}))]
    assert [pid for pid, _ in store.query(_unit(1, 0, 0), 3, readable=frozenset({"x"}))] == ["a"]
    store.upsert(["a"], np.stack([_unit(1, 0, 0)]), [{"doc_id": "d1"}], ["A"])
    assert store.ids_by_groups()[frozenset({"mat", "x"})] == []
    store.delete(["a"])
    assert sorted(store.all_ids()) == ["b", "c"]
    store.upsert(["a"], np.stack([_unit(1, 0, 0)]), [{"doc_id": "d1", "groups": ["mat"]}], ["A"])
    store.drop_collection("moving")
    store.use_collection("moving")
    assert store.count() == 0 and store.all_ids() == []  # the partitions went with their base


def test_a_base_from_before_partitions_is_told_apart() -> None:
    """`chidao check` asks `partitioned()`: a base collection made by an older version (no `access_groups`
    in its metadata) may hold restricted vectors beside the public ones."""
    client = _chroma()
    client.create_collection("legacy", metadata={"embedding_model": "m1", "hnsw:space": "cosine"})
    assert not ChromaStore(client, collection="legacy", model="m1", dim=3).partitioned()
    assert ChromaStore(client, collection="fresh", model="m1", dim=3).partitioned()


def test_a_partition_another_store_made_is_found_after_forgetting(make: Callable[..., VectorStore]) -> None:
    """Replicas share the Chroma server: a partition one made (ingest makes it before its catalog commit) is
    searched by another once that one re-lists (the retriever does when the view's generation moves)."""
    name = uuid.uuid4().hex
    writer, reader = make(name), make(name)
    assert reader.query(_unit(1, 0, 0), 1, readable=frozenset({"mat"})) == []
    writer.ensure_partition(["mat"])
    writer.upsert(["s"], np.stack([_unit(1, 0, 0)]), [{"doc_id": "d", "groups": ["mat"]}], ["S"])
    reader.forget_partitions()
    assert [pid for pid, _ in reader.query(_unit(1, 0, 0), 1, readable=frozenset({"mat"}))] == ["s"]
