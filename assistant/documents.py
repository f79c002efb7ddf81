"""The documents a caller may see: listings, one document with its coverage ledger, its passages; uploads
and deletions through the ingest service, within the caller's access groups (index/access.py). A document
outside the caller's groups does not exist for them."""

from __future__ import annotations

from typing import Any

from index.access import caller_groups, visible
from index.protocols import Catalog

from .ingestion import FileReport, IngestService, may_write


class DocumentService:
    def __init__(self, catalog: Catalog, ingestor: IngestService) -> None:
        self.catalog = catalog
        self.ingestor = ingestor

    def documents(self) -> list[dict[str, Any]]:
        return [d for d in self.catalog.documents() if visible(d)]

    def get(self, doc_id: str) -> dict[str, Any] | None:
        doc = self.catalog.document(doc_id)
        return doc if doc is not None and visible(doc) else None

    def with_coverage(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The document with its whole coverage ledger: characters read and kept, every dropped line and why."""
        return {**doc, "coverage": self.catalog.coverage(doc["doc_id"]) or doc.get("coverage")}

    def passages(self, doc_id: str) -> list[dict[str, Any]]:
        return [{"id": p.id, "position": p.position, "kind": p.kind, "text": p.text, "metadata": p.metadata}
                for p in self.catalog.passages(doc_id)]

    def ingest(self, name: str, data: bytes, groups: list[str], caller: frozenset[str] | None) -> FileReport:
        """Ingest one file as `caller` (its groups; None: unrestricted): the document's id is scoped by them
        (ingest/ids.py), and it replaces only a document they may write."""
        return self.ingestor.ingest_bytes(name, data, groups, caller)

    def may_delete(self, doc: dict[str, Any]) -> bool:
        return may_write(doc, caller_groups())

    def delete(self, doc_id: str) -> int:
        return self.ingestor.delete(doc_id)
