"""Ingest files into the catalog, Chroma and the lexical index; one file's failure never stops the batch.

Order of writes: vectors are computed first (nothing stored yet), then the catalog swaps the document's
passages in one transaction, then Chroma gets the new ids and loses the stale ones. Re-running converges."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from index.access import DEFAULT_GROUPS
from index.catalog import StoredPassage, embed_hash
from ingest.loaders import CorruptFile, UnsupportedFormat
from ingest.pipeline import doc_id_for, parse_bytes

from .spans import sentence_texts

if TYPE_CHECKING:
    from .container import Container


@dataclass
class FileReport:
    source: str
    status: str  # ingested | unchanged | failed
    doc_id: str = ""
    passages: int = 0
    embedded: int = 0
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    coverage: str = ""  # "kept 99.6%, dropped 14 lines (furniture)": what the passages keep of the file

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files given, and every file under directories given (sorted, hidden files skipped): a file of an
    unsupported type is reported as such, not silently left out."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out += [os.path.join(root, f) for f in sorted(files) if not f.startswith(".")]
        else:
            out.append(p)
    return out


class IngestService:
    def __init__(self, container: Container) -> None:
        self.c = container
        self._lock = threading.Lock()  # one writer inside the process

    def ingest_paths(self, paths: Iterable[str], progress: Callable[[FileReport], None] | None = None,
                     groups: list[str] | None = None) -> list[FileReport]:
        reports = []
        for path in expand_paths(paths):
            limit = self.c.settings.max_upload_mb * 1024 * 1024
            try:
                size = os.path.getsize(path)
                if size > limit:
                    raise ValueError(f"{size / 1e6:.0f} MB > limit {self.c.settings.max_upload_mb} MB")
                with open(path, "rb") as fh:
                    data = fh.read()
            except ValueError as exc:
                rep = FileReport(os.path.basename(path), "failed", reason=f"file too large: {exc}")
            except OSError as exc:
                rep = FileReport(os.path.basename(path), "failed", reason=f"cannot read: {exc.strerror or exc}")
            else:
                rep = self.ingest_bytes(os.path.basename(path), data, groups)
            reports.append(rep)
            if progress:
                progress(rep)
        return reports

    def ingest_bytes(self, name: str, data: bytes, groups: list[str] | None = None) -> FileReport:
        """`groups`: who may read the document (access groups; default public)."""
        groups = sorted(set(groups or DEFAULT_GROUPS))
        doc_id = doc_id_for(name)
        sha = hashlib.sha256(data).hexdigest()
        if not data:
            return FileReport(name, "failed", doc_id, reason="empty file (0 bytes)")
        try:
            with self._lock:
                return self._ingest(name, data, doc_id, sha, groups)
        except (CorruptFile, UnsupportedFormat) as exc:
            return FileReport(name, "failed", doc_id, reason=str(exc))
        except RecursionError:
            return FileReport(name, "failed", doc_id, reason="document structure too deeply nested")
        except MemoryError:
            return FileReport(name, "failed", doc_id, reason="file too large to parse in memory")
        except Exception as exc:  # noqa: BLE001 - a bad file must never stop the batch
            return FileReport(name, "failed", doc_id, reason=f"{type(exc).__name__}: {exc}"[:300])

    def _ingest(self, name: str, data: bytes, doc_id: str, sha: str, groups: list[str]) -> FileReport:
        c = self.c
        existing = c.catalog.document(doc_id)
        if existing and existing["sha256"] == sha and existing["chunker"] == c.chunker.version and \
                sorted(existing.get("groups") or DEFAULT_GROUPS) == groups:
            if doc_id in c.catalog.dirty_documents():
                self._reconcile(doc_id)  # a crash left its index update unfinished
            return FileReport(name, "unchanged", doc_id, existing["n_passages"])
        parsed = c.parser.parse(name, data) if c.settings.parse_isolated else parse_bytes(name, data, c.chunker)
        if not parsed.passages:
            reason = "; ".join(parsed.warnings) or "no text found"
            return FileReport(name, "failed", doc_id, reason=f"nothing to index: {reason}")
        for p in parsed.passages:
            p.metadata["groups"] = groups
        stored = [StoredPassage(p.id, p.doc_id, p.position, p.kind, p.text, p.embed_text, p.metadata)
                  for p in parsed.passages]
        model = c.embedder.name
        hashes = {embed_hash(p.embed_text): p.embed_text for p in stored}
        cached = c.catalog.cached_vectors(model, hashes)
        missing = [h for h in hashes if h not in cached]
        batch = max(1, c.settings.embed_batch)
        for i in range(0, len(missing), batch):
            chunk = missing[i : i + batch]
            vecs = c.embedder.embed_passages([hashes[h] for h in chunk])
            cached.update(zip(chunk, vecs))
        new_sentences = self._sentence_vectors(stored, cached)
        doc = parsed.meta.as_dict()
        doc.update(sha256=sha, chunker=c.chunker.version, size=len(data), groups=groups)
        ledger = parsed.ledger.as_dict() if parsed.ledger is not None else None
        if ledger is not None:
            doc["coverage"] = {k: ledger[k] for k in ("summary", "chars_read", "chars_kept", "kept_share")} | {
                "dropped_lines": len(ledger["dropped"]), "lost_lines": len(ledger["lost"])}
        c.originals.save(sha, data)
        new_vectors = {h: cached[h] for h in missing} | new_sentences
        stale = c.catalog.replace_document(doc, stored, new_vectors, model, ledger)
        vectors = np.stack([cached[embed_hash(p.embed_text)] for p in stored])
        c.store.upsert([p.id for p in stored], vectors, [p.metadata for p in stored], [p.text for p in stored])
        c.store.delete(stale)
        c.catalog.clear_dirty(doc_id)
        return FileReport(name, "ingested", doc_id, len(stored), len(missing), warnings=parsed.warnings,
                          coverage=ledger["summary"] if ledger else "")

    def _sentence_vectors(self, stored: list[StoredPassage], known: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Vectors of the passages' candidate sentences not embedded yet (shared by text hash, like passages):
        the answerer compares each sentence with the question, across languages."""
        c = self.c
        texts = {embed_hash(t): t for p in stored for t in sentence_texts(p)}
        todo = [h for h in texts if h not in known]
        have = c.catalog.cached_vectors(c.embedder.name, todo)
        todo = sorted((h for h in todo if h not in have), key=lambda h: len(texts[h]))  # similar lengths batch well
        out: dict[str, np.ndarray] = {}
        batch = max(1, c.settings.embed_batch) * 2
        for i in range(0, len(todo), batch):
            chunk = todo[i : i + batch]
            out.update(zip(chunk, c.embedder.embed_passages([texts[h] for h in chunk])))
        return out

    def _reconcile(self, doc_id: str) -> None:
        """Make the index hold exactly the catalog's passages of this document (after an interrupted write)."""
        c = self.c
        passages = c.catalog.passages(doc_id)
        if passages:
            vectors = c.catalog.vectors_for(c.embedder.name, passages)
            todo = [p for p in passages if p.id not in vectors]
            if todo:
                vecs = c.embedder.embed_passages([p.embed_text for p in todo])
                c.catalog.store_vectors(c.embedder.name, {p.embed_text: v for p, v in zip(todo, vecs)})
                vectors = c.catalog.vectors_for(c.embedder.name, passages)
            c.store.upsert([p.id for p in passages], np.stack([vectors[p.id] for p in passages]),
                           [p.metadata for p in passages], [p.text for p in passages])
        keep = {p.id for p in passages}
        c.store.delete([pid for pid in c.store.ids_for_document(doc_id) if pid not in keep])
        c.catalog.clear_dirty(doc_id)

    def reconcile(self) -> list[str]:
        """Finish every index update a crash interrupted; returns the documents repaired."""
        with self._lock:
            dirty = self.c.catalog.dirty_documents()
            for doc_id in dirty:
                self._reconcile(doc_id)
        return dirty

    def delete(self, doc_id: str) -> int:
        with self._lock:
            doc = self.c.catalog.document(doc_id)
            ids = self.c.catalog.delete_document(doc_id)
            self.c.store.delete(ids)
            self.c.catalog.clear_dirty(doc_id)
            if doc and not any(d["sha256"] == doc["sha256"] for d in self.c.catalog.documents()):
                self.c.originals.remove(doc["sha256"])
        return len(ids)
