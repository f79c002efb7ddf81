"""The answer model: two logistic regressions fitted by `bench/fit_answerer.py` and frozen, with the figures
that chose them, in `assistant/data/answer_model.json`.

- the span model scores each candidate span (features: `assistant/features.py`), fitted on pairs of spans of
  one question (the one holding more of the answer against one holding less), so its scores rank;
- the answerability model gives the probability that the answer composed from the best spans is right, from
  the best span's score, its margin over the next one and what the question shares with it; under the
  fitted threshold chidao abstains."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .features import FEATURE_NAMES

MODEL_PATH = Path(__file__).resolve().parent / "data" / "answer_model.json"
ANSWERABILITY_NAMES = ("s1", "s_gap", "cov_sent", "cov_ctx", "rare_near", "rare_absent_ctx", "unknown_share",
                       "asked_offered", "period_conflict", "date_conflict", "quarter_conflict", "english", "top_dense",
                       "absent_share", "absent_heaviest", "absent_share_top", "absent_heaviest_top", "year_absent")


class ModelMismatch(ValueError):
    """The model file was fitted on other features than this code computes."""


@dataclass
class Logistic:
    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_dict(cls, d: dict[str, Any], names: tuple[str, ...]) -> Logistic:
        if tuple(d["features"]) != names:
            raise ModelMismatch(f"model features {d['features']} differ from the code's {list(names)}")
        scale = np.asarray(d["scale"], dtype=np.float64)
        scale[scale <= 0] = 1.0  # a feature constant in the training data
        return cls(names, np.asarray(d["mean"], dtype=np.float64), scale, np.asarray(d["coef"], dtype=np.float64),
                   float(d["intercept"]))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.names), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "coef": self.coef.round(6).tolist(),
                "intercept": round(self.intercept, 6)}

    def matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        return np.asarray([[r[n] for n in self.names] for r in rows], dtype=np.float64).reshape(len(rows), -1)

    def score(self, x: np.ndarray) -> np.ndarray:
        """The linear score (log-odds)."""
        return np.asarray(((x - self.mean) / self.scale) @ self.coef + self.intercept)

    def proba(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.score(x))))


@dataclass
class AnswerModel:
    span: Logistic
    answerable: Logistic
    threshold: float
    figures: dict[str, Any]
    second_margin: float = 1.0  # a second span may score this much below the first (span-score units)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerModel:
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(Logistic.from_dict(d["span_model"], FEATURE_NAMES),
                   Logistic.from_dict(d["answerability_model"], ANSWERABILITY_NAMES),
                   float(d["threshold"]), d.get("figures", {}), float(d.get("second_margin", 1.0)))

    @classmethod
    def neutral(cls) -> AnswerModel:
        """Equal scores and no abstention: what the fitting script reads features with before any model exists."""
        def zero(names: tuple[str, ...]) -> Logistic:
            n = len(names)
            return Logistic(names, np.zeros(n), np.ones(n), np.zeros(n), 0.0)

        return cls(zero(FEATURE_NAMES), zero(ANSWERABILITY_NAMES), 0.0, {})

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = {"span_model": self.span.to_dict(), "answerability_model": self.answerable.to_dict(),
                "threshold": round(self.threshold, 4), "second_margin": self.second_margin, "figures": self.figures}
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def span_scores(self, rows: list[dict[str, float]]) -> np.ndarray:
        return self.span.score(self.span.matrix(rows)) if rows else np.zeros(0)

    def answerable_proba(self, row: dict[str, float]) -> float:
        return float(self.answerable.proba(self.answerable.matrix([row]))[0])
