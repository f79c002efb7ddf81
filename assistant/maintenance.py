"""`chidao check` and `chidao repair`. The SQLite catalog is the source of truth (documents, passages, their
vectors and tokens); Chroma and the lexical index are indexes rebuilt from it. `check` compares them —
missing, phantom and duplicate passages, count against ids, each passage reachable by vector search of its own
vector, model, chunker and tokenizer versions — and `repair` re-tokenises what another tokenizer made, builds
a new collection from the catalog, verifies it, then swaps it in."""

from __future__ import annotations

import contextlib
import os
import random
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from index import snapshot
from index.access import DEFAULT_GROUPS, groups_of
from index.vectorstore import found_by_itself
from index.vntext import TOKENIZER_VERSION

if TYPE_CHECKING:
    from index.embedders import Embedder
    from index.protocols import Catalog, VectorStore

REACH_K = 10  # a passage must come back among the first hits for its own vector (identical texts tie)


@dataclass
class CheckReport:
    collection: str = ""
    catalog_passages: int = 0
    index_count: int = 0
    index_ids: int = 0
    missing: int = 0
    phantom: int = 0
    duplicates: int = 0
    without_vector: int = 0
    reach_checked: int = 0
    unreachable: int = 0
    misplaced: int = 0  # checked passages whose vector is outside their access partition (index/vectorstore.py)
    stale_tokens: int = 0  # passages whose stored tokens another tokenizer made (or that have none)
    stale_documents: list[str] = field(default_factory=list)
    model_ok: bool = True
    problems: list[str] = field(default_factory=list)  # the index against the catalog (repair fixes these)
    notes: list[str] = field(default_factory=list)  # the catalog's own state (re-ingest fixes these)
    examples: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.notes

    @property
    def index_ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        out["index_ok"] = self.index_ok
        return out


def check(catalog: Catalog, store: VectorStore, embedder: Embedder, version: str, sample: int | None = 500,
          seed: int = 0) -> CheckReport:
    """`version`: the index version documents should have been cut by (ingest/pipeline.py `index_version`).
    `sample=None` checks every passage's reachability; otherwise that many, chosen at random."""
    t0 = time.perf_counter()
    rep = CheckReport(collection=store.collection_name)
    try:
        store.check_model()
    except Exception as exc:  # noqa: BLE001 - a mismatch or an unreadable store is a finding, not a crash
        rep.model_ok = False
        rep.problems.append(f"index unusable: {exc}")
        rep.seconds = round(time.perf_counter() - t0, 2)
        return rep
    catalog_ids = catalog.passage_ids()
    rep.catalog_passages = len(catalog_ids)
    by_groups = store.ids_by_groups()
    index_ids = [pid for ids in by_groups.values() for pid in ids]
    rep.index_ids = len(index_ids)
    rep.index_count = store.count()
    rep.duplicates = len(index_ids) - len(set(index_ids))
    cat, idx = set(catalog_ids), set(index_ids)
    missing, phantom = sorted(cat - idx), sorted(idx - cat)
    rep.missing, rep.phantom = len(missing), len(phantom)
    rep.examples = {"missing": missing[:10], "phantom": phantom[:10]}
    if rep.index_count != rep.index_ids:
        rep.problems.append(f"index count {rep.index_count} != {rep.index_ids} ids listed")
    if missing:
        rep.problems.append(f"{len(missing)} passages of the catalog are missing from the index")
    if phantom:
        rep.problems.append(f"{len(phantom)} phantom passages in the index (not in the catalog)")
    if rep.duplicates:
        rep.problems.append(f"{rep.duplicates} duplicate ids in the index")
    rep.stale_tokens = len(catalog.stale_tokens())
    if rep.stale_tokens:
        rep.problems.append(f"{rep.stale_tokens} passages have no lexical tokens of tokenizer {TOKENIZER_VERSION}")
    documents = catalog.documents()
    if not store.partitioned() and any(sorted(d.get("groups") or DEFAULT_GROUPS) != list(DEFAULT_GROUPS)
                                       for d in documents):
        rep.problems.append("the vector index is from before access partitions and the catalog holds restricted "
                            "documents: their vectors may share the public collection — run `chidao repair`")
    rep.stale_documents = [d["doc_id"] for d in documents if d["chunker"] != version]
    if rep.stale_documents:
        rep.notes.append(f"{len(rep.stale_documents)} documents were cut by another chunker version "
                            f"(re-ingest them)")
    legacy = [d["doc_id"] for d in documents if not d.get("id_scheme")]
    if legacy:
        rep.notes.append(f"{len(legacy)} documents have ids from their base name alone (an earlier version): "
                         "re-ingest their folders with `chidao ingest` — each replaces its old document — or "
                         "remove them with `chidao docs rm`")
    # reachability: each passage's own stored vector finds it
    present = [pid for pid in catalog_ids if pid in idx]
    chosen = present if sample is None or sample >= len(present) else random.Random(seed).sample(present, sample)
    passages = list(catalog.passages_by_id(chosen).values())
    vectors = catalog.vectors_for(embedder.name, passages)
    rep.without_vector = len(passages) - len(vectors)
    if rep.without_vector:
        rep.problems.append(f"{rep.without_vector} passages have no stored vector for {embedder.name}")
    unreachable = []
    for p in passages:
        v = vectors.get(p.id)
        if v is None:
            continue
        hits = store.query(v, REACH_K)
        if not found_by_itself(p.id, [pid for pid, _ in hits], [1.0 - score for _, score in hits]):
            unreachable.append(p.id)
    # access: each checked passage's vector is in the partition of its own groups, so no caller's search
    # walks a graph holding vectors it may not read (an index built before the partitions: repair)
    partition_of = {pid: groups for groups, ids in by_groups.items() for pid in ids}
    misplaced = [p.id for p in passages if partition_of.get(p.id, frozenset(groups_of(p.metadata)))
                 != frozenset(groups_of(p.metadata))]
    rep.misplaced = len(misplaced)
    rep.examples["misplaced"] = misplaced[:10]
    if misplaced:
        rep.problems.append(f"{len(misplaced)} of {len(passages)} passages have their vector outside their access "
                            "partition (an index from before access partitions: run `chidao repair`)")
    rep.reach_checked = len(vectors)
    rep.unreachable = len(unreachable)
    rep.examples["unreachable"] = unreachable[:10]
    if unreachable:
        rep.problems.append(f"{len(unreachable)} of {rep.reach_checked} passages are not reachable by vector search")
    rep.seconds = round(time.perf_counter() - t0, 2)
    return rep


def repair(catalog: Catalog, store: VectorStore, embedder: Embedder, version: str, base: str = "chidao",
           log: Any = print, snapshot_dir: str | None = None) -> CheckReport:
    """Re-tokenise the passages whose tokens another tokenizer made (their snapshots under `snapshot_dir` go:
    the next start rebuilds them from the tokens); rebuild the vector index from the catalog into a new collection named after `base`;
    swap it in only when it checks clean. No document is written meanwhile (the catalog's `maintenance`: in
    server mode writers on every replica wait for it)."""
    with catalog.maintenance():
        return _repair(catalog, store, embedder, version, base, log, snapshot_dir)


def _repair(catalog: Catalog, store: VectorStore, embedder: Embedder, version: str, base: str, log: Any,
            snapshot_dir: str | None) -> CheckReport:
    stale = catalog.stale_tokens()
    if stale:
        log(f"re-tokenising {len(stale)} passages ({TOKENIZER_VERSION})")
        catalog.retokenize(stale)
        if snapshot_dir:  # snapshots of the old tokens: rebuilt at start
            for path in (*snapshot.paths(snapshot_dir), *(os.path.join(snapshot_dir, n) for n in snapshot.LEGACY)):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
    old = store.collection_name
    new = f"{base}-{int(time.time() * 1000)}"
    passages = catalog.passages()
    model = embedder.name
    by_hash = catalog.vectors_for(model, passages)
    missing = [p for p in passages if p.id not in by_hash]
    if missing:
        log(f"embedding {len(missing)} passages that have no stored vector")
        for i in range(0, len(missing), 32):
            chunk = missing[i : i + 32]
            vecs = embedder.embed_passages([p.embed_text for p in chunk])
            catalog.store_vectors(model, {p.embed_text: v for p, v in zip(chunk, vecs)})
        by_hash = catalog.vectors_for(model, passages)
    store.use_collection(new)
    try:
        for i in range(0, len(passages), 1000):
            chunk = passages[i : i + 1000]
            store.upsert([p.id for p in chunk], np.stack([by_hash[p.id] for p in chunk]),
                         [p.metadata for p in chunk], [p.text for p in chunk])
            log(f"indexed {min(i + 1000, len(passages))}/{len(passages)}")
        report = check(catalog, store, embedder, version, sample=None if len(passages) <= 5000 else 5000)
        if not report.index_ok:
            raise RuntimeError("rebuilt index does not check clean: " + "; ".join(report.problems))
    except BaseException:
        store.use_collection(old)
        store.drop_collection(new)
        raise
    catalog.set_kv("active_collection", new)
    if old != new:
        store.drop_collection(old)
    log(f"swapped in collection {new} ({len(passages)} passages); dropped {old}")
    return report


class IndexMaintenance:
    """`check` and `repair` over the collaborators they compare (what `chidao check` / `chidao repair` run)."""

    def __init__(self, catalog: Catalog, store: VectorStore, embedder: Embedder, version: str,
                 base: str = "chidao", snapshot_dir: str | None = None) -> None:
        self.catalog, self.store, self.embedder, self.version, self.base = catalog, store, embedder, version, base
        self.snapshot_dir = snapshot_dir  # where the lexical snapshots live (the data dir)

    def check(self, sample: int | None = 500, seed: int = 0) -> CheckReport:
        return check(self.catalog, self.store, self.embedder, self.version, sample, seed)

    def repair(self, log: Any = print) -> CheckReport:
        return repair(self.catalog, self.store, self.embedder, self.version, self.base, log, self.snapshot_dir)
