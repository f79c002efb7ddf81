"""Ingest files into the catalog, Chroma and the lexical index; one file's failure never stops the batch.

Order of writes: vectors are computed first (nothing stored yet), then the catalog swaps the document's
passages in one transaction, then Chroma gets the new ids and loses the stale ones. Re-running converges.

Concurrency: files are parsed and embedded in parallel (a long PDF does not hold up a small upload); the
same document id is processed by one thread at a time; one lock covers only the short catalog + Chroma swap.

Ownership: ids depend on the uploader's access scope (ingest/ids.py), and a caller never replaces or deletes a
document holding a group it may not write. Reports say only what the caller may know: `embedded` counts the
passages whose text is new to the documents the caller can read (the vector cache is shared inside)."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from domain.passages import Passage
from index.access import DEFAULT_GROUPS, groups_of, visible
from index.catalog import embed_hash
from index.embedders import Embedder
from index.originals import Originals
from index.protocols import Catalog, VectorStore, VectorWriteLost
from ingest.ids import ID_SCHEME, doc_id_for, legacy_doc_id, path_key, scope_of, upload_key
from ingest.loaders import CorruptFile, UnsupportedFormat
from ingest.types import FileParser

from .spans import sentence_texts


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
    code: str = ""  # why it failed, for the API: "conflict" (a document the caller may not write)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# A folder's own notes (README.md, LICENSE…) describe the folder; they are not documents of it. Given by name
# they are ingested like any file.
_FOLDER_NOTES = re.compile(r"(?i)^(readme|license|licence|changelog|contributing|notice)(\.(md|txt|rst))?$")


def expand_keys(paths: Iterable[str], notes: list[str] | None = None) -> list[tuple[str, str]]:
    """(path, document key) of the files given and of every file under directories given (sorted, hidden
    files skipped; a file of an unsupported type is reported as such, not silently left out; a folder's own
    notes are listed in `notes`). The key is the path under the directory given, after that directory's own
    name (ingest/ids.py)."""
    out: list[tuple[str, str]] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    if _FOLDER_NOTES.match(name):
                        if notes is not None:
                            notes.append(os.path.join(root, name))
                        continue
                    f = os.path.join(root, name)
                    out.append((f, path_key(f, p)))
        else:
            out.append((p, path_key(p, os.path.dirname(os.path.abspath(p)))))
    return out


def expand_paths(paths: Iterable[str]) -> list[str]:
    return [p for p, _ in expand_keys(paths)]


def may_write(doc: dict[str, Any], caller: frozenset[str] | None) -> bool:
    """A caller writes (replaces, deletes) only documents all of whose groups it holds."""
    return caller is None or set(groups_of(doc)) <= caller


@dataclass(frozen=True)
class IngestLimits:
    max_upload_mb: int = 50  # a larger file is reported and skipped
    max_passages: int = 5000  # a file cut into more passages is refused before embedding
    embed_batch: int = 16  # passages embedded per call


class IngestService:
    """Files → parsed passages → vectors → the catalog, the originals and the vector index. Given the
    collaborators it uses (the composition root, assistant/container.py, wires them)."""

    def __init__(self, *, catalog: Catalog, store: VectorStore, embedder: Embedder, parser: FileParser,
                 originals: Originals, version: str, limits: IngestLimits | None = None) -> None:
        self.catalog, self.store, self.embedder, self.parser = catalog, store, embedder, parser
        self.originals = originals
        self.version = version  # what the stored passages were cut by (ingest/pipeline.py index_version)
        self.limits = limits or IngestLimits()
        self._swap = threading.Lock()  # the catalog + Chroma swap of one document at a time
        self._doc_locks: dict[str, tuple[threading.Lock, list[int]]] = {}
        self._doc_locks_guard = threading.Lock()

    @contextmanager
    def _one_at_a_time(self, doc_id: str) -> Iterator[None]:
        """Serialise work on one document id (two uploads of one file), not on the whole data dir; in server
        mode across replicas too (the catalog's `writer`: a database lock, freed if the process dies)."""
        with self._doc_locks_guard:
            lock, users = self._doc_locks.setdefault(doc_id, (threading.Lock(), [0]))
            users[0] += 1
        try:
            with lock, self.catalog.writer(doc_id):
                yield
        finally:
            with self._doc_locks_guard:
                users[0] -= 1
                if not users[0]:
                    del self._doc_locks[doc_id]

    def ingest_paths(self, paths: Iterable[str], progress: Callable[[FileReport], None] | None = None,
                     groups: list[str] | None = None) -> list[FileReport]:
        reports = []
        seen: dict[str, str] = {}  # document key → the path that had it in this batch
        notes: list[str] = []
        files = expand_keys(paths, notes)
        for note in notes:
            rep = FileReport(os.path.basename(note), "skipped", reason="the folder's own note, not a document of it "
                             "(ingest it by name to include it)")
            reports.append(rep)
            if progress:
                progress(rep)
        for path, key in files:
            limit = self.limits.max_upload_mb * 1024 * 1024
            name = os.path.basename(path)
            try:
                if key in seen and os.path.abspath(seen[key]) != os.path.abspath(path):
                    raise LookupError(seen[key])
                seen[key] = path
                size = os.path.getsize(path)
                if size > limit:
                    raise ValueError(f"{size / 1e6:.0f} MB > limit {self.limits.max_upload_mb} MB")
                with open(path, "rb") as fh:
                    data = fh.read()
            except LookupError as exc:
                rep = FileReport(name, "failed", reason=f"same document key '{key}' as {exc.args[0]} in this batch "
                                 "(folders given with the same name): ingest one of them from a differently "
                                 "named folder")
            except ValueError as exc:
                rep = FileReport(name, "failed", reason=f"file too large: {exc}")
            except OSError as exc:
                rep = FileReport(name, "failed", reason=f"cannot read: {exc.strerror or exc}")
            else:
                rep = self.ingest_bytes(key, data, groups)
            reports.append(rep)
            if progress:
                progress(rep)
        return reports

    def ingest_bytes(self, name: str, data: bytes, groups: list[str] | None = None,
                     caller: frozenset[str] | None = None) -> FileReport:
        """`name`: the document key (a path under an ingest root, or an upload's file name; sanitised here);
        `groups`: who may read the document (default public); `caller`: the groups of whoever sends it
        (None: unrestricted), which scope its id and bound what it may replace."""
        key = upload_key(name)
        source = os.path.basename(key)
        groups = sorted(set(groups or DEFAULT_GROUPS))
        doc_id = doc_id_for(key, scope_of(caller))
        sha = hashlib.sha256(data).hexdigest()
        if not data:
            return FileReport(source, "failed", doc_id, reason="empty file (0 bytes)")
        try:
            with self._one_at_a_time(doc_id):
                return self._ingest(key, source, data, doc_id, sha, groups, caller)
        except (CorruptFile, UnsupportedFormat) as exc:
            return FileReport(source, "failed", doc_id, reason=str(exc))
        except RecursionError:
            return FileReport(source, "failed", doc_id, reason="document structure too deeply nested")
        except MemoryError:
            return FileReport(source, "failed", doc_id, reason="file too large to parse in memory")
        except Exception as exc:  # noqa: BLE001 - a bad file must never stop the batch
            return FileReport(source, "failed", doc_id, reason=f"{type(exc).__name__}: {exc}"[:300])

    def _ingest(self, key: str, source: str, data: bytes, doc_id: str, sha: str, groups: list[str],
                caller: frozenset[str] | None) -> FileReport:
        existing = self.catalog.document(doc_id)
        if existing and not may_write(existing, caller):
            return FileReport(source, "failed", doc_id, code="conflict",
                              reason="a document with this name belongs to access groups your key may not write")
        version = self.version
        if existing and existing["sha256"] == sha and existing["chunker"] == version and \
                sorted(existing.get("groups") or DEFAULT_GROUPS) == groups:
            if doc_id in self.catalog.dirty_documents():
                with self._swap:
                    self._reconcile(doc_id)  # a crash left its index update unfinished
            return FileReport(source, "unchanged", doc_id, existing["n_passages"])
        parsed = self.parser.parse(key, data, doc_id)
        if not parsed.passages:
            reason = "; ".join(parsed.warnings) or "no text found"
            return FileReport(source, "failed", doc_id, reason=f"nothing to index: {reason}")
        if len(parsed.passages) > self.limits.max_passages:
            return FileReport(source, "failed", doc_id, reason=f"too large: {len(parsed.passages)} passages (limit "
                              f"{self.limits.max_passages}, CHIDAO_MAX_PASSAGES); split the file")
        for p in parsed.passages:
            p.metadata["groups"] = groups
        stored = parsed.passages
        model = self.embedder.name
        hashes = {embed_hash(p.embed_text): p.embed_text for p in stored}
        cached = self.catalog.cached_vectors(model, hashes)
        missing = [h for h in hashes if h not in cached]
        batch = max(1, self.limits.embed_batch)
        for i in range(0, len(missing), batch):
            chunk = missing[i : i + batch]
            vecs = self.embedder.embed_passages([hashes[h] for h in chunk])
            cached.update(zip(chunk, vecs))
        new_to_caller = self._new_to(caller, hashes, missing)
        new_sentences = self._sentence_vectors(stored, cached)
        doc = parsed.meta.as_dict()
        doc.update(sha256=sha, chunker=version, size=len(data), groups=groups, id_scheme=ID_SCHEME, key=key)
        ledger = parsed.ledger.as_dict() if parsed.ledger is not None else None
        if ledger is not None:
            doc["coverage"] = {k: ledger[k] for k in ("summary", "chars_read", "chars_kept", "kept_share")} | {
                "dropped_lines": len(ledger["dropped"]), "lost_lines": len(ledger["lost"])}
        new_vectors = {h: cached[h] for h in missing} | new_sentences
        vectors = np.stack([cached[embed_hash(p.embed_text)] for p in stored])
        warnings = list(parsed.warnings)
        with self._swap:
            adopted = self._adopt_legacy(key, doc_id, caller)
            if adopted:
                warnings.append(f"replaces {adopted}, the same file ingested by an earlier version")
            self.originals.save(sha, data)
            self.store.ensure_partition(groups)  # before the commit other replicas re-list partitions on
            stale = self.catalog.replace_document(doc, stored, new_vectors, model, ledger)
            try:
                self.store.upsert([p.id for p in stored], vectors, [p.metadata for p in stored],
                                  [p.text for p in stored])
            except VectorWriteLost as exc:
                # the catalog holds this version (its words are searched); the document stays dirty, and its
                # vectors are written again by `reconcile`
                warnings.append(str(exc))
            else:
                self.store.delete(stale)
                self.catalog.clear_dirty(doc_id)
        return FileReport(source, "ingested", doc_id, len(stored), new_to_caller, warnings=warnings,
                          coverage=ledger["summary"] if ledger else "")

    def _sentence_vectors(self, stored: list[Passage], known: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Vectors of the passages' candidate sentences not embedded yet (shared by text hash, like passages):
        the answerer compares each sentence with the question, across languages."""
        texts = {embed_hash(t): t for p in stored for t in sentence_texts(p)}
        todo = [h for h in texts if h not in known]
        have = self.catalog.cached_vectors(self.embedder.name, todo)
        todo = sorted((h for h in todo if h not in have), key=lambda h: len(texts[h]))  # similar lengths batch well
        out: dict[str, np.ndarray] = {}
        batch = max(1, self.limits.embed_batch) * 2
        for i in range(0, len(todo), batch):
            chunk = todo[i : i + batch]
            out.update(zip(chunk, self.embedder.embed_passages([texts[h] for h in chunk])))
        return out

    def _new_to(self, caller: frozenset[str] | None, hashes: dict[str, str], missing: list[str]) -> int:
        """Passages embedded for this file, as the caller may know it: a text already in a document the caller
        cannot read counts as new (what the count would be without that document)."""
        if caller is None:
            return len(missing)
        holders = self.catalog.groups_by_hash(hashes)
        return sum(1 for h in hashes if not any(visible({"groups": g}, caller) for g in holders.get(h, [])))

    def _adopt_legacy(self, key: str, doc_id: str, caller: frozenset[str] | None) -> str:
        """A document an earlier version ingested under this file's base name is this document: removed as
        the new one goes in (when the caller may write it), so an old data dir is not duplicated."""
        legacy = legacy_doc_id(key)
        if legacy == doc_id:
            return ""
        old = self.catalog.document(legacy)
        if old is None or old.get("id_scheme") or not may_write(old, caller):
            return ""
        self._delete(legacy)
        return legacy

    def _reconcile(self, doc_id: str) -> None:
        """Make the index hold exactly the catalog's passages of this document (after an interrupted write)."""
        passages = self.catalog.passages(doc_id)
        if passages:
            vectors = self.catalog.vectors_for(self.embedder.name, passages)
            todo = [p for p in passages if p.id not in vectors]
            if todo:
                vecs = self.embedder.embed_passages([p.embed_text for p in todo])
                self.catalog.store_vectors(self.embedder.name, {p.embed_text: v for p, v in zip(todo, vecs)})
                vectors = self.catalog.vectors_for(self.embedder.name, passages)
            self.store.upsert([p.id for p in passages], np.stack([vectors[p.id] for p in passages]),
                           [p.metadata for p in passages], [p.text for p in passages])
        keep = {p.id for p in passages}
        self.store.delete([pid for pid in self.store.ids_for_document(doc_id) if pid not in keep])
        self.catalog.clear_dirty(doc_id)

    def reconcile(self, pending: list[str] | None = None) -> list[str]:
        """Finish every index update a crash (or a lost vector write) interrupted; returns the documents repaired.
        One whose vectors are still lost stays dirty and is named in `pending` (with the reason); the rest go on."""
        repaired = []
        for doc_id in self.catalog.dirty_documents():
            with self._one_at_a_time(doc_id), self._swap:  # not while another replica is writing it
                if doc_id not in self.catalog.dirty_documents():
                    continue
                try:
                    self._reconcile(doc_id)
                except VectorWriteLost as exc:
                    if pending is not None:
                        pending.append(f"{doc_id}: {exc}")
                    continue
                repaired.append(doc_id)
        return repaired

    def delete(self, doc_id: str) -> int:
        with self._one_at_a_time(doc_id), self._swap:
            return self._delete(doc_id)

    def _delete(self, doc_id: str) -> int:
        doc = self.catalog.document(doc_id)
        ids = self.catalog.delete_document(doc_id)
        self.store.delete(ids)
        self.catalog.clear_dirty(doc_id)
        if doc and not any(d["sha256"] == doc["sha256"] for d in self.catalog.documents()):
            self.originals.remove(doc["sha256"])
        return len(ids)
