"""What both serving caches (embedded: index/passage_cache.py; server mode: index/pg/cache.py) build from
passages' metadata — the document-number tables (numbers a passage cites, numbers it belongs to), the
task-table cells by column role (for listing questions), the diacritic restorer per access-group set — with a
restricted caller's visible share of each (index/visibility.py); and `PassageView`, what search, answers and
the directive catalog read of either cache."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any, Protocol, TypeVar, cast

from domain.passages import Passage, PassageKind

from .access import caller_groups
from .filters import number_key
from .visibility import RestorerPartitions, visible_keys
from .vntext import DiacriticRestorer, fold

T = TypeVar("T")
ROW_FIELDS = ("lead", "partner", "deadline")  # task-table columns a listing question constrains


class PassageView(Protocol):
    """What search, answers and the directive catalog read of the serving cache, in both modes: the passages
    by id (`by_id`: membership is cheap; reading a passage may cost a round trip in server mode, so a
    question's candidates are `prefetch`ed together), their order keys and kinds, the caller's visible ids,
    the number and table-cell lookups and the diacritic restorer."""

    generation: int
    by_number: dict[str, set[str]]
    own_number: dict[str, set[str]]

    @property
    def by_id(self) -> Mapping[str, Passage]: ...
    @property
    def restorer(self) -> DiacriticRestorer: ...
    def refresh(self, force: bool = False) -> None: ...
    def prefetch(self, ids: Iterable[str]) -> None: ...
    def matching(self, pred: Callable[[Mapping[str, Any]], bool], pool: set[str] | None) -> set[str]: ...
    def order_key(self, pid: str) -> tuple[str, int]: ...
    def kind_of(self, pid: str) -> PassageKind: ...
    def in_order(self) -> Iterator[Passage]: ...
    def visible_ids(self, groups: frozenset[str] | None) -> set[str] | None: ...
    def known_numbers(self) -> set[str]: ...
    def row_values_seen(self, field: str) -> dict[str, set[str]]: ...


class Lookups:
    """The number and table-cell lookups and the restorers, with the caller's visible share of each."""

    def __init__(self) -> None:
        self.by_number: dict[str, set[str]] = {}  # number key → passages citing it
        self.own_number: dict[str, set[str]] = {}  # number key → passages of that document or item
        self.restorers = RestorerPartitions()
        # task-table cells by column role: folded value → row passage ids (for listing questions)
        self.row_values: dict[str, dict[str, set[str]]] = {f: {} for f in ROW_FIELDS}
        self._views: dict[tuple[str, frozenset[str]], tuple[Any, Any]] = {}  # (what, groups) → (version, value)
        self.generation = -1
        self._known: tuple[int, set[str]] = (-1, set())

    def visible_ids(self, groups: frozenset[str] | None) -> set[str] | None:
        raise NotImplementedError  # each cache knows its passages' groups

    def _file(self, p: Passage, sign: int) -> None:
        """File a passage under its keys (+1), or take it out of them (-1)."""
        for f, key in index_keys(p):
            table = self._table(f)
            if sign > 0:
                table.setdefault(key, set()).add(p.id)
            else:
                table.get(key, set()).discard(p.id)
                if not table.get(key, True):
                    del table[key]

    def _table(self, name: str) -> dict[str, set[str]]:
        if name == "cites":
            return self.by_number
        if name == "own":
            return self.own_number
        return self.row_values[name]

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


@lru_cache(maxsize=8192)  # a passage's text is keyed again by every question it is a candidate of
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
