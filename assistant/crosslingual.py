"""English questions meet the Vietnamese documents only through e5, which is cross-lingual but coarse on a
whole passage: a passage of ten sentences dilutes the one that answers. For an English question the fused
ranking's first `pool` passages are re-ranked by the passage cosine mixed with the best cosine of any of its
sentences (embedded at ingest for the answerer). The pool and the weight are fitted by
`bench/fit_crosslingual.py` on the training sets' English questions and frozen, with the figures that chose
them, in `assistant/data/crosslingual.json`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.catalog import embed_hash
from index.retrieval import Hit

from .spans import sentence_texts

MODEL_PATH = Path(__file__).resolve().parent / "data" / "crosslingual.json"


@dataclass(frozen=True)
class CrossLingualRerank:
    pool: int = 0  # passages re-ranked (0: off)
    sentence_weight: float = 0.0  # the best sentence's cosine against the passage's own (1 - weight)
    figures: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> CrossLingualRerank:
        if not path.is_file():
            return cls()
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(int(d["pool"]), float(d["sentence_weight"]), d.get("figures", {}))

    def save(self, path: Path = MODEL_PATH) -> None:
        body = {"pool": self.pool, "sentence_weight": self.sentence_weight, "figures": self.figures}
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def rerank(self, hits: list[Hit], query_vec: np.ndarray,
               vectors: Callable[[list[str]], dict[str, np.ndarray]]) -> list[Hit]:
        """The hits re-ordered by (1 - w) · passage cosine + w · best sentence cosine; the rest after them."""
        if not self.pool or not hits:
            return hits
        head, tail = hits[: self.pool], hits[self.pool:]
        return _ordered(head, best_sentence_cosines(head, query_vec, vectors), self.sentence_weight) + tail


def _ordered(hits: list[Hit], best: list[float], weight: float) -> list[Hit]:
    keyed = [((1 - weight) * h.dense + weight * b, -i) for i, (h, b) in enumerate(zip(hits, best))]
    order = sorted(range(len(hits)), key=lambda i: keyed[i], reverse=True)
    return [hits[i] for i in order]


def best_sentence_cosines(hits: list[Hit], query_vec: np.ndarray,
                          vectors: Callable[[list[str]], dict[str, np.ndarray]]) -> list[float]:
    """Per hit, the best cosine of the question with one of its passage's sentences (its passage cosine when
    no sentence has a vector: an index from before sentences were embedded)."""
    q = np.asarray(query_vec, dtype=np.float32)
    q = q / (np.linalg.norm(q) or 1.0)
    hashes = [[embed_hash(t) for t in sentence_texts(h.passage)] for h in hits]
    found = vectors(list(dict.fromkeys(x for hs in hashes for x in hs)))
    out = []
    for h, hs in zip(hits, hashes):
        sims = [float(np.dot(found[x], q) / (np.linalg.norm(found[x]) or 1.0)) for x in hs if x in found]
        out.append(max(sims) if sims else h.dense)
    return out
