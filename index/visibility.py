"""What a caller may learn from the index's statistics. A restricted caller (an API key with access groups) must
get exactly the answers it would get if the documents it cannot read did not exist: not their passages (the
retriever filters those) and not their traces in shared statistics either — the words the diacritic restorer
learnt, the lexical index's frequencies, the document numbers and task-table values known. Each of those is
computed here over the caller's visible passages only and cached per group set until the index changes.
Unrestricted callers (None) get the shared structures as they are."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .access import groups_of
from .lexical import LexicalIndex
from .vntext import DiacriticRestorer

Partition = tuple[str, ...]


class RestorerPartitions:
    """The diacritic restorer's vocabulary kept apart per access-group set of the passages that taught it
    (words of a `mat` document never reach a `public` caller's restorer, even after it is deleted). A caller's
    restorer is its visible partitions merged — the partition itself when it sees only one."""

    def __init__(self) -> None:
        self.parts: dict[Partition, DiacriticRestorer] = {}
        self._views: dict[frozenset[str] | None, tuple[int, DiacriticRestorer]] = {}

    def partition(self, md: Mapping[str, Any]) -> DiacriticRestorer:
        key = tuple(sorted(groups_of(md)))
        part = self.parts.get(key)
        if part is None:
            part = self.parts[key] = DiacriticRestorer()
        return part

    def for_groups(self, groups: frozenset[str] | None, generation: int) -> DiacriticRestorer:
        keys = sorted(k for k in self.parts if groups is None or groups.intersection(k))
        if len(keys) == 1:
            return self.parts[keys[0]]
        hit = self._views.get(groups)
        if hit and hit[0] == generation:
            return hit[1]
        view = DiacriticRestorer.merged([self.parts[k] for k in keys])
        self._views[groups] = (generation, view)
        return view

    def state(self) -> dict[Partition, tuple[Any, Any]]:
        return {k: (r.uni, r.bi) for k, r in self.parts.items()}

    def load(self, state: Any) -> bool:
        if not isinstance(state, dict) or not all(isinstance(k, tuple) for k in state):
            return False  # a snapshot from before partitions: rebuilt from the catalog's tokens
        self.parts = {}
        for key, (uni, bi) in state.items():
            part = DiacriticRestorer()
            part.uni, part.bi = uni, bi
            self.parts[key] = part
        self._views = {}
        return True


def slot_mask(lexical: LexicalIndex, ids: Iterable[str]) -> np.ndarray:
    """The lexical index's slots of these passages (call under the index's lock: slots move on compaction)."""
    mask = np.zeros(len(lexical.ids), dtype=bool)
    slots = [s for pid in ids if (s := lexical.slot_of.get(pid)) is not None]
    if slots:
        mask[np.asarray(slots, dtype=np.int64)] = True
    return mask


def visible_keys(table: dict[str, set[str]], visible: set[str]) -> set[str]:
    """Keys of a lookup table (number → passages, cell value → rows) that have at least one visible passage."""
    return {k for k, pids in table.items() if not pids.isdisjoint(visible)}
