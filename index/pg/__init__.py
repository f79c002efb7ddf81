"""Server mode: the catalog, lexical search, conversations and originals in PostgreSQL (CHIDAO_DATABASE_URL)."""
