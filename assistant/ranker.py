"""The answer model, fitted by `bench/fit_answerer.py` and frozen, with the figures that chose it, in
`assistant/data/answer_model.json`.

- the span model scores each candidate span (features: `assistant/features.py`), each feature read both as
  it is and relative to the other candidates of the same question (`relative`): gradient-boosted trees
  (or, in older files, a pairwise logistic regression), so its scores rank spans within a question;
- the answerability model (logistic) gives the probability that the question is answered by what the best
  spans hold, from the best span's score and features, its margin over the others and how much of the
  question's topic the top passages leave out; under the fitted threshold chidao abstains.

The trees are stored as plain arrays and walked with numpy: scikit-learn is needed to fit, not to serve."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .features import FEATURE_NAMES

MODEL_PATH = Path(__file__).resolve().parent / "data" / "answer_model.json"
ANSWERABILITY_NAMES = ("s1", "s_gap", "s_gap5", "n_candidates", "unoffered", "unknown_share", "english", "top_dense",
                       "absent_share", "absent_heaviest", "absent_share_top", "absent_heaviest_top", "year_absent", "month_absent",
                       "measure_absent",
                       "names_asked", "names_absent", "names_absent_top",
                       *(f"best_{n}" for n in FEATURE_NAMES))


def feature_matrix(rows: list[dict[str, float]], names: tuple[str, ...]) -> np.ndarray:
    """Rows of named features as a matrix in the model's feature order."""
    return np.asarray([[r[n] for n in names] for r in rows], dtype=np.float64).reshape(len(rows), -1)


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
        return feature_matrix(rows, self.names)

    def score(self, x: np.ndarray) -> np.ndarray:
        """The linear score (log-odds)."""
        return np.asarray(((x - self.mean) / self.scale) @ self.coef + self.intercept)

    def proba(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.score(x))))


def relative(x: np.ndarray) -> np.ndarray:
    """Each candidate's features as they are, minus the best value among the question's candidates, and scaled
    between the question's lowest and highest: "covers the most of the question among these" means the same
    in a short report and a long law, where the absolute value does not."""
    if not len(x):
        return np.zeros((0, 3 * x.shape[1]))
    hi, lo = x.max(axis=0), x.min(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    return np.hstack([x, x - hi, (x - lo) / span])


@dataclass
class Trees:
    """Gradient-boosted regression trees (scikit-learn's HistGradientBoostingClassifier, exported): the raw
    score is the baseline plus one leaf value per tree; a row goes left where feature <= threshold."""

    names: tuple[str, ...]
    baseline: float
    feature: list[np.ndarray]  # per tree, per node
    threshold: list[np.ndarray]
    left: list[np.ndarray]
    right: list[np.ndarray]
    value: list[np.ndarray]
    leaf: list[np.ndarray]

    @classmethod
    def from_sklearn(cls, model: Any, names: tuple[str, ...]) -> Trees:
        nodes = [tree[0].nodes for tree in model._predictors]  # binary: one tree per iteration
        return cls(names, float(np.ravel(model._baseline_prediction)[0]),
                   [n["feature_idx"].astype(np.int64) for n in nodes], [n["num_threshold"].astype(np.float64) for n in nodes],
                   [n["left"].astype(np.int64) for n in nodes], [n["right"].astype(np.int64) for n in nodes],
                   [n["value"].astype(np.float64) for n in nodes], [n["is_leaf"].astype(bool) for n in nodes])

    @classmethod
    def from_dict(cls, d: dict[str, Any], names: tuple[str, ...]) -> Trees:
        if tuple(d["features"]) != names:
            raise ModelMismatch(f"model features {d['features']} differ from the code's {list(names)}")
        trees = d["trees"]
        return cls(names, float(d["baseline"]),
                   [np.asarray(t["feature"], dtype=np.int64) for t in trees],
                   [np.asarray(t["threshold"], dtype=np.float64) for t in trees],
                   [np.asarray(t["left"], dtype=np.int64) for t in trees],
                   [np.asarray(t["right"], dtype=np.int64) for t in trees],
                   [np.asarray(t["value"], dtype=np.float64) for t in trees],
                   [np.asarray(t["leaf"], dtype=bool) for t in trees])

    def to_dict(self) -> dict[str, Any]:
        trees = [{"feature": f.tolist(), "threshold": [float(v) for v in t], "left": lo.tolist(),
                  "right": r.tolist(), "value": [float(f"{v:.9g}") for v in v_], "leaf": lf.astype(int).tolist()}
                 for f, t, lo, r, v_, lf in zip(self.feature, self.threshold, self.left, self.right, self.value, self.leaf)]
        return {"kind": "trees", "features": list(self.names), "transform": "relative", "baseline": self.baseline,
                "trees": trees}

    def matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        return feature_matrix(rows, self.names)

    def score(self, x: np.ndarray) -> np.ndarray:
        """The raw score (log-odds) of each row of `relative(x)`: x holds one question's candidates."""
        z = relative(x)
        out = np.full(len(z), self.baseline)
        rows = np.arange(len(z))
        for feat, thr, lo, hi, val, leaf in zip(self.feature, self.threshold, self.left, self.right, self.value,
                                                self.leaf):
            node = np.zeros(len(z), dtype=np.int64)
            while True:
                inner = ~leaf[node]
                if not inner.any():
                    break
                go_left = z[rows, feat[node]] <= thr[node]
                node = np.where(inner, np.where(go_left, lo[node], hi[node]), node)
            out += val[node]
        return out


@dataclass
class AnswerModel:
    span: Logistic | Trees
    answerable: Logistic
    threshold: float
    figures: dict[str, Any]
    second_margin: float = 1.0  # a second span may score this much below the first (span-score units)
    # what a question asks for (domain.figures intents) that the quoted spans must offer, or chidao abstains:
    # the intents for which, on the training questions, no answer lacking them was right
    required_offers: tuple[str, ...] = ()
    # what the quoted passage must not lack whatever the model says (answerability features that are 0 or 1:
    # a year or month the question names that neither the passage nor its document's date holds): those for
    # which, on the training questions, no answer showing them was right
    required_present: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerModel:
        d = json.loads(path.read_text(encoding="utf-8"))
        spans = d["span_model"]
        span: Logistic | Trees = Trees.from_dict(spans, FEATURE_NAMES) if spans.get("kind") == "trees" else \
            Logistic.from_dict(spans, FEATURE_NAMES)
        return cls(span,
                   Logistic.from_dict(d["answerability_model"], ANSWERABILITY_NAMES),
                   float(d["threshold"]), d.get("figures", {}), float(d.get("second_margin", 1.0)),
                   tuple(d.get("required_offers", ())), tuple(d.get("required_present", ())))

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
                "threshold": round(self.threshold, 4), "second_margin": self.second_margin,
                "required_offers": list(self.required_offers), "required_present": list(self.required_present),
                "figures": self.figures}
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def span_scores(self, rows: list[dict[str, float]]) -> np.ndarray:
        return self.span.score(self.span.matrix(rows)) if rows else np.zeros(0)

    def blocked(self, row: dict[str, float]) -> bool:
        """The answerability row shows something the answer must not lack (`required_present`)."""
        return any(row.get(name, 0.0) >= 1.0 for name in self.required_present)

    def answerable_proba(self, row: dict[str, float]) -> float:
        return float(self.answerable.proba(self.answerable.matrix([row]))[0])
