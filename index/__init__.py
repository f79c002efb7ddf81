"""Index: embedders, the Chroma vector store, the SQLite catalog, the Vietnamese lexical index, hybrid retrieval."""
