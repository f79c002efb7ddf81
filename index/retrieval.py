"""Hybrid retrieval: dense (Chroma) + lexical (BM25, accented and folded) + exact document-number path,
fused by weighted reciprocal rank. Filters fail closed: a filter that matches nothing returns nothing."""

from __future__ import annotations

import os
import pickle
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .access import caller_groups, groups_of
from .catalog import Catalog, StoredPassage
from .embedders import Embedder
from .filters import FILTER_KEYS as FILTER_KEYS  # re-exported: filters lived here
from .filters import BadFilter as BadFilter
from .filters import compile_filters, effective_type, number_key, type_key
from .fusion import FusionWeights, Signals, fuse
from .lexical import LexicalIndex
from .vectorstore import ChromaStore
from .visibility import RestorerPartitions, slot_mask, visible_keys
from .vntext import DiacriticRestorer, fold, has_diacritics

DEPTH = 60  # candidates taken from each path
QUERY_VECTORS_KEPT = 64
SNAPSHOT_EVERY = 2000  # passages changed before the lexical snapshot is written again
_ASKS_CLOSING = re.compile(r"\bký\b|\bky\b|người ký|nguoi ky|nơi nhận|noi nhan|gửi|\bgui\b|sign|recipient", re.I)

ROW_FIELDS = ("lead", "partner", "deadline")


@dataclass
class QueryPlan:
    text: str
    k: int = 10
    filters: dict[str, Any] = field(default_factory=dict)
    number_keys: list[str] = field(default_factory=list)
    bare_numbers: list[tuple[str, str]] = field(default_factory=list)  # (number, folded type code or "")
    dense_text: str | None = None
    restore_diacritics: bool = True  # off for English questions
    prefer: list[str] = field(default_factory=list)  # regexes of features a good passage shows
    prefer_types: list[str] = field(default_factory=list)  # folded type codes named by the question ("KH")
    english: bool = False  # the question is in English: its words meet the Vietnamese text only through e5


@dataclass
class Hit:
    passage: StoredPassage
    score: float
    ranks: dict[str, int]
    dense: float = 0.0  # cosine of the question and the passage (0 when outside the dense candidates)


class PassageCache:
    """All passages' metadata in memory, with the lexical index, the number and table-cell lookups and the
    diacritic restorer. When the catalog's generation moves, only the passages whose ids appeared or
    disappeared are loaded or dropped (ids hash the text, so a changed passage is a new id). What a restricted
    caller gets of the shared statistics is its visible share only (index/visibility.py)."""

    def __init__(self, catalog: Catalog, lexical: LexicalIndex) -> None:
        self.catalog = catalog
        self.lexical = lexical
        self.by_id: dict[str, StoredPassage] = {}
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

    # --- snapshot of the lexical index and the restorer: a restart reads them instead of every token ----
    def _snapshot_paths(self) -> tuple[str, str]:
        base = os.path.dirname(os.path.abspath(self.catalog.path))
        return os.path.join(base, "lexical.snapshot.npz"), os.path.join(base, "restorer.snapshot.pickle")

    def _load_snapshot(self, ids: set[str]) -> None:
        lex_path, restorer_path = self._snapshot_paths()
        if not (os.path.exists(lex_path) and os.path.exists(restorer_path)):
            return
        try:
            with open(restorer_path, "rb") as fh:
                state = pickle.load(fh)  # noqa: S301 - our own file under the data dir
        except (OSError, pickle.PickleError, ValueError, EOFError):
            return
        restorers = RestorerPartitions()
        if not restorers.load(state) or not self.lexical.load(lex_path):
            return
        self.restorers = restorers
        stale = [pid for pid in self.lexical.slot_of if pid not in ids]
        self.lexical.remove(stale)  # passages deleted after the snapshot was taken

    def save_snapshot(self) -> None:
        lex_path, restorer_path = self._snapshot_paths()
        with self._lock:
            self.changed = 0
            self.lexical.save(lex_path)
            tmp = f"{restorer_path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                pickle.dump(self.restorers.state(), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, restorer_path)

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
                p = StoredPassage(p.id, p.doc_id, p.position, p.kind, p.text, "", p.metadata)
                self.by_id[pid] = p
                for g in groups_of(p.metadata):
                    self.by_group.setdefault(g, set()).add(pid)
                for f, key in _index_keys(p):
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
            for f, key in _index_keys(p):
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

    def _view(self, what: str, groups: frozenset[str], version: Any, build: Callable[[], Any]) -> Any:
        hit = self._views.get((what, groups))
        if hit is not None and hit[0] == version:
            return hit[1]
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
        return self._view("numbers", groups, self.generation,  # type: ignore[no-any-return]
                          lambda: visible_keys(self.by_number, visible) | visible_keys(self.own_number, visible))

    def row_values_seen(self, field: str) -> dict[str, set[str]]:
        """Task-table values of a column → their rows, for the values the caller has a row of."""
        table = self.row_values.get(field, {})
        groups = caller_groups()
        if groups is None:
            return table
        visible = self.visible_ids(groups) or set()
        return self._view(f"rows:{field}", groups, self.generation,  # type: ignore[no-any-return]
                          lambda: {v: pids & visible for v, pids in table.items() if not pids.isdisjoint(visible)})


def _cell_key(value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(value).lower()).split())


def _index_keys(p: StoredPassage) -> list[tuple[str, str]]:
    """(table, key) pairs a passage is filed under: numbers it cites, numbers it belongs to, and for a
    task-table row its lead/partner cells split into agency names (`Sở Nội vụ, Sở Tư pháp` → two) and its
    deadline cell whole. Cell keys are folded so `so noi vu` finds `Sở Nội vụ`."""
    md = p.metadata
    out = [("cites", k) for k in md.get("doc_numbers") or []]
    for key in {md.get("directive_key"), _key(md.get("doc_number")), _key(md.get("attached_to"))}:
        if key:
            out.append(("own", key))
    if p.kind == "table_row":
        for f in ROW_FIELDS:
            cell = str(md.get(f"row_{f}") or "")
            parts = [cell] if f == "deadline" else re.split(r"[,;\n]|\s-\s|\bchủ trì\b|\bhướng dẫn\b", cell)
            for part in parts:
                key = _cell_key(part.strip(" .:;()"))
                if len(key) >= 5 and len(key.split()) >= 2:
                    out.append((f, key))
    return list(dict.fromkeys(out))


_key = number_key


class HybridRetriever:
    def __init__(self, catalog: Catalog, store: ChromaStore, embedder: Embedder, lexical: LexicalIndex) -> None:
        self.catalog, self.store, self.embedder, self.lexical = catalog, store, embedder, lexical
        self.cache = PassageCache(catalog, lexical)
        self.weights = FusionWeights.load()  # fitted by bench/fit_fusion.py
        self._vectors: OrderedDict[str, Any] = OrderedDict()  # recent query vectors (search, then answer)
        self._vectors_lock = threading.Lock()

    def query_vector(self, text: str) -> Any:
        """The question's embedding, kept for the few questions in flight: the answerer compares it with
        candidate sentences right after the search that computed it."""
        with self._vectors_lock:
            if text in self._vectors:
                self._vectors.move_to_end(text)
                return self._vectors[text]
        vec = self.embedder.embed_query(text)
        with self._vectors_lock:
            self._vectors[text] = vec
            while len(self._vectors) > QUERY_VECTORS_KEPT:
                self._vectors.popitem(last=False)
        return vec

    def resolve_numbers(self, plan: QueryPlan) -> list[str]:
        keys = [k for k in plan.number_keys if k in self.cache.known_numbers()] or list(plan.number_keys)
        known = self.cache.known_numbers()
        for num, tcode in plan.bare_numbers:
            cands = [k for k in known if k.split("/")[0].split("-")[0].lstrip("0") == num.lstrip("0")]
            if tcode:
                typed = [k for k in cands if _type_code(k) == tcode]
                cands = typed or cands
            if len(cands) == 1:
                keys.append(cands[0])
            elif cands and len({_type_code(k) for k in cands}) == 1 and len(cands) <= 2:
                keys.extend(cands)
        return list(dict.fromkeys(keys))

    def search(self, plan: QueryPlan) -> list[Hit]:
        got = self.signals(plan)
        if got is None:
            return []
        signals, vec, sims, allowed = got
        scores, ranks = fuse(signals, self.weights, allowed)
        by_id = self.cache.by_id
        best = sorted(scores.items(), key=lambda kv: -kv[1])[: plan.k]
        missing = [pid for pid, _ in best if pid not in sims]
        if missing:  # found by the lexical or number path only: their cosine too, for the answerer
            sims.update(self._exact_order(missing, vec)[1])
        return [Hit(p, s, ranks[pid], sims.get(pid, 0.0)) for pid, s in best if (p := by_id.get(pid)) is not None]

    def signals(self, plan: QueryPlan) -> tuple[Signals, Any, dict[str, float], Callable[[str], bool] | None] | None:
        """Everything retrieval finds for a plan before weighing (index.fusion): the dense and lexical
        rankings, the number path, the features a good passage shows; None when no passage may be returned."""
        self.cache.refresh()
        pred = compile_filters(plan.filters)
        by_id = self.cache.by_id
        allowed: Callable[[str], bool] | None = None
        visible = self.cache.visible_ids(caller_groups())
        if pred is not None:
            pool = by_id.keys() if visible is None else visible
            ok = {pid for pid in pool if pred(by_id[pid].metadata)}
            if not ok:
                return None
            allowed = ok.__contains__
        elif visible is not None:
            if not visible:
                return None
            allowed = visible.__contains__

        lexical_text, dense_text = plan.text, plan.dense_text or plan.text
        folded_query = not has_diacritics(plan.text) and plan.restore_diacritics
        if folded_query:
            lexical_text = self.cache.restorer.restore(plan.text)
            dense_text = self.cache.restorer.restore(dense_text)
        vec = self.query_vector(dense_text)
        where = None
        if pred is not None:  # an explicit filter: Chroma searches those documents only
            ok_docs = sorted({by_id[pid].doc_id for pid in by_id if allowed is not None and allowed(pid)})
            where = {"doc_id": {"$in": ok_docs}}
        dense = [pid for pid, _ in self.store.query(vec, DEPTH if allowed is None else DEPTH * 3, where)
                 if pid in by_id and (allowed is None or allowed(pid))][:DEPTH]
        dense, sims = self._exact_order(dense, vec)

        if folded_query:  # restored words may be wrong: the folded field of the original keeps an equal say
            lex_scores = dict(self.lexical.search(lexical_text, DEPTH * 2, diacritics=True, allowed=allowed))
            for pid, s in self.lexical.search(plan.text, DEPTH * 2, diacritics=False, allowed=allowed):
                lex_scores[pid] = lex_scores.get(pid, 0.0) + s
            lex_ranked = sorted(lex_scores.items(), key=lambda kv: -kv[1])[:DEPTH]
        else:
            lex_ranked = self.lexical.search(lexical_text, DEPTH, diacritics=has_diacritics(lexical_text),
                                             allowed=allowed)
        lex_ranked = [(pid, sc) for pid, sc in lex_ranked if pid in by_id]  # dropped by a refresh meanwhile
        lex = [pid for pid, _ in lex_ranked]

        number: list[str] = []
        keys = self.resolve_numbers(plan)
        if keys:
            base = {pid: i for i, pid in enumerate(dense + [x for x in lex if x not in set(dense)])}
            own = [pid for k in keys for pid in self.cache.own_number.get(k, [])]
            cite = [pid for k in keys for pid in self.cache.by_number.get(k, []) if pid not in set(own)]

            own = [p for p in own if p in by_id]
            cite = [p for p in cite if p in by_id]

            def order(p: str) -> tuple[int, str, int]:
                return base.get(p, 10**6), by_id[p].doc_id, by_id[p].position

            ordered = sorted(dict.fromkeys(own), key=order) + sorted(dict.fromkeys(cite), key=order)
            number = [p for p in ordered if p in by_id and (allowed is None or allowed(p))][:DEPTH]
        candidates = list(dict.fromkeys([*dense, *lex, *number]))
        signals = Signals(dense, lex_ranked, number, plan.english, bool(_ASKS_CLOSING.search(plan.text)),
                          {pid for pid in candidates if by_id[pid].kind == "closing"},
                          self._prefer_counts(plan, candidates), self._holders(candidates))
        return signals, vec, sims, allowed

    def list_rows(self, query: str, field: str = "") -> tuple[str, str, list[str]]:
        """Rows of task tables whose column (lead / partner / deadline; any when not said) holds a value the
        query names: ("lead", "so noi vu", [ids]). The longest named value wins; empty when none is named."""
        self.cache.refresh()
        q = f" {_cell_key(query)} "
        best: tuple[int, str, str] = (0, "", "")
        for f in ([field] if field else list(ROW_FIELDS)):
            for value in self.cache.row_values_seen(f):  # a value only a hidden row has is not known
                if len(value) > best[0] and f" {value} " in q:
                    best = (len(value), f, value)
        if not best[0]:
            return "", "", []
        _, f, value = best
        ids = [pid for v, pids in self.cache.row_values_seen(f).items() if f" {value} " in f" {v} " for pid in pids]
        ids = sorted(set(ids), key=lambda pid: (self.cache.by_id[pid].doc_id, self.cache.by_id[pid].position))
        return f, value, ids

    def _exact_order(self, ids: list[str], vec: Any) -> tuple[list[str], dict[str, float]]:
        """Re-rank the ANN candidates by exact cosine with the catalog's stored vectors: HNSW order among
        near-ties (pieces of one item) is approximate and varied between processes; this is reproducible."""
        import numpy as np

        vecs = self.catalog.vectors_by_id(self.embedder.name, ids)
        q = np.asarray(vec, dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        sims = {pid: float(np.dot(v, q) / (np.linalg.norm(v) or 1.0)) for pid, v in vecs.items()}
        if len(vecs) != len(ids):
            return ids, sims
        return sorted(ids, key=lambda pid: (-round(sims[pid], 6), self.cache.by_id[pid].doc_id,
                                            self.cache.by_id[pid].position)), sims

    def agencies_in(self, text: str) -> list[str]:
        """Agency names (folded) the text mentions: the standard provincial bodies plus every agency named
        in the corpus's task tables; a name inside a longer one found is dropped (Sở Tài chính ⊂ …)."""
        q = f" {_cell_key(text)} "
        names = set(STANDARD_AGENCIES) | set(self.cache.row_values_seen("lead")) | set(
            self.cache.row_values_seen("partner"))
        found = sorted((n for n in names if len(n.split()) >= 2 and f" {n} " in q), key=len, reverse=True)
        out: list[str] = []
        for n in found:
            if not any(f" {n} " in f" {m} " for m in out):
                out.append(n)
        return out

    def _prefer_counts(self, plan: QueryPlan, ids: list[str]) -> dict[str, int]:
        """How many features the question asks for each candidate shows: its period words, "chủ trì" for a
        who-question, the date or an agency the question names, the document type it names."""
        patterns = [re.compile(p, re.I) for p in plan.prefer]
        agencies = [a for a in self.agencies_in(plan.text) if not a.startswith(("ubnd tinh", "uy ban nhan dan tinh"))]
        types = set(plan.prefer_types)
        if not (patterns or agencies or types):
            return {}
        out: dict[str, int] = {}
        for pid in ids:
            p = self.cache.by_id[pid]
            n = sum(1 for rx in patterns if rx.search(p.text))
            if agencies:
                folded = f" {_cell_key(p.text)} "
                n += sum(1 for a in agencies if f" {a} " in folded)
            if types and _type_code_of(p.metadata) in types:
                n += 1
            if n:
                out[pid] = n
        return out

    def _holders(self, ids: list[str]) -> dict[str, str]:
        """Footnote → the passage citing it (read with it)."""
        out = {}
        for pid in ids:
            p = self.cache.by_id[pid]
            holder = p.metadata.get("cited_by") if p.kind == "footnote" else None
            if holder and holder in self.cache.by_id:
                out[pid] = str(holder)
        return out


def _type_code_of(md: dict[str, Any]) -> str:
    """Folded type code of a passage's document or reported directive ("Kế hoạch" → "KH")."""
    return _TYPE_BY_NAME.get(type_key(effective_type(md)), "")


# Display type names → folded type code, for the question's type words (index must not import ingest).
_TYPE_BY_NAME = {"quyet dinh": "QD", "ke hoach": "KH", "chi thi": "CT", "bao cao": "BC", "thong bao": "TB",
                 "nghi quyet": "NQ", "nghi dinh": "ND", "thong tu": "TT", "cong dien": "CD", "chuong trinh": "CTR",
                 "huong dan": "HD", "cong van": "CV"}
# Bodies every province has (folded): a question naming one prefers passages that name it.
STANDARD_AGENCIES = tuple(_cell_key(x) for x in (
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Công Thương", "Sở Xây dựng",
    "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Khoa học và Công nghệ",
    "Sở Thông tin và Truyền thông", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội", "Sở Ngoại vụ", "Sở Du lịch", "Thanh tra tỉnh", "Ban Dân tộc",
    "Văn phòng UBND tỉnh", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Bộ đội Biên phòng tỉnh",
    "Ban Quản lý Khu kinh tế", "Cục Thuế tỉnh", "Cục Hải quan", "Kho bạc Nhà nước", "Đài Phát thanh và Truyền hình",
    "Trung tâm Phục vụ hành chính công", "Liên đoàn Lao động tỉnh", "Tỉnh đoàn", "UBND cấp huyện", "UBND cấp xã",
    "UBND các huyện, thành phố"))


def _type_code(key: str) -> str:
    tail = key.split("/", 1)[1] if "/" in key else ""
    if re.match(r"^\d{4}/", tail):
        tail = tail.split("/", 1)[1]
    if "-" in key.split("/")[0]:  # party style 135-NQ/TU
        return key.split("/")[0].split("-")[1]
    first = tail.split("-")[0]
    return first if first in {"QD", "KH", "CT", "BC", "TB", "NQ", "ND", "TT", "CD", "CTR", "HD", "TTR", "KL"} else ""
