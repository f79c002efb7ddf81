"""The serving view of a server-mode replica (index/lookups.py `PassageView`), kept in step with the shared
database: per request it reads the generation (and the active Chroma collection, which `repair` may swap) and,
when the generation moved, applies the change feed — passages written or removed since — and the restorer
counts changed since. Lexical search runs in the database. So a replica holds nothing another replica cannot
see: two replicas at one generation hold the same view, whatever their history.

What it holds per passage is compact (1M passages must fit a replica in well under 2 GB): its id, document,
position, kind and access partition in flat arrays, and indices into tables of distinct "key metadata" (what
filters and the number and table-cell lookups read: the document's fields, shared by its passages, and the
passage's own — its date, the numbers it cites, a directive's or a table row's fields). Texts and full metadata stay in PostgreSQL: a question's candidates (≤ ~200) are fetched in one
round trip (`prefetch`), and the last few thousand read are kept (LRU)."""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from domain.passages import Passage, PassageKind

from ..access import groups_of
from ..lookups import Lookups
from ..visibility import RestorerPartitions
from ..vntext import DiacriticRestorer
from .catalog import PgCatalog
from .lexical import PgLexicalIndex

KINDS = list(PassageKind)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
KEPT = 4096  # full passages kept: a question reads at most a few hundred
LOAD_CHUNK = 5000
# what filters (index/filters.py) and `index_keys` read of a passage's metadata, besides its groups: the
# document's fields (shared by its passages) and the passage's own
DOC_FIELDS = ("doc_id", "source", "doc_type", "doc_number", "attached_to")
OWN_FIELDS = ("kind", "date_int", "doc_numbers", "directive_type", "directive_key", "row_lead", "row_partner",
              "row_deadline")
KEY_FIELDS = DOC_FIELDS + OWN_FIELDS
_KEYS_SQL = ("json_strip_nulls(json_build_object(" + ", ".join(f"'{k}', meta -> '{k}'" for k in KEY_FIELDS)
             + ")), meta -> 'groups'")
_TEXT_COLS = "id, doc_id, position, kind, text, meta"  # without the embedding text, as the embedded cache
_SEED = DiacriticRestorer()  # the counts every restorer starts with; the database holds the corpus's


class _Distinct:
    """Distinct tuples, each stored once (as its own dict key), by index."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, ...]] = []
        self.index: dict[tuple[Any, ...], int] = {}

    def add(self, values: tuple[Any, ...]) -> int:
        i = self.index.get(values)
        if i is None:
            i = self.index[values] = len(self.items)
            self.items.append(values)
        return i


def _values(keys: dict[str, Any], fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in (keys.get(f) for f in fields))


def _passage(r: tuple[Any, ...]) -> Passage:
    return Passage(r[0], r[1], r[2], PassageKind(r[3]), r[4], "", r[5])


class _ById(Mapping[str, Passage]):
    """Every live passage by id: membership from memory, the passage itself from the LRU or the database."""

    def __init__(self, cache: SharedPassageCache) -> None:
        self.cache = cache

    def __getitem__(self, pid: str) -> Passage:
        return self.cache.passage(pid)

    def __contains__(self, pid: object) -> bool:
        return pid in self.cache.slot_of

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.cache.slot_of))

    def __len__(self) -> int:
        return len(self.cache.slot_of)


class SharedPassageCache(Lookups):
    def __init__(self, catalog: PgCatalog, lexical: PgLexicalIndex,
                 on_collection: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.pg, self.pool, self.lexical = catalog, catalog.pool, lexical
        self.on_collection = on_collection
        self.collection: str | None = None
        self._lock = threading.RLock()
        # slots: one per passage loaded (a removed one's slot stays dead; ids are never reused by a slot)
        self.slot_of: dict[str, int] = {}
        self.ids: list[str | None] = []
        self.doc, self.pos = array("i"), array("i")
        self.kind, self.part = array("B"), array("H")
        self.doc_keys, self.own_keys = array("i"), array("i")  # indices into the distinct key tuples
        self.alive = array("B")
        self.docs: list[str] = []
        self._doc_index: dict[str, int] = {}
        self.parts: list[frozenset[str]] = []
        self._part_index: dict[frozenset[str], int] = {}
        # distinct key metadata (never dropped: a few hundred bytes each, shared by most passages)
        self.doc_meta, self.own_meta = _Distinct(), _Distinct()
        self._kept: OrderedDict[str, Passage] = OrderedDict()
        self._visible: dict[frozenset[str], tuple[int, set[str]]] = {}
        self._by_id = _ById(self)

    @property
    def by_id(self) -> Mapping[str, Passage]:
        return self._by_id

    # --- following the database ---------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        gen, active = self.pg.state()
        if active and active != self.collection:
            self.collection = active
            if self.on_collection is not None:
                self.on_collection(active)  # `repair` swapped a rebuilt collection in
        if gen == self.generation and not force:
            return
        with self._lock:
            if gen == self.generation and not force:
                return
            since = -1 if force else self.generation
            now, reset, added, removed = self.pg.changes_since(since)
            if reset:
                keep = set(added)
                removed = [pid for pid in self.slot_of if pid not in keep]
                self.restorers = RestorerPartitions()
                since = -1
            self._load(added)  # a rewritten passage is replaced: a search meanwhile always finds it
            self._drop(removed)
            for pid in (*added, *removed):
                self._kept.pop(pid, None)
            self._restorer_since(since)
            self.lexical.generation = now
            self.generation = now

    def _load(self, ids: list[str]) -> None:
        for i in range(0, len(ids), LOAD_CHUNK):
            with self.pool.connection() as conn:
                rows = conn.execute(f"SELECT id, doc_id, position, kind, {_KEYS_SQL} FROM passages "
                                    "WHERE id = ANY(%s::text[])", (ids[i : i + LOAD_CHUNK],)).fetchall()
            for pid, doc_id, position, kind, keys, groups in rows:
                if pid in self.slot_of:
                    self._drop([pid])
                self._add(pid, doc_id, position, PassageKind(kind), keys, groups)

    def _add(self, pid: str, doc_id: str, position: int, kind: PassageKind, keys: dict[str, Any],
             groups: list[str] | None) -> None:
        slot = len(self.ids)
        self.slot_of[pid] = slot
        self.ids.append(pid)
        self.doc.append(self._intern_doc(doc_id))
        self.pos.append(position)
        self.kind.append(KIND_CODE[kind])
        self.part.append(self._intern_part(frozenset(groups_of({"groups": groups}))))
        self.doc_keys.append(self.doc_meta.add(_values(keys, DOC_FIELDS)))
        self.own_keys.append(self.own_meta.add(_values(keys, OWN_FIELDS)))
        self.alive.append(1)
        self._file(Passage(pid, doc_id, position, kind, "", "", keys), +1)  # type: ignore[arg-type]

    def _drop(self, ids: Iterable[str]) -> None:
        for pid in ids:
            slot = self.slot_of.pop(pid, None)
            if slot is None:
                continue
            self.alive[slot] = 0
            self.ids[slot] = None
            self._file(Passage(pid, self.docs[self.doc[slot]], self.pos[slot], KINDS[self.kind[slot]], "", "",
                               self._meta(self.doc_keys[slot], self.own_keys[slot])), -1)  # type: ignore[arg-type]

    def _intern_doc(self, doc_id: str) -> int:
        i = self._doc_index.get(doc_id)
        if i is None:
            i = self._doc_index[doc_id] = len(self.docs)
            self.docs.append(doc_id)
        return i

    def _intern_part(self, groups: frozenset[str]) -> int:
        i = self._part_index.get(groups)
        if i is None:
            i = self._part_index[groups] = len(self.parts)
            self.parts.append(groups)
        return i

    def _meta(self, doc_keys: int, own_keys: int) -> dict[str, Any]:
        """The key metadata of a passage, as a dict (what filters and `index_keys` read)."""
        values = self.doc_meta.items[doc_keys] + self.own_meta.items[own_keys]
        return {f: v for f, v in zip(KEY_FIELDS, values) if v is not None}

    def _restorer_since(self, since: int) -> None:
        """Set the restorer counts that changed after `since` (absolute counts: applying twice is harmless)."""
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT p.groups, r.bigram, r.key, r.form, r.n FROM restorer_counts r "
                                "JOIN partitions p ON p.id = r.part WHERE r.gen > %s", (since,)).fetchall()
        for groups, bigram, key, form, n in rows:
            part = self.restorers.partition({"groups": list(groups)})
            table, seed = (part.bi, _SEED.bi) if bigram else (part.uni, _SEED.uni)
            value = seed.get(key, {}).get(form, 0) + int(n)
            forms = table.setdefault(key, {})
            if value > 0:
                forms[form] = value
            else:
                forms.pop(form, None)
                if not forms:
                    table.pop(key, None)

    # --- passages themselves: from the database, a question's candidates in one round trip -------------
    def prefetch(self, ids: Iterable[str]) -> None:
        missing = [pid for pid in dict.fromkeys(ids) if pid in self.slot_of and pid not in self._kept]
        if missing:
            self._fetch(missing)

    def _fetch(self, ids: list[str]) -> dict[str, Passage]:
        with self.pool.connection() as conn:
            rows = conn.execute(f"SELECT {_TEXT_COLS} FROM passages WHERE id = ANY(%s::text[])", (ids,)).fetchall()
        got = {r[0]: _passage(r) for r in rows}
        with self._lock:
            self._kept.update(got)
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return got

    def passage(self, pid: str) -> Passage:
        p = self._kept.get(pid)
        if p is not None:
            return p
        if pid not in self.slot_of:
            raise KeyError(pid)
        got = self._fetch([pid]).get(pid)
        if got is None:  # removed in the database since this view's generation
            raise KeyError(pid)
        return got

    def in_order(self) -> Iterator[Passage]:
        """Every passage of this view in document order, streamed (never all in memory at once)."""
        with self.pool.connection() as conn, conn.transaction(), conn.cursor(name="chidao_in_order") as cur:
            cur.itersize = 2000
            cur.execute(f'SELECT {_TEXT_COLS} FROM passages ORDER BY doc_id COLLATE "C", position')
            for r in cur:
                if r[0] in self.slot_of:
                    yield _passage(r)

    # --- what is read from the compact keys ----------------------------------------------------------
    def order_key(self, pid: str) -> tuple[str, int]:
        slot = self.slot_of[pid]
        return self.docs[self.doc[slot]], self.pos[slot]

    def kind_of(self, pid: str) -> PassageKind:
        return KINDS[self.kind[self.slot_of[pid]]]

    def _ids_where(self, mask: np.ndarray) -> set[str]:
        ids = self.ids
        return {pid for i in np.flatnonzero(mask) if (pid := ids[i]) is not None}

    def matching(self, pred: Callable[[Mapping[str, Any]], bool], pool: set[str] | None) -> set[str]:
        """The passages (of `pool`, else all) whose metadata satisfy a compiled filter: the filter reads the
        key metadata, evaluated once per distinct one."""
        with self._lock:
            if pool is not None and len(pool) < 10_000:
                return {pid for pid in pool if (s := self.slot_of.get(pid)) is not None
                        and pred(self._meta(self.doc_keys[s], self.own_keys[s]))}
            if not self.ids:
                return set()
            width = len(self.own_meta.items)
            pairs = np.array(self.doc_keys, dtype=np.int64) * width + np.array(self.own_keys, dtype=np.int64)
            distinct, where = np.unique(pairs, return_inverse=True)
            ok = np.array([pred(self._meta(int(x) // width, int(x) % width)) for x in distinct], dtype=bool)
            found = self._ids_where(ok[where] & np.array(self.alive, dtype=bool))
        return found if pool is None else found & pool

    def visible_ids(self, groups: frozenset[str] | None) -> set[str] | None:
        """Passage ids the caller may see (None: all). Cached per group set until the view changes."""
        if groups is None:
            return None
        hit = self._visible.get(groups)
        if hit and hit[0] == self.generation:
            return hit[1]
        with self._lock:
            ok = np.array([bool(g & groups) for g in self.parts] or [False], dtype=bool)
            ids = self._ids_where(ok[np.array(self.part, dtype=np.int64)] & np.array(self.alive, dtype=bool))
            self._visible[groups] = (self.generation, ids)
        return ids
