"""Rank fusion: the signals retrieval gathered for a question (dense ranking, lexical ranking and scores,
the document-number path, the features a good passage shows) weighed into one ranking.

The weights are not chosen by hand: `bench/fit_fusion.py` fits them on labelled questions (dev and the
corpus-wide training questions) and freezes them, with the figures that chose them, in
`index/data/fusion.json`; the blind set and the laws are measured with them, never fitted on. English
questions have their own dense and lexical weights (their words meet the Vietnamese text only through e5)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "fusion.json"


@dataclass(frozen=True)
class FusionWeights:
    rrf_k: float = 60.0
    dense: float = 1.0
    lexical: float = 1.0
    number: float = 2.0
    lex_score: float = 1.0  # the BM25 margin, relative to the best, in units of a first-rank contribution
    prefer: float = 0.5  # per feature the question asks for that a fused head passage shows
    closing_prior: float = 0.5  # closing blocks keep this share unless recipients or signers are asked
    dense_english: float = 1.0
    lexical_english: float = 1.0
    prefer_depth: int = 30  # only the fused head is re-scored: a feature must not drag in an unrelated passage

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> FusionWeights:
        if not path.exists():
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(path.read_text(encoding="utf-8"))["weights"].items() if k in known})

    def save(self, figures: dict[str, Any], path: Path = WEIGHTS_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"weights": asdict(self), "figures": figures}, ensure_ascii=False, indent=1)
                        + "\n", encoding="utf-8")


@dataclass
class Signals:
    """What retrieval found for one question, before weighing."""

    dense: list[str]  # passage ids by exact cosine
    lexical: list[tuple[str, float]]  # (id, BM25) best first
    number: list[str]  # passages of or citing the document numbers named
    english: bool = False
    asks_closing: bool = False  # recipients or signers are asked: closing blocks keep their score
    closing: set[str] = field(default_factory=set)  # ids of closing blocks among the candidates
    prefer: dict[str, int] = field(default_factory=dict)  # id → how many asked features the passage shows
    holders: dict[str, str] = field(default_factory=dict)  # footnote id → the passage citing it


def fuse(s: Signals, w: FusionWeights,
         allowed: Callable[[str], bool] | None = None) -> tuple[dict[str, float], dict[str, dict[str, int]]]:
    """Scores and per-path ranks of every candidate."""
    k = w.rrf_k
    rankings = [(w.dense_english if s.english else w.dense, s.dense, "dense"),
                (w.lexical_english if s.english else w.lexical, [pid for pid, _ in s.lexical], "lexical"),
                (w.number, s.number, "number")]
    scores: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    for weight, ranked, name in rankings:
        for r, pid in enumerate(ranked):
            scores[pid] = scores.get(pid, 0.0) + weight / (k + r + 1)
            ranks.setdefault(pid, {})[name] = r + 1
    # Rank fusion forgets how far ahead a lexical match is (an exact rare phrase or figure scores several
    # times the runner-up): add the BM25 score relative to the best, in units of a first-rank contribution.
    if s.lexical and s.lexical[0][1] > 0:
        top = s.lexical[0][1]
        lex_weight = w.lexical_english if s.english else w.lexical
        for pid, sc in s.lexical:
            scores[pid] += w.lex_score * lex_weight * (sc / top) ** 2 / (k + 1)
    if not s.asks_closing:
        for pid in s.closing & scores.keys():
            scores[pid] *= w.closing_prior
    if s.prefer:
        unit = w.prefer / (k + 1)
        for pid, _ in sorted(scores.items(), key=lambda kv: -kv[1])[: w.prefer_depth]:
            scores[pid] += unit * s.prefer.get(pid, 0)
    # A footnote is read with the sentence that cites it: its holder passage ranks right behind it.
    for pid, score in sorted(scores.items(), key=lambda kv: -kv[1])[: w.prefer_depth]:
        holder = s.holders.get(pid)
        if holder and (allowed is None or allowed(holder)):
            lifted = score * 0.999
            if scores.get(holder, 0.0) < lifted:
                scores[holder] = lifted
                ranks.setdefault(holder, {})["footnote_of"] = ranks.get(pid, {}).get("dense") or 0
    return scores, ranks
