"""Passages as citations: our `Citation` type with the label an official would write and the span to highlight."""

from __future__ import annotations

from index.catalog import StoredPassage

from .citations import citation_label
from .types import Citation


def citation_of(n: int, p: StoredPassage, start: int = -1, end: int = -1) -> Citation:
    md = p.metadata
    return Citation(
        n=n, id=p.id, doc_id=p.doc_id, source=md.get("source", ""), title=md.get("title", ""),
        section=md.get("section", ""), page=md.get("page"), kind=p.kind, text=p.text,
        label=citation_label(md, p.kind), quote_start=start, quote_end=end, metadata=md,
    )
