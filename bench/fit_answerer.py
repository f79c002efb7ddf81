"""Fit the answer model (assistant/data/answer_model.json) on labelled questions, and freeze it with the
figures that chose it.

    .venv/bin/python bench/fit_answerer.py

Training sets (never the blind set, which only measures): the dev questions on ../shared/corpus, the
questions written for ../shared/corpus-wide (bench/train/corpus_wide.jsonl) and the unanswerable questions
derived from them by changing their period or place (bench/train/derive.py → corpus_wide_derived.jsonl).

1. Every question is read by the answerer exactly as at run time (`ExtractiveAnswerer.read`): its candidate
   spans and their features. A span's label is the share of the question's must_contain strings it holds
   (the scorer's lenient match).
2. The span model ranks: a logistic regression on pairs (a span holding more of the answer against one of
   the same question holding less), C chosen by 5-fold cross-validation grouped by question on answer
   accuracy — the composed answer (`choose_parts`, as at run time) holding every must_contain string.
3. The answerability model: logistic regression on out-of-fold span scores; label = the composed answer is
   right. The threshold maximises answer accuracy + abstention accuracy on out-of-fold predictions.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answer import Candidate, Reading, answerability, choose_parts  # noqa: E402
from assistant.compose import span_text  # noqa: E402
from assistant.evaluation import lenient, load_questions  # noqa: E402
from assistant.features import FEATURE_NAMES  # noqa: E402
from assistant.ranker import ANSWERABILITY_NAMES, MODEL_PATH, AnswerModel, Logistic, ModelMismatch  # noqa: E402

SHARED = ROOT.parent / "shared"
ONLY = [x for x in os.environ.get("CHIDAO_FIT_SETS", "").split(",") if x]  # a smoke run on some sets only
TRAINING = [  # (name, data dir under --eval-dir, corpus, questions)
    ("dev", "dev", SHARED / "corpus", SHARED / "eval" / "dev.jsonl"),
    ("wide", "wide", SHARED / "corpus-wide", ROOT / "bench" / "train" / "corpus_wide.jsonl"),
    ("wide-derived", "wide", SHARED / "corpus-wide", ROOT / "bench" / "train" / "corpus_wide_derived.jsonl"),
]
FOLDS = 5
NEGATIVES_PER_POSITIVE = 40
THRESHOLD_SLACK = 0.02


@dataclass
class Item:
    set: str
    qid: str
    kind: str
    must: list[str]
    reading: Reading
    x: np.ndarray  # candidate features
    y: np.ndarray  # share of must_contain each candidate holds

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def read_all(eval_dir: str) -> list[Item]:
    from assistant.container import Container
    from assistant.ingestion import expand_paths
    from assistant.settings import Settings

    try:  # the container loads a model: start from a neutral one when there is none for these features
        AnswerModel.load()
    except (OSError, ModelMismatch):
        AnswerModel.neutral().save()
    items: list[Item] = []
    for name, data, corpus, qa in TRAINING:
        if ONLY and name not in ONLY:
            continue
        if not (corpus.is_dir() and qa.is_file()):
            print(f"skipped {name}: {corpus if not corpus.is_dir() else qa} missing", file=sys.stderr)
            continue
        c = Container(Settings(data_dir=os.path.join(eval_dir, data)))
        c.ingestor.ingest_paths(expand_paths([str(corpus)]))
        answerer = c.extractive
        answerer.model = AnswerModel.neutral()
        t = time.time()
        for q in load_questions(str(qa)):
            r = answerer.read(q["question"], list(q.get("history", [])))
            if r.listing is not None:
                continue
            must = [lenient(m) for m in q.get("must_contain", [])]
            x = np.asarray([[cand.features[n] for n in FEATURE_NAMES] for cand in r.candidates], dtype=np.float64)
            y = np.asarray([sum(m in lenient(span_text(cand.quote())) for m in must) / len(must) if must else 0.0
                            for cand in r.candidates])
            items.append(Item(name, q["id"], q["kind"], must, r, x.reshape(len(r.candidates), len(FEATURE_NAMES)), y))
        print(f"{name}: {sum(1 for i in items if i.set == name)} questions read in {time.time() - t:.0f} s",
              file=sys.stderr)
    return items


def _pairs(items: list[Item]) -> tuple[np.ndarray, np.ndarray]:
    """Differences of (better, worse) candidate pairs of the same question, in both orientations."""
    diffs = []
    for it in items:
        if not it.answerable or not len(it.y) or it.y.max() == 0:
            continue
        top = it.y.max()
        pos = np.flatnonzero(it.y == top)
        neg = np.flatnonzero(it.y < top)
        for p in pos:
            for n in neg[:: max(1, len(neg) // NEGATIVES_PER_POSITIVE)]:
                diffs.append(it.x[p] - it.x[n])
    d = np.asarray(diffs, dtype=np.float64)
    return np.vstack([d, -d]), np.concatenate([np.ones(len(d)), np.zeros(len(d))])


def fit_span(items: list[Item], c_value: float) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    allx = np.vstack([it.x for it in items if len(it.x)])
    scale = allx.std(axis=0)
    scale[scale == 0] = 1.0
    d, y = _pairs(items)
    lr = LogisticRegression(C=c_value, max_iter=5000, fit_intercept=False).fit(d / scale, y)
    # pairs cancel the mean: centre on the training mean so scores are comparable across questions
    return Logistic(FEATURE_NAMES, allx.mean(axis=0), scale, lr.coef_[0], 0.0)


def scored(it: Item, scores: np.ndarray) -> list[Candidate]:
    cands: list[Candidate] = list(it.reading.candidates)
    for cand, s in zip(cands, scores):
        cand.score = float(s)
    return sorted(cands, key=lambda cand: -cand.score)


def composed_right(it: Item, scores: np.ndarray, margin: float) -> bool:
    """The answer composed as at run time (the best span, and a second one when asked) holds every
    must_contain string."""
    if not len(scores) or not it.must or it.reading.terms is None:
        return False
    parts = choose_parts(scored(it, scores), it.reading.analysis, it.reading.terms, margin)
    shown = " ".join(lenient(span_text(c.quote())) for c in parts)
    return all(m in shown for m in it.must)


def out_of_fold(items: list[Item], c_value: float) -> list[np.ndarray]:
    probs: list[np.ndarray] = [np.zeros(0)] * len(items)
    for k in range(FOLDS):
        model = fit_span([it for i, it in enumerate(items) if i % FOLDS != k], c_value)
        for i, it in enumerate(items):
            if i % FOLDS == k and len(it.x):
                probs[i] = model.score(it.x)
    return probs


def answerability_features(it: Item, scores: np.ndarray) -> dict[str, float]:
    r = it.reading
    return answerability(r.analysis, r.terms, scored(it, scores), r.hits) if r.terms else {}


def choose_threshold(answerable: np.ndarray, right: np.ndarray, conf: np.ndarray) -> tuple[float, dict[str, float]]:
    """The threshold maximising answer accuracy + abstention accuracy; where the sum is flat (within
    THRESHOLD_SLACK of its best), the lowest such threshold: a wrong abstention on an answerable question costs
    an official more than the sum shows (it hides a figure the documents hold)."""
    rows = []
    for t in np.linspace(0.02, 0.98, 97):
        ans = conf >= t
        acc = float((ans & right & answerable).sum() / max(1, answerable.sum()))
        abst = float((~ans & ~answerable).sum() / max(1, (~answerable).sum()))
        false_abst = float((~ans & answerable).sum() / max(1, answerable.sum()))
        rows.append((acc + abst, float(t), {"answer_acc": round(acc, 3), "abstain_acc": round(abst, 3),
                                            "false_abstain": round(false_abst, 3)}))
    top = max(r[0] for r in rows)
    chosen = min((r for r in rows if r[0] >= top - THRESHOLD_SLACK), key=lambda r: r[1])
    return chosen[1], chosen[2]


def fit(items: list[Item]) -> AnswerModel:
    from sklearn.linear_model import LogisticRegression

    items = [it for it in items if len(it.x)]
    answerable = np.asarray([it.answerable for it in items])
    sweep: dict[str, float] = {}
    oof: dict[float, list[np.ndarray]] = {}
    for c_value in (0.01, 0.1, 1.0, 10.0):
        oof[c_value] = out_of_fold(items, c_value)
        for margin in (0.5, 1.0, 2.0, 4.0):
            right_ = [composed_right(it, p, margin) for it, p in zip(items, oof[c_value]) if it.answerable]
            sweep[f"C={c_value} margin={margin}"] = round(sum(right_) / max(1, len(right_)), 3)
    best_key = max(sweep, key=lambda k: sweep[k])
    c_best = float(best_key.split()[0][2:])
    margin_best = float(best_key.split()[1][7:])
    probs = oof[c_best]
    right = np.asarray([it.answerable and composed_right(it, p, margin_best) for it, p in zip(items, probs)])
    rows = [answerability_features(it, p) for it, p in zip(items, probs)]
    x = np.asarray([[r[n] for n in ANSWERABILITY_NAMES] for r in rows], dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    conf = np.zeros(len(items))
    for k in range(FOLDS):
        tr = np.asarray([i % FOLDS != k for i in range(len(items))])
        lr = LogisticRegression(C=1.0, max_iter=5000).fit((x[tr] - mean) / scale, right[tr])
        conf[~tr] = lr.predict_proba((x[~tr] - mean) / scale)[:, 1]
    threshold, at = choose_threshold(answerable, right, conf)
    lr = LogisticRegression(C=1.0, max_iter=5000).fit((x - mean) / scale, right)
    figures = {
        "fitted": time.strftime("%Y-%m-%d"),
        "questions": {s: sum(1 for it in items if it.set == s) for s in sorted({it.set for it in items})},
        "unanswerable": int((~answerable).sum()),
        "candidates": int(sum(len(it.x) for it in items)),
        "answer_in_candidates": round(float(np.mean([it.y.max() == 1 for it in items if it.answerable])), 3),
        # the ceiling of span choice: some candidate holds every must_contain string
        "per_kind_answer_in_candidates": {
            kind: round(float(np.mean([it.y.max() == 1 for it in items if it.kind == kind])), 3)
            for kind in sorted({it.kind for it in items if it.answerable})},
        "sweep_answer_acc_5fold_before_abstention": sweep,
        "span_C": c_best,
        "second_margin": margin_best,
        "at_threshold_5fold": at,
        "per_kind_answer_acc_5fold_before_abstention": {
            kind: round(float(np.mean([r for it, r in zip(items, right) if it.kind == kind])), 3)
            for kind in sorted({it.kind for it in items if it.answerable})},
    }
    return AnswerModel(fit_span(items, c_best),
                       Logistic(ANSWERABILITY_NAMES, mean, scale, lr.coef_[0], float(lr.intercept_[0])),
                       threshold, figures, margin_best)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-dir", default=str(ROOT / "data-eval"))
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--readings", help="a pickle of the questions' readings: written when absent, read when present "
                                       "(refitting without reading again; delete it after changing the features)")
    a = ap.parse_args()
    if a.readings and Path(a.readings).is_file():
        with open(a.readings, "rb") as fh:
            items = pickle.load(fh)
    else:
        items = read_all(a.eval_dir)
        if a.readings:
            with open(a.readings, "wb") as fh:
                pickle.dump(items, fh)
    model = fit(items)
    model.save(Path(a.out))
    print(json.dumps(model.figures, indent=1))
    for name, w in sorted(zip(FEATURE_NAMES, model.span.coef), key=lambda t: -abs(t[1])):
        print(f"  span        {name:<22}{w:+.3f}")
    for name, w in zip(ANSWERABILITY_NAMES, model.answerable.coef):
        print(f"  answerable  {name:<22}{w:+.3f}")
    print(f"  threshold {model.threshold:.3f}")


if __name__ == "__main__":
    main()
