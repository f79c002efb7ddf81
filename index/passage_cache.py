"""The serving cache of embedded mode: every passage's text and metadata in memory (without its embedding
text), with what is built from them — the BM25 index (index/lexical.py), the lookups (index/lookups.py: the
document-number tables, the task-table cells, the diacritic restorer per access-group set) and the passages of
each access group. Server mode keeps compact keys only (index/pg/cache.py); both are `PassageView`s.

When the catalog's generation moves, only the passages whose ids appeared or disappeared are loaded or dropped
(ids hash the text, so a changed passage is a new id). What a restricted caller gets of the shared statistics
is its visible share only (index/visibility.py). The lexical index and the restorer are snapshotted under the
data dir (index/snapshot.py) so a restart does not re-read every token."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from domain.passages import Passage, PassageKind

from . import snapshot
from .access import caller_groups, groups_of
from .catalog import Catalog
from .lexical import LexicalIndex
from .lookups import ROW_FIELDS as ROW_FIELDS  # re-exported: they lived here
from .lookups import Lookups
from .lookups import PassageView as PassageView
from .lookups import cell_key as cell_key
from .lookups import index_keys as index_keys
from .visibility import RestorerPartitions, slot_mask
from .vntext import TOKENIZER_VERSION

SNAPSHOT_EVERY = 2000  # passages changed before the lexical snapshot is written again


class PassageCache(Lookups):
    """All passages' metadata in memory (embedded mode), with the lexical index, the number and table-cell
    lookups and the diacritic restorer. When the catalog's generation moves, only the passages whose ids
    appeared or disappeared are loaded or dropped (ids hash the text, so a changed passage is a new id). What a
    restricted caller gets of the shared statistics is its visible share only (index/visibility.py)."""

    def __init__(self, catalog: Catalog, lexical: LexicalIndex) -> None:
        super().__init__()
        self.catalog = catalog
        self.lexical = lexical
        self._by_id: dict[str, Passage] = {}
        self.by_group: dict[str, set[str]] = {}  # access group → passage ids
        self._visible_cache: dict[frozenset[str], tuple[int, set[str]]] = {}
        lexical.visible_slots = self._visible_slots
        self._lock = threading.Lock()
        self._saving = threading.Lock()
        self.changed = 0  # passages added or removed since the last snapshot

    @property
    def by_id(self) -> dict[str, Passage]:
        return self._by_id

    # every passage is in memory here: nothing to fetch; orders and kinds are read from it
    def prefetch(self, ids: Iterable[str]) -> None:
        return None

    def matching(self, pred: Callable[[Mapping[str, Any]], bool], pool: set[str] | None) -> set[str]:
        """The passages (of `pool`, else all) whose metadata satisfy a compiled filter."""
        by_id = self._by_id
        return {pid for pid in (by_id.keys() if pool is None else pool) if pred(by_id[pid].metadata)}

    def order_key(self, pid: str) -> tuple[str, int]:
        p = self._by_id[pid]
        return p.doc_id, p.position

    def kind_of(self, pid: str) -> PassageKind:
        return self._by_id[pid].kind

    def in_order(self) -> Iterator[Passage]:
        return iter(sorted(self._by_id.values(), key=lambda x: (x.doc_id, x.position)))

    def refresh(self, force: bool = False) -> None:
        gen = self.catalog.generation()
        if gen == self.generation and not force:
            return
        with self._lock:
            if gen == self.generation and not force:
                return
            if force:
                self._drop(list(self.by_id))
                self.lexical.clear()
                self.restorers = RestorerPartitions()
            ordered = self.catalog.passage_ids()
            ids = set(ordered)
            if self.generation == -1 and not force:
                self._load_snapshot(ids)
            gone = [pid for pid in self.by_id if pid not in ids]
            new = [pid for pid in ordered if pid not in self.by_id]
            self._drop(gone)
            self._load(new)
            self.changed += len(gone) + len(new)
            self.lexical.generation = gen
            self.generation = gen
        if self.changed >= SNAPSHOT_EVERY:
            self.save_snapshot_later()

    # --- snapshots of the lexical index and the restorer (index/snapshot.py): a restart reads them instead
    # of every passage's tokens --------------------------------------------------------------------------
    def _snapshot_paths(self) -> tuple[str, str]:
        return snapshot.paths(os.path.dirname(os.path.abspath(self.catalog.path)))

    def _load_snapshot(self, ids: set[str]) -> None:
        lex_path, restorer_path = self._snapshot_paths()
        state = snapshot.load_restorer(restorer_path, TOKENIZER_VERSION)
        if state is None:
            return
        restorers = RestorerPartitions()
        restorers.load(state)
        if not self.lexical.load(lex_path):
            return
        self.restorers = restorers
        stale = [pid for pid in self.lexical.slot_of if pid not in ids]
        self.lexical.remove(stale)  # passages deleted after the snapshot was taken

    def save_snapshot(self) -> None:
        lex_path, restorer_path = self._snapshot_paths()
        with self._lock:
            self.changed = 0
            self.lexical.save(lex_path)
            snapshot.save_restorer(restorer_path, self.restorers.state(), TOKENIZER_VERSION)

    def save_snapshot_later(self) -> None:
        if self._saving.acquire(blocking=False):
            def run() -> None:
                try:
                    self.save_snapshot()
                except OSError:
                    pass
                finally:
                    self._saving.release()

            threading.Thread(target=run, name="chidao-snapshot", daemon=True).start()

    def _load(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 2000):
            chunk = ids[i : i + 2000]
            passages = self.catalog.passages_by_id(chunk)
            need = [pid for pid in chunk if pid not in self.lexical.slot_of]  # not already from the snapshot
            lex = self.catalog.lexicon(need) if need else {}
            for pid, p in passages.items():
                # kept without its embedding text: the cache holds what search and answers read (memory)
                p = Passage(p.id, p.doc_id, p.position, p.kind, p.text, "", p.metadata)
                self._by_id[pid] = p
                for g in groups_of(p.metadata):
                    self.by_group.setdefault(g, set()).add(pid)
                self._file(p, +1)
                if pid in lex:
                    self.restorers.partition(p.metadata).add_tokens(lex[pid][0])
            # searchable only once its passage is in `by_id`: a search running meanwhile never meets an unknown id
            self.lexical.add_tokens((pid, *lex[pid]) for pid in need if pid in lex)

    def _drop(self, ids: list[str]) -> None:
        if not ids:
            return
        self.lexical.remove(ids)
        for pid in ids:
            p = self._by_id.pop(pid, None)
            if p is None:
                continue
            for g in groups_of(p.metadata):
                self.by_group.get(g, set()).discard(pid)
            self._file(p, -1)
            # the restorer keeps the words it learnt (they only suggest diacritics); rebuilt on a full refresh

    def visible_ids(self, groups: frozenset[str] | None) -> set[str] | None:
        """Passage ids the caller may see (None: all). Cached per group set until the index changes."""
        if groups is None:
            return None
        hit = self._visible_cache.get(groups)
        if hit and hit[0] == self.generation:
            return hit[1]
        ids: set[str] = set().union(*(self.by_group.get(g, set()) for g in groups)) if groups else set()
        self._visible_cache[groups] = (self.generation, ids)
        return ids

    def _visible_slots(self) -> Any:
        """The lexical index's mask of the caller's passages (None: unrestricted); called under its lock."""
        groups = caller_groups()
        if groups is None:
            return None
        version = (self.generation, self.lexical.epoch)
        return self._view("slots", groups, version, lambda: slot_mask(self.lexical, self.visible_ids(groups) or ()))
