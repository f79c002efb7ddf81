"""Chroma as the vector index. We always pass vectors (Chroma's own embedder would try to download a model),
and the collection records the embedding model and dimension so a mismatch is refused."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

ID_PAGE = 100_000  # ids listed a page at a time (`all_ids`: the start-up check lists them all)


class ModelMismatch(RuntimeError):
    """The collection was built with another embedding model."""


def chroma_metadata(md: Mapping[str, Any]) -> dict[str, Any]:
    """Chroma takes flat scalars: lists become `|a|b|` strings (so `$contains`-style checks stay exact)."""
    out: dict[str, Any] = {}
    for key in ("doc_id", "source", "kind", "doc_type", "section", "date_int", "page", "doc_number",
                "directive_key"):
        v = md.get(key)
        if v is None or v == "":
            continue
        out[key] = v if isinstance(v, (int, float, bool)) else str(v)
    keys = md.get("doc_numbers") or []
    if keys:
        out["doc_numbers"] = "|" + "|".join(keys) + "|"
    return out


def chroma_client(*, path: str | None = None, host: str | None = None, port: int = 8000) -> Any:
    """A Chroma client: the server at host:port, else a persistent one under `path`. The composition root
    (assistant/container.py) builds it; the store is given it."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class ChromaStore:
    """The vector index over one collection of a Chroma client it is given (it never builds one, and never
    embeds: vectors come from the catalog's embedder)."""

    def __init__(self, client: Any, *, collection: str = "chidao", model: str, dim: int | None = None) -> None:
        self.client = client
        self.collection_name = collection
        self.model = model
        self.dim = dim
        self._col: Any = None
        self._lock = threading.Lock()

    def use_collection(self, name: str) -> None:
        """Point at another collection (after `repair` swapped a rebuilt one in)."""
        with self._lock:
            self.collection_name = name
            self._col = None

    def drop_collection(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception:  # noqa: BLE001 - already gone
            pass

    def _collection(self) -> Any:
        with self._lock:
            if self._col is None:
                col = self.client.get_or_create_collection(
                    self.collection_name,
                    embedding_function=None,
                    # search_ef above Chroma's default (10) so the ANN finds what exact search would
                    metadata={"embedding_model": self.model, "dim": int(self.dim or 0), "hnsw:space": "cosine",
                              "hnsw:search_ef": 128, "hnsw:construction_ef": 128},
                )
                found = (col.metadata or {}).get("embedding_model")
                if found and found != self.model:
                    raise ModelMismatch(
                        f"index '{self.collection_name}' was built with embedding model '{found}', "
                        f"not '{self.model}': use the same CHIDAO_EMBEDDER or rebuild with `chidao repair`"
                    )
                self._col = col
        return self._col

    def check_model(self) -> None:
        self._collection()

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: Sequence[Mapping[str, Any]], documents: list[str]) -> None:
        col = self._collection()
        for i in range(0, len(ids), 1000):
            col.upsert(ids=ids[i : i + 1000], embeddings=vectors[i : i + 1000].tolist(),
                       metadatas=[chroma_metadata(m) for m in metadatas[i : i + 1000]],
                       documents=documents[i : i + 1000])

    def delete(self, ids: list[str]) -> None:
        if ids:
            col = self._collection()
            for i in range(0, len(ids), 1000):
                col.delete(ids=ids[i : i + 1000])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        # no count() first: chromadb ≥ 1.x returns what there is when asked for more (an empty collection
        # too), and a count is a round trip as slow as the query itself on a large server collection (~70 ms)
        res = self._collection().query(query_embeddings=[vector.tolist()], n_results=k, where=where or None,
                                       include=["distances"])
        ids = res["ids"][0] if res["ids"] else []
        dists = res["distances"][0] if res.get("distances") else [0.0] * len(ids)
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists)]

    def count(self) -> int:
        return int(self._collection().count())

    def ids_for_document(self, doc_id: str) -> list[str]:
        got = self._collection().get(where={"doc_id": doc_id}, include=[])
        return list(got["ids"])

    def all_ids(self) -> list[str]:
        col = self._collection()
        out: list[str] = []
        offset = 0
        while True:  # large pages: each costs ~0.5 s whatever its size (5,000 a page: 170 s for 0.7M ids)
            got = col.get(limit=ID_PAGE, offset=offset, include=[])
            out += got["ids"]
            if len(got["ids"]) < ID_PAGE:
                return out
            offset += ID_PAGE
