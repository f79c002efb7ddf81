"""Chroma as the vector index. We always pass vectors (Chroma's own embedder would try to download a model),
and the collection records the embedding model and dimension so a mismatch is refused.

Access partitions: a document readable by other groups than `public` has its vectors in a collection of their
own (one per group set, `<base>--<digest>`), never in the shared one. An approximate (HNSW) search walks a graph
of every vector in its collection: with restricted near-copies in the same graph, which readable passages a
caller's search reaches — and so its ranks and confidence — would depend on documents the caller may not read
(an existence oracle, tests/security/test_oracles.py). A caller searches only the collections of group sets it
may read, so what it gets is computed over what it may read."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .access import DEFAULT_GROUPS, groups_of
from .protocols import VectorWriteLost

ID_PAGE = 100_000  # ids listed a page at a time (`all_ids`: the start-up check lists them all)
SHARED_GROUPS = frozenset(DEFAULT_GROUPS)  # the group set whose vectors live in the base collection
PART_SEP = "--"  # base name + PART_SEP + digest of a group set (repair's names are `<base>-<ms>`: no clash)


WRITE_CHECKS = 3  # writes again of vectors no query reaches (`ChromaStore._write`)
SELF_CHECK_K = 10  # each written vector must be among its own nearest SELF_CHECK_K
TWIN_DISTANCE = 1e-4  # identical vectors come back up to ~1.5e-6 apart (1024-d); distinct texts far further


def found_by_itself(pid: str, ids: Sequence[str], distances: Sequence[float]) -> bool:
    """Whether a query by a passage's own vector reached it: its id came back, or an identical twin did (the
    same text in several documents: many copies crowd one another out of their own nearest, and HNSW's walk
    among equal points is erratic; to search they are one point)."""
    return pid in ids or any(d <= TWIN_DISTANCE for d in distances)


class ModelMismatch(RuntimeError):
    """The collection was built with another embedding model."""


def chroma_metadata(md: Mapping[str, Any]) -> dict[str, Any]:
    """Chroma takes flat scalars: lists become `|a|b|` strings (so `$contains`-style checks stay exact)."""
    out: dict[str, Any] = {}
    for key in ("doc_id", "source", "kind", "doc_type", "section", "date_int", "page", "doc_number",
                "directive_key"):
        v = md.get(key)
        if v is None or v == "":
            continue
        out[key] = v if isinstance(v, (int, float, bool)) else str(v)
    keys = md.get("doc_numbers") or []
    if keys:
        out["doc_numbers"] = "|" + "|".join(keys) + "|"
    return out


def chroma_client(*, path: str | None = None, host: str | None = None, port: int = 8000) -> Any:
    """A Chroma client: the server at host:port, else a persistent one under `path`. The composition root
    (assistant/container.py) builds it; the store is given it."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def partition_suffix(groups: Iterable[str]) -> str:
    """'' for the shared group set; else PART_SEP + a digest of the sorted group names (Chroma's names allow
    only [a-zA-Z0-9._-], and group names are the operator's)."""
    key = frozenset(groups)
    if key == SHARED_GROUPS:
        return ""
    return PART_SEP + hashlib.sha1("|".join(sorted(key)).encode()).hexdigest()[:16]


class ChromaStore:
    """The vector index over one base collection of a Chroma client it is given, plus that base's access
    partitions (module docstring); it never builds a client and never embeds: vectors come from the catalog's
    embedder."""

    def __init__(self, client: Any, *, collection: str = "chidao", model: str, dim: int | None = None) -> None:
        self.client = client
        self.collection_name = collection
        self.model = model
        self.dim = dim
        self._cols: dict[str, Any] = {}  # suffix → open collection
        self._parts: dict[str, frozenset[str]] | None = None  # suffix → group set; None: list on next use
        self._epoch = 0  # moves with every forget and swap: a listing begun before one is not kept
        self._lock = threading.Lock()

    def use_collection(self, name: str) -> None:
        """Point at another base collection (after `repair` swapped a rebuilt one in)."""
        with self._lock:
            self.collection_name = name
            self._cols, self._parts = {}, None
            self._epoch += 1

    def forget_partitions(self) -> None:
        """List the partitions again on next use: another replica may have made one."""
        with self._lock:
            self._parts = None
            self._epoch += 1

    def ensure_partition(self, groups: list[str]) -> None:
        """Make the partition of this group set now: ingest calls it before the catalog commit that tells
        other replicas to list partitions again, so the listing they take then holds it."""
        self._open(partition_suffix(groups), frozenset(groups), create=True)

    def drop_collection(self, name: str) -> None:
        for full in [name, *(c for c in self._names() if c.startswith(name + PART_SEP))]:
            try:
                self.client.delete_collection(full)
            except Exception:  # noqa: BLE001 - already gone
                pass

    def _names(self) -> list[str]:
        return [name for name, _ in self._listed()]

    def _listed(self) -> list[tuple[str, dict[str, Any]]]:
        """(name, metadata) of the client's collections, in one call (chromadb 1.x lists them with their
        metadata; a client listing names only is asked for each)."""
        out = []
        for c in self.client.list_collections():
            col = self.client.get_collection(c, embedding_function=None) if isinstance(c, str) else c
            out.append((col.name, dict(col.metadata or {})))
        return out

    def _open(self, suffix: str, groups: frozenset[str], create: bool) -> Any:
        """The collection of one partition; None when it does not exist and `create` is false."""
        with self._lock:
            col = self._cols.get(suffix)
            if col is not None:
                return col
            name = self.collection_name + suffix
            # search_ef above Chroma's default (10) so the ANN finds what exact search would
            metadata = {"embedding_model": self.model, "dim": int(self.dim or 0), "hnsw:space": "cosine",
                        "hnsw:search_ef": 128, "hnsw:construction_ef": 128,
                        "access_groups": "|" + "|".join(sorted(groups)) + "|"}
            if create:
                col = self.client.get_or_create_collection(name, embedding_function=None, metadata=metadata)
            else:
                try:
                    col = self.client.get_collection(name, embedding_function=None)
                except Exception:  # noqa: BLE001 - chromadb raises NotFoundError or ValueError by version
                    return None
            found = (col.metadata or {}).get("embedding_model")
            if found and found != self.model:
                raise ModelMismatch(
                    f"index '{name}' was built with embedding model '{found}', "
                    f"not '{self.model}': use the same CHIDAO_EMBEDDER or rebuild with `chidao repair`"
                )
            self._cols[suffix] = col
            if self._parts is not None:
                self._parts[suffix] = groups
            return col

    def _collection(self) -> Any:
        return self._open("", SHARED_GROUPS, create=True)

    def _partitions(self) -> dict[str, frozenset[str]]:
        """suffix → group set of every partition of the base (the base itself under '')."""
        with self._lock:
            parts, epoch, base = self._parts, self._epoch, self.collection_name
        if parts is None:
            self._collection()
            parts = {"": SHARED_GROUPS}
            prefix = base + PART_SEP
            for name, metadata in self._listed():
                if name.startswith(prefix):
                    groups = str(metadata.get("access_groups") or "").strip("|")
                    parts[name[len(base):]] = frozenset(groups.split("|")) if groups else frozenset()
            with self._lock:
                if self._epoch == epoch:  # else a forget or swap came meanwhile: this listing serves this call only
                    self._parts = parts
        return dict(parts)

    def _readable(self, readable: frozenset[str] | None) -> list[Any]:
        cols = []
        for suffix, groups in self._partitions().items():
            if readable is None or groups & readable:
                col = self._open(suffix, groups, create=False)
                if col is not None:
                    cols.append(col)
        return cols

    def check_model(self) -> None:
        self._collection()

    def partitioned(self) -> bool:
        """Whether the base collection was made with access partitions (an older one may hold restricted
        vectors beside the public ones: `chidao repair` rebuilds it)."""
        return "access_groups" in (self._collection().metadata or {})

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: Sequence[Mapping[str, Any]], documents: list[str]) -> None:
        by_part: dict[str, list[int]] = {}
        part_groups: dict[str, frozenset[str]] = {}
        for i, md in enumerate(metadatas):
            groups = frozenset(groups_of(md))
            suffix = partition_suffix(groups)
            by_part.setdefault(suffix, []).append(i)
            part_groups[suffix] = groups
        self.forget_partitions()  # a passage whose groups changed leaves the partition it was in
        others = self._partitions()
        for suffix, rows in by_part.items():
            col = self._open(suffix, part_groups[suffix], create=True)
            for i in range(0, len(rows), 1000):
                chunk = rows[i : i + 1000]
                self._write(col, [ids[j] for j in chunk], vectors[chunk], [chroma_metadata(metadatas[j]) for j in chunk],
                            [documents[j] for j in chunk])
        for suffix, groups in others.items():
            moved = [ids[j] for s, rows in by_part.items() if s != suffix for j in rows]
            old = self._open(suffix, groups, create=False) if moved else None
            if old is not None:
                for i in range(0, len(moved), 1000):
                    # only ids it holds: a delete of absent ids is still a write to its log and graph
                    held = old.get(ids=moved[i : i + 1000], include=[])["ids"]
                    if held:
                        old.delete(ids=held)

    def _write(self, col: Any, ids: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]],
               documents: list[str]) -> None:
        """Upsert, then find each vector by itself, writing again what no query reaches. Chroma's HNSW (1.5.x)
        now and then leaves a freshly written vector out of its graph for good: `count()` and `get()` have it,
        no query returns it, a new client neither (bench/chroma_lost_writes.py); the same upsert again mends it.
        A lost vector is a passage dense search never finds, and, a caller's partitions differing only by
        chance, a rank that differs between servers."""
        todo = list(range(len(ids)))
        for _ in range(WRITE_CHECKS + 1):  # the first write, then up to WRITE_CHECKS writes again
            col.upsert(ids=[ids[i] for i in todo], embeddings=vectors[todo].tolist(),
                       metadatas=[metadatas[i] for i in todo], documents=[documents[i] for i in todo])
            todo = [todo[i] for i in self._unreached(col, [ids[j] for j in todo], vectors[todo])]
            if not todo:
                return
        raise VectorWriteLost(f"{len(todo)} vectors written to '{col.name}' are not found by search (e.g. "
                                  f"{ids[todo[0]]}): dense search misses them until `chidao check --reconcile` or "
                                  "the next `chidao ingest` writes them again")

    @staticmethod
    def _unreached(col: Any, ids: list[str], vectors: np.ndarray) -> list[int]:
        """Positions of the vectors a query by the vector itself does not reach (`found_by_itself`)."""
        res = col.query(query_embeddings=vectors.tolist(), n_results=SELF_CHECK_K, include=["distances"])
        dists = res.get("distances") or [[] for _ in ids]
        return [i for i, (got, d) in enumerate(zip(res["ids"], dists)) if not found_by_itself(ids[i], got, d)]

    def delete(self, ids: list[str]) -> None:
        if ids:
            self.forget_partitions()  # another replica may have made the partition these are in
            for col in self._readable(None):
                for i in range(0, len(ids), 1000):
                    col.delete(ids=ids[i : i + 1000])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None,
              readable: frozenset[str] | None = None) -> list[tuple[str, float]]:
        """The k nearest passages of the partitions `readable` may read (None: all), best first."""
        # no count() first: chromadb ≥ 1.x returns what there is when asked for more (an empty collection
        # too), and a count is a round trip as slow as the query itself on a large server collection (~70 ms)
        out: list[tuple[str, float]] = []
        for col in self._readable(readable):
            res = col.query(query_embeddings=[vector.tolist()], n_results=k, where=where or None,
                            include=["distances"])
            ids = res["ids"][0] if res["ids"] else []
            dists = res["distances"][0] if res.get("distances") else [0.0] * len(ids)
            out += [(i, 1.0 - float(d)) for i, d in zip(ids, dists)]
        return sorted(out, key=lambda kv: -kv[1])[:k]

    def count(self) -> int:
        self.forget_partitions()
        return sum(int(col.count()) for col in self._readable(None))

    def ids_for_document(self, doc_id: str) -> list[str]:
        self.forget_partitions()
        return [i for col in self._readable(None) for i in col.get(where={"doc_id": doc_id}, include=[])["ids"]]

    def all_ids(self) -> list[str]:
        return [i for ids in self.ids_by_groups().values() for i in ids]

    def ids_by_groups(self) -> dict[frozenset[str], list[str]]:
        """Every id, under the group set of the partition holding it (the start-up check compares them with
        the catalog's groups: a passage in another partition is an access defect)."""
        self.forget_partitions()
        out: dict[frozenset[str], list[str]] = {}
        for suffix, groups in self._partitions().items():
            col = self._open(suffix, groups, create=False)
            ids = out.setdefault(groups, [])
            offset = 0
            while col is not None:  # large pages: each costs ~0.5 s whatever its size (5,000 a page: 170 s for 0.7M)
                got = col.get(limit=ID_PAGE, offset=offset, include=[])
                ids += got["ids"]
                if len(got["ids"]) < ID_PAGE:
                    break
                offset += ID_PAGE
        return out
