"""The `Retriever` role, and hybrid retrieval: dense (Chroma) + lexical (BM25, accented and folded) + exact
document-number path, fused by weighted reciprocal rank (index/fusion.py). Filters fail closed: a filter that
matches nothing returns nothing."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from domain.agencies import STANDARD_AGENCIES as standard_agencies
from domain.doctypes import TYPE_CODES, code_of_name
from domain.passages import Passage, PassageKind

from .access import caller_groups
from .catalog import Catalog as SQLiteCatalog
from .embedders import Embedder
from .filters import FILTER_KEYS as FILTER_KEYS  # re-exported: filters lived here
from .filters import BadFilter as BadFilter
from .filters import compile_filters, effective_type
from .fusion import FusionWeights, Signals, fuse
from .lexical import LexicalIndex as BM25
from .passage_cache import ROW_FIELDS, PassageCache, PassageView, cell_key
from .protocols import Catalog, LexicalIndex, VectorStore
from .vntext import has_diacritics

DEPTH = 60  # candidates taken from each path
QUERY_VECTORS_KEPT = 64
_ASKS_CLOSING = re.compile(r"\bký\b|\bky\b|người ký|nguoi ky|nơi nhận|noi nhan|gửi|\bgui\b|sign|recipient", re.I)


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
    passage: Passage
    score: float
    ranks: dict[str, int]
    dense: float = 0.0  # cosine of the question and the passage (0 when outside the dense candidates)


@runtime_checkable
class Retriever(Protocol):
    """Passages for a plan, best first: at most `plan.k`, each once, only those the plan's filters and the
    caller's access groups (index/access.py) allow — none when nothing matches; a malformed filter raises
    `BadFilter`. Contract: tests/contracts/test_retriever.py."""

    def search(self, plan: QueryPlan) -> list[Hit]: ...


class HybridRetriever:
    def __init__(self, catalog: Catalog, store: VectorStore, embedder: Embedder, lexical: LexicalIndex,
                 cache: PassageView | None = None) -> None:
        self.catalog, self.store, self.embedder, self.lexical = catalog, store, embedder, lexical
        # server mode gives its own view, kept in step with the shared database (index/pg/cache.py); the
        # embedded cache holds the in-process index and snapshots it beside the SQLite catalog
        if cache is None:
            if not isinstance(catalog, SQLiteCatalog) or not isinstance(lexical, BM25):
                raise TypeError("only the embedded catalog and lexical index come without their own passage view")
            cache = PassageCache(catalog, lexical)
        self.cache: PassageView = cache
        self.weights = FusionWeights.load()  # fitted by bench/fit_fusion.py
        self._vectors: OrderedDict[str, Any] = OrderedDict()  # recent query vectors (search, then answer)
        self._vectors_lock = threading.Lock()
        self._store_generation = -2  # the view's generation the store's partition list was taken at

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
        ok: set[str] = set()
        if pred is not None:
            ok = self.cache.matching(pred, visible)
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
            ok_docs = sorted({self.cache.order_key(pid)[0] for pid in ok})
            where = {"doc_id": {"$in": ok_docs}}
        if self._store_generation != self.cache.generation:  # another replica may have made a partition
            self.store.forget_partitions()
            self._store_generation = self.cache.generation
        # only the caller's partitions: an ANN graph holding unreadable near-copies would change which
        # readable passages are reached (index/vectorstore.py)
        dense = [pid for pid, _ in self.store.query(vec, DEPTH if allowed is None else DEPTH * 3, where,
                                                    readable=caller_groups())
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
            # the sets are built once: a number many passages cite made these comprehensions quadratic
            # (1.4 s a question at 0.7M passages)
            in_dense = set(dense)
            base = {pid: i for i, pid in enumerate(dense + [x for x in lex if x not in in_dense])}
            own = [pid for k in keys for pid in self.cache.own_number.get(k, [])]
            in_own = set(own)
            cite = [pid for k in keys for pid in self.cache.by_number.get(k, []) if pid not in in_own]

            own = [p for p in own if p in by_id]
            cite = [p for p in cite if p in by_id]

            def order(p: str) -> tuple[int, str, int]:
                return base.get(p, 10**6), *self.cache.order_key(p)

            ordered = sorted(dict.fromkeys(own), key=order) + sorted(dict.fromkeys(cite), key=order)
            number = [p for p in ordered if p in by_id and (allowed is None or allowed(p))][:DEPTH]
        candidates = list(dict.fromkeys([*dense, *lex, *number]))
        self.cache.prefetch(candidates)  # their texts are read next (server mode: one round trip)
        signals = Signals(dense, lex_ranked, number, plan.english, bool(_ASKS_CLOSING.search(plan.text)),
                          {pid for pid in candidates if self.cache.kind_of(pid) == PassageKind.CLOSING},
                          self._prefer_counts(plan, candidates), self._holders(candidates))
        return signals, vec, sims, allowed

    def list_rows(self, query: str, field: str = "") -> tuple[str, str, list[str]]:
        """Rows of task tables whose column (lead / partner / deadline; any when not said) holds a value the
        query names: ("lead", "so noi vu", [ids]). The longest named value wins; empty when none is named."""
        self.cache.refresh()
        q = f" {cell_key(query)} "
        best: tuple[int, str, str] = (0, "", "")
        for f in ([field] if field else list(ROW_FIELDS)):
            for value in self.cache.row_values_seen(f):  # a value only a hidden row has is not known
                if len(value) > best[0] and f" {value} " in q:
                    best = (len(value), f, value)
        if not best[0]:
            return "", "", []
        _, f, value = best
        ids = [pid for v, pids in self.cache.row_values_seen(f).items() if f" {value} " in f" {v} " for pid in pids]
        ids = sorted(set(ids), key=self.cache.order_key)
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
        return sorted(ids, key=lambda pid: (-round(sims[pid], 6), *self.cache.order_key(pid))), sims

    def agencies_in(self, text: str) -> list[str]:
        """Agency names (folded) the text mentions: the standard provincial bodies plus every agency named
        in the corpus's task tables; a name inside a longer one found is dropped (Sở Tài chính ⊂ …)."""
        q = f" {cell_key(text)} "
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
                folded = f" {cell_key(p.text)} "
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
            holder = p.metadata.get("cited_by") if p.kind == PassageKind.FOOTNOTE else None
            if holder and holder in self.cache.by_id:
                out[pid] = str(holder)
        return out


def _type_code_of(md: Mapping[str, Any]) -> str:
    """Filing code of a passage's document or reported directive type ("Kế hoạch" → "KH")."""
    return code_of_name(effective_type(md))


# Bodies every province has (folded, domain/agencies.py): a question naming one prefers passages that name it.
STANDARD_AGENCIES = tuple(cell_key(x) for x in standard_agencies)


def _type_code(key: str) -> str:
    """Type letters of a number key ("2233/QD-UBND" → QD; party style "135-NQ/TU" → NQ; a công văn: "")."""
    tail = key.split("/", 1)[1] if "/" in key else ""
    if re.match(r"^\d{4}/", tail):
        tail = tail.split("/", 1)[1]
    if "-" in key.split("/")[0]:  # party style 135-NQ/TU
        return key.split("/")[0].split("-")[1]
    first = tail.split("-")[0]
    return first if first in TYPE_CODES else ""
