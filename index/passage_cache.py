"""The serving cache: every passage's text and metadata in memory (without its embedding text), with what is
built from them — the BM25 index (index/lexical.py), the diacritic restorer per access-group set
(index/visibility.py), the document-number tables (numbers a passage cites, numbers it belongs to), the
task-table cells by column role (for listing questions) and the passages of each access group.

When the catalog's generation moves, only the passages whose ids appeared or disappeared are loaded or dropped
(ids hash the text, so a changed passage is a new id). What a restricted caller gets of the shared statistics
is its visible share only (index/visibility.py). The lexical index and the restorer are snapshotted under the
data dir (index/snapshot.py) so a restart does not re-read every token."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from domain.passages import Passage, PassageKind

from . import snapshot
from .access import caller_groups, groups_of
from .catalog import Catalog
from .filters import number_key
from .lexical import LexicalIndex
from .visibility import RestorerPartitions, slot_mask, visible_keys
from .vntext import TOKENIZER_VERSION, DiacriticRestorer, fold

T = TypeVar("T")
SNAPSHOT_EVERY = 2000  # passages changed before the lexical snapshot is written again
ROW_FIELDS = ("lead", "partner", "deadline")  # task-table columns a listing question constrains


class PassageCache:
    """All passages' metadata in memory, with the lexical index, the number and table-cell lookups and the
    diacritic restorer. When the catalog's generation moves, only the passages whose ids appeared or
    disappeared are loaded or dropped (ids hash the text, so a changed passage is a new id). What a restricted
    caller gets of the shared statistics is its visible share only (index/visibility.py)."""

    def __init__(self, catalog: Catalog, lexical: LexicalIndex) -> None:
        self.catalog = catalog
        self.lexical = lexical
        self.by_id: dict[str, Passage] = {}
        self.by_number: dict[str, set[str]] = {}  # number key → passages citing it
        self.own_number: dict[str, set[str]] = {}  # number key → passages of that document or item
        self.restorers = RestorerPartitions()
        # task-table cells by column role: folded value → row passage ids (for listing questions)
        self.row_values: dict[str, dict[str, set[str]]] = {f: {} for f in ROW_FIELDS}
        self.by_group: dict[str, set[str]] = {}  # access group → passage ids
        self._visible_cache: dict[frozenset[str], tuple[int, set[str]]] = {}
        self._views: dict[tuple[str, frozenset[str]], tuple[Any, Any]] = {}  # (what, groups) → (version, value)
        self.generation = -1
        self._known: tuple[int, set[str]] = (-1, set())
        lexical.visible_slots = self._visible_slots
        self._lock = threading.Lock()
        self._saving = threading.Lock()
        self.changed = 0  # passages added or removed since the last snapshot

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
                self.by_id[pid] = p
                for g in groups_of(p.metadata):
                    self.by_group.setdefault(g, set()).add(pid)
                for f, key in index_keys(p):
                    self._table(f).setdefault(key, set()).add(pid)
                if pid in lex:
                    self.restorers.partition(p.metadata).add_tokens(lex[pid][0])
            # searchable only once its passage is in `by_id`: a search running meanwhile never meets an unknown id
            self.lexical.add_tokens((pid, *lex[pid]) for pid in need if pid in lex)

    def _drop(self, ids: list[str]) -> None:
        if not ids:
            return
        self.lexical.remove(ids)
        for pid in ids:
            p = self.by_id.pop(pid, None)
            if p is None:
                continue
            for g in groups_of(p.metadata):
                self.by_group.get(g, set()).discard(pid)
            for f, key in index_keys(p):
                table = self._table(f)
                table.get(key, set()).discard(pid)
                if not table.get(key, True):
                    del table[key]
            # the restorer keeps the words it learnt (they only suggest diacritics); rebuilt on a full refresh

    def _table(self, name: str) -> dict[str, set[str]]:
        if name == "cites":
            return self.by_number
        if name == "own":
            return self.own_number
        return self.row_values[name]

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

    @property
    def restorer(self) -> DiacriticRestorer:
        """The caller's restorer: words learnt from documents it may read."""
        return self.restorers.for_groups(caller_groups(), self.generation)

    def _view(self, what: str, groups: frozenset[str], version: Any, build: Callable[[], T]) -> T:
        hit = self._views.get((what, groups))
        if hit is not None and hit[0] == version:
            return cast(T, hit[1])
        value = build()
        self._views[(what, groups)] = (version, value)
        return value

    def _visible_slots(self) -> Any:
        """The lexical index's mask of the caller's passages (None: unrestricted); called under its lock."""
        groups = caller_groups()
        if groups is None:
            return None
        version = (self.generation, self.lexical.epoch)
        return self._view("slots", groups, version, lambda: slot_mask(self.lexical, self.visible_ids(groups) or ()))

    def known_numbers(self) -> set[str]:
        """Document numbers the corpus knows — of the caller's passages only."""
        if self._known[0] != self.generation:
            self._known = (self.generation, set(self.by_number) | set(self.own_number))
        groups = caller_groups()
        if groups is None:
            return self._known[1]
        visible = self.visible_ids(groups) or set()
        return self._view("numbers", groups, self.generation,
                          lambda: visible_keys(self.by_number, visible) | visible_keys(self.own_number, visible))

    def row_values_seen(self, field: str) -> dict[str, set[str]]:
        """Task-table values of a column → their rows, for the values the caller has a row of."""
        table = self.row_values.get(field, {})
        groups = caller_groups()
        if groups is None:
            return table
        visible = self.visible_ids(groups) or set()
        return self._view(f"rows:{field}", groups, self.generation,
                          lambda: {v: pids & visible for v, pids in table.items() if not pids.isdisjoint(visible)})


def cell_key(value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(value).lower()).split())


def index_keys(p: Passage) -> list[tuple[str, str]]:
    """(table, key) pairs a passage is filed under: numbers it cites, numbers it belongs to, and for a
    task-table row its lead/partner cells split into agency names (`Sở Nội vụ, Sở Tư pháp` → two) and its
    deadline cell whole. Cell keys are folded so `so noi vu` finds `Sở Nội vụ`."""
    md = p.metadata
    out = [("cites", k) for k in md.get("doc_numbers") or []]
    for key in {md.get("directive_key"), number_key(md.get("doc_number")), number_key(md.get("attached_to"))}:
        if key:
            out.append(("own", key))
    if p.kind == PassageKind.TABLE_ROW:
        for f in ROW_FIELDS:
            cell = str(md.get(f"row_{f}") or "")
            parts = [cell] if f == "deadline" else re.split(r"[,;\n]|\s-\s|\bchủ trì\b|\bhướng dẫn\b", cell)
            for part in parts:
                key = cell_key(part.strip(" .:;()"))
                if len(key) >= 5 and len(key.split()) >= 2:
                    out.append((f, key))
    return list(dict.fromkeys(out))
