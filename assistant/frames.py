"""What a document says of itself — its issuer, place, title and signer, recorded at ingest — as one line of
text per document, read from the catalog once per catalog generation: the answerer looks there for a name the
question gives ("Cần Thơ", "Bộ Tài chính") before deciding the documents do not write it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FRAME_FIELDS = ("issuer", "place", "title", "signer")
KEPT = 4096  # documents remembered; past that the memory starts again (one catalog read per document)


class DocumentFrames:
    def __init__(self, document: Callable[[str], dict[str, Any] | None], generation: Callable[[], int]) -> None:
        self.document = document
        self.generation = generation
        self._known: dict[tuple[str, int], dict[str, str]] = {}

    def _fields(self, doc_id: str) -> dict[str, str]:
        key = (doc_id, self.generation())
        found = self._known.get(key)
        if found is None:
            doc = self.document(doc_id) or {}
            found = {k: str(doc.get(k) or "") for k in (*FRAME_FIELDS, "date")}
            if len(self._known) >= KEPT:
                self._known.clear()
            self._known[key] = found
        return found

    def __call__(self, doc_id: str) -> str:
        fields = self._fields(doc_id)
        return " ".join(fields[k] for k in FRAME_FIELDS).strip()

    def signer(self, doc_id: str) -> str:
        """The signer read from the document's signature at ingest ("" when it names none)."""
        return self._fields(doc_id)["signer"]

    def date(self, doc_id: str) -> str:
        """The document's own date as recorded at ingest ("2024-02-28", "2024-02"; "" when it has none)."""
        return self._fields(doc_id)["date"]
