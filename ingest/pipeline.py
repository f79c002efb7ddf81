"""One entry point: a file's bytes to a parsed document (metadata + passages)."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

from .chunker import StructuredChunker
from .loaders import sniff_format
from .types import Chunker, ParsedDocument


def doc_id_for(name: str) -> str:
    """Stable id from the file name: the same file re-ingested (even changed) replaces its own passages."""
    base = os.path.basename(name)
    stem = unicodedata.normalize("NFKD", os.path.splitext(base)[0])
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(c for c in stem if not unicodedata.combining(c)).lower()).strip("-")
    return f"{slug[:60] or 'doc'}-{hashlib.sha1(base.encode()).hexdigest()[:6]}"


def parse_bytes(name: str, data: bytes, chunker: Chunker | None = None) -> ParsedDocument:
    parser = sniff_format(name, data)
    raw = parser.read(os.path.basename(name), data)
    return (chunker or StructuredChunker()).chunk(raw, doc_id_for(name))
