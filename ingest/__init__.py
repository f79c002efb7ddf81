"""Ingestion: read files, clean Vietnamese text, recover document structure, cut citable passages."""
