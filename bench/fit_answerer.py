"""Fit the answer model (assistant/data/answer_model.json) on labelled questions, and freeze it with the
figures that chose it.

    .venv/bin/python bench/fit_answerer.py

Training sets (never the blind set, which only measures): the dev questions on ../shared/corpus, the
questions written for ../shared/corpus-wide (bench/train/corpus_wide.jsonl, and corpus_wide_more.jsonl: real
unanswerable questions on the documents' own subjects, English ones and a few more), and the unanswerable
questions derived from the first by changing their period or place (bench/train/derive.py →
corpus_wide_derived.jsonl).

1. Every question is read by the answerer exactly as at run time (`ExtractiveAnswerer.read`): its candidate
   spans and their features. A span's label is the share of the question's must_contain strings it holds
   (the scorer's lenient match).
2. The span model ranks: gradient-boosted trees on each span's features as they are and relative to the
   question's other candidates (`assistant.ranker.relative`), label = the span holds the whole answer; or a
   pairwise logistic regression (a span holding more of the answer against one holding less). The model,
   its settings and the second-span margin are chosen together by 5-fold cross-validation grouped by
   question on answer accuracy — the composed answer (`choose_parts`, as at run time) holding every
   must_contain string.
3. The answerability model: logistic regression on out-of-fold span scores and the best span's features;
   its label (the composed answer is right, or the question is answerable) and C chosen by out-of-fold
   answer accuracy + abstention accuracy, and the threshold where that sum is highest (lowest on its flat top).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answer import Candidate, Reading, answerability, choose_parts, unoffered, widened  # noqa: E402
from assistant.compose import span_text  # noqa: E402
from assistant.evaluation import lenient, load_questions  # noqa: E402
from assistant.features import CORE, FEATURE_NAMES  # noqa: E402
from assistant.ranker import (  # noqa: E402
    ANSWERABILITY_NAMES,
    MODEL_PATH,
    AnswerModel,
    Logistic,
    ModelMismatch,
    Trees,
    relative,
)

SHARED = ROOT.parent / "shared"
ONLY = [x for x in os.environ.get("CHIDAO_FIT_SETS", "").split(",") if x]  # a smoke run on some sets only
TRAINING = [  # (name, data dir under --eval-dir, corpus, questions)
    ("dev", "dev", SHARED / "corpus", SHARED / "eval" / "dev.jsonl"),
    ("wide", "wide", SHARED / "corpus-wide", ROOT / "bench" / "train" / "corpus_wide.jsonl"),
    ("wide-derived", "wide", SHARED / "corpus-wide", ROOT / "bench" / "train" / "corpus_wide_derived.jsonl"),
    ("wide-more", "wide", SHARED / "corpus-wide", ROOT / "bench" / "train" / "corpus_wide_more.jsonl"),
    ("wide-third", "wide", SHARED / "corpus-wide", ROOT / "bench" / "train" / "corpus_wide_third.jsonl"),
    # one file over two corpora: each question is read on the corpus holding its document (`on_corpus`)
    ("fourth-seed", "dev", SHARED / "corpus", ROOT / "bench" / "train" / "corpus_fourth.jsonl"),
    ("fourth-wide", "wide", SHARED / "corpus-wide", ROOT / "bench" / "train" / "corpus_fourth.jsonl"),
]
FOLDS = 5


@dataclass(frozen=True)
class SpanSpec:
    """A span model to try: a pairwise logistic regression (C) or trees (iterations, rate, leaves, min_leaf)."""

    kind: str
    c: float = 0.0
    iterations: int = 0
    rate: float = 0.0
    leaves: int = 0
    min_leaf: int = 0

    def __str__(self) -> str:
        if self.kind == "pairwise":
            return f"pairwise C={self.c}"
        return f"trees n={self.iterations} rate={self.rate} leaves={self.leaves} min_leaf={self.min_leaf}"


SPAN_GRID = (SpanSpec("pairwise", c=0.01), SpanSpec("pairwise", c=0.1),
             SpanSpec("trees", iterations=200, rate=0.05, leaves=15, min_leaf=20),
             SpanSpec("trees", iterations=300, rate=0.05, leaves=31, min_leaf=10),
             SpanSpec("trees", iterations=100, rate=0.1, leaves=7, min_leaf=20))
MARGINS = (0.5, 1.0, 2.0, 4.0, 8.0)  # the second span's distance to the first, in span-score units
SWEEP_SLACK = 0.01  # answer accuracies this close are one figure on ~240 questions
ANSWERABLE_C = (0.1, 1.0)
ANSWERABLE_LABELS = ("right", "answerable")
NEGATIVES_PER_POSITIVE = 40
THRESHOLD_SLACK = 0.02
MAX_FALSE_ABSTAIN = 0.05  # the acceptance's bound on answerable questions abstained on
REPEATS = 4  # splits into folds whose out-of-fold confidences choose the answerability settings and threshold


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
            if not on_corpus(q, corpus):
                continue
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


def on_corpus(q: dict[str, object], corpus: Path) -> bool:
    """The question's document is a file of this corpus (a training file may span several corpora)."""
    docs = q.get("doc") or []
    names = [docs] if isinstance(docs, str) else list(docs) if isinstance(docs, list) else []
    return not names or any((corpus / str(n)).is_file() for n in names)


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


def fit_pairwise(items: list[Item], c_value: float) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    allx = np.vstack([it.x for it in items if len(it.x)])
    scale = allx.std(axis=0)
    scale[scale == 0] = 1.0
    d, y = _pairs(items)
    lr = LogisticRegression(C=c_value, max_iter=5000, fit_intercept=False).fit(d / scale, y)
    # pairs cancel the mean: centre on the training mean so scores are comparable across questions
    return Logistic(FEATURE_NAMES, allx.mean(axis=0), scale, lr.coef_[0], 0.0)


def fit_trees(items: list[Item], iterations: int, rate: float, leaves: int, min_leaf: int) -> Trees:
    from sklearn.ensemble import HistGradientBoostingClassifier

    used = [it for it in items if it.answerable and len(it.x)]
    x = np.vstack([relative(it.x) for it in used])
    y = np.concatenate([it.y == 1 for it in used]).astype(int)
    model = HistGradientBoostingClassifier(max_iter=iterations, learning_rate=rate, max_leaf_nodes=leaves,
                                           min_samples_leaf=min_leaf, l2_regularization=1.0, early_stopping=True,
                                           random_state=0).fit(x, y)
    return Trees.from_sklearn(model, FEATURE_NAMES)


def fit_span(items: list[Item], spec: SpanSpec) -> Logistic | Trees:
    if spec.kind == "pairwise":
        return fit_pairwise(items, spec.c)
    return fit_trees(items, spec.iterations, spec.rate, spec.leaves, spec.min_leaf)


def scored(it: Item, scores: np.ndarray) -> list[Candidate]:
    cands: list[Candidate] = list(it.reading.candidates)
    for cand, s in zip(cands, scores):
        cand.score = float(s)
    return sorted(cands, key=lambda cand: -cand.score)


def parts_of(it: Item, scores: np.ndarray, margin: float) -> list[Candidate]:
    """The spans the answer quotes, as at run time: the signature itself for a who-signed question, else the
    best span and a second one when asked."""
    r = it.reading
    if signed(it):
        return list(r.parts)
    assert r.terms is not None
    return choose_parts(scored(it, scores), r.analysis, r.terms, margin)


def signed(it: Item) -> bool:
    return bool(getattr(it.reading, "signed", False))


def composed_right(it: Item, scores: np.ndarray, margin: float) -> bool:
    """The answer composed as at run time (the best span, and a second one when asked) holds every
    must_contain string."""
    if not len(scores) or not it.must or it.reading.terms is None:
        return False
    parts = parts_of(it, scores, margin)
    shown = " ".join(lenient(span_text(q)) for q in widened(parts))
    return all(m in shown for m in it.must)


def out_of_fold(items: list[Item], spec: SpanSpec) -> list[np.ndarray]:
    probs: list[np.ndarray] = [np.zeros(0)] * len(items)
    for k in range(FOLDS):
        model = fit_span([it for i, it in enumerate(items) if i % FOLDS != k], spec)
        for i, it in enumerate(items):
            if i % FOLDS == k and len(it.x):
                probs[i] = model.score(it.x)
    return probs


def answerability_features(it: Item, scores: np.ndarray, margin: float) -> dict[str, float]:
    r = it.reading
    if r.terms is None:
        return {}
    cands = scored(it, scores)
    return answerability(r.analysis, r.terms, cands, r.hits, parts_of(it, scores, margin), r.frames)


def choose_threshold(answerable: np.ndarray, right: np.ndarray, conf: np.ndarray) -> tuple[float, dict[str, float]]:
    """The threshold maximising answer accuracy + abstention accuracy among those abstaining on at most
    MAX_FALSE_ABSTAIN of the answerable questions; when none does, where the sum is flat (within THRESHOLD_SLACK of
    its best), the lowest such threshold: a wrong abstention on an answerable question costs an official more
    than the sum shows (it hides a figure the documents hold)."""
    rows = []
    for t in np.linspace(0.02, 0.98, 97):
        ans = conf >= t
        acc = float((ans & right & answerable).sum() / max(1, answerable.sum()))
        abst = float((~ans & ~answerable).sum() / max(1, (~answerable).sum()))
        false_abst = float((~ans & answerable).sum() / max(1, answerable.sum()))
        rows.append((acc + abst, float(t), {"answer_acc": round(acc, 3), "abstain_acc": round(abst, 3),
                                            "false_abstain": round(false_abst, 3)}))
    # the acceptance bounds wrong abstentions (≤ MAX_FALSE_ABSTAIN): among the thresholds within it, the best sum
    within = [r for r in rows if r[2]["false_abstain"] <= MAX_FALSE_ABSTAIN]
    if within:
        best = max(r[0] for r in within)
        chosen = min((r for r in within if r[0] >= best), key=lambda r: r[1])
        return chosen[1], chosen[2]
    top = max(r[0] for r in rows)
    chosen = min((r for r in rows if r[0] >= top - THRESHOLD_SLACK), key=lambda r: r[1])
    return chosen[1], chosen[2]


def _answerability_oof(x: np.ndarray, label: np.ndarray, c_value: float) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    conf = np.zeros(len(x))
    for k in range(FOLDS):
        tr = np.asarray([i % FOLDS != k for i in range(len(x))])
        mean, scale = x[tr].mean(axis=0), x[tr].std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=c_value, max_iter=5000).fit((x[tr] - mean) / scale, label[tr])
        conf[~tr] = lr.predict_proba((x[~tr] - mean) / scale)[:, 1]
    return conf


def _in_order(order: list[int], values: list[Any]) -> list[Any]:
    """Values computed on the items taken in `order`, put back in the items' own order."""
    out: list[Any] = [None] * len(order)
    for k, i in enumerate(order):
        out[i] = values[k]
    return out


def fit(items: list[Item], keep: AnswerModel | None = None) -> AnswerModel:
    """The span model and margin chosen by the sweep, or `keep`'s span model and margin kept as they are (the
    sweep narrowed to its settings, for the out-of-fold scores the answerability model is fitted on) and its
    answerability settings (label, C) too: a change of the answerability features refits the weights and the
    threshold that read them and nothing else."""
    from sklearn.linear_model import LogisticRegression

    items = [it for it in items if len(it.x)]
    answerable = np.asarray([it.answerable for it in items])
    sweep: dict[str, float] = {}
    oof: dict[str, list[np.ndarray]] = {}
    grid = SPAN_GRID if keep is None else [s for s in SPAN_GRID if str(s) == keep.figures.get("span_model")]
    if not grid:
        raise SystemExit(f"the kept model's span settings {keep.figures.get('span_model')!r} are not in SPAN_GRID")
    margins = MARGINS if keep is None else (keep.second_margin,)
    for spec in grid:
        key = str(spec)
        oof[key] = out_of_fold(items, spec)
        for margin in margins:
            right_ = [composed_right(it, p, margin) for it, p in zip(items, oof[key]) if it.answerable]
            sweep[f"{key} margin={margin}"] = round(sum(right_) / max(1, len(right_)), 3)
        print(f"  span model {key}: {[sweep[f'{key} margin={m}'] for m in margins]}", file=sys.stderr)
    # within SWEEP_SLACK of the best, the smallest margin (a shorter answer reads faster), then the best figure
    top = max(sweep.values())
    best_key = min((k for k in sweep if sweep[k] >= top - SWEEP_SLACK),
                   key=lambda k: (float(k.rsplit(" margin=", 1)[1]), -sweep[k]))
    spec_key, margin_part = best_key.rsplit(" margin=", 1)
    spec_best = next(spec for spec in grid if str(spec) == spec_key)
    margin_best = float(margin_part)
    probs = oof[spec_key]
    right = np.asarray([it.answerable and composed_right(it, p, margin_best) for it, p in zip(items, probs)])
    required, evidence = required_offers(items, probs, margin_best)
    # a question whose quoted spans lack a required intent is abstained on whatever the model says: it is
    # neither right nor answered, and the answerability model is fitted and thresholded on the others' behalf
    rows = [answerability_features(it, p, margin_best) for it, p in zip(items, probs)]
    present, present_evidence = required_present(items, rows, right)
    required, gains = more_required(items, probs, margin_best, rows, right, required, present)
    evidence = {i: f"{e}; {gains[i]}" if i in gains else e for i, e in evidence.items()}
    blocked = np.asarray([bool(lacking(it, p, margin_best, required)) or any(r.get(n, 0.0) >= 1.0 for n in present)
                          for it, p, r in zip(items, probs, rows)])
    decided = np.asarray([signed(it) for it in items])  # answered by the signature: never blocked nor withheld
    blocked &= ~decided
    right &= ~blocked
    x = np.asarray([[r[n] for n in ANSWERABILITY_NAMES] for r in rows], dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    # the threshold is chosen on the out-of-fold confidences of REPEATS splits of the questions into folds, pooled:
    # on one split it moved from 0.58 to 0.73 with the order of the questions alone
    splits = [(list(range(len(items))), right, blocked, x)]
    for seed in range(1, REPEATS):
        order = list(range(len(items)))
        random.Random(seed).shuffle(order)
        probs_r = _in_order(order, out_of_fold([items[i] for i in order], spec_best))
        rows_r = [answerability_features(it, p, margin_best) for it, p in zip(items, probs_r)]
        blocked_r = np.asarray([bool(lacking(it, p, margin_best, required)) or any(r.get(n, 0.0) >= 1.0 for n in present)
                                for it, p, r in zip(items, probs_r, rows_r)]) & ~decided
        right_r = np.asarray([it.answerable and composed_right(it, p, margin_best) for it, p in zip(items, probs_r)])
        splits.append((order, right_r & ~blocked_r, blocked_r,
                       np.asarray([[r[n] for n in ANSWERABILITY_NAMES] for r in rows_r], dtype=np.float64)))
    trials: dict[str, tuple[float, float, dict[str, float]]] = {}
    kept = None if keep is None else keep.figures.get("answerability_model")  # "label=answerable C=0.1"
    for label_name in ANSWERABLE_LABELS:
        for c_value in ANSWERABLE_C:
            if kept and kept != f"label={label_name} C={c_value}":
                continue
            confs, rights = [], []
            for order, right_s, blocked_s, x_s in splits:
                label_s = right_s if label_name == "right" else answerable
                oof_s = _in_order(order, list(_answerability_oof(x_s[order], label_s[order], c_value)))
                confs.append(np.where(decided, 1.0, np.where(blocked_s, 0.0, np.asarray(oof_s))))
                rights.append(right_s)
            threshold, at = choose_threshold(np.tile(answerable, len(splits)), np.concatenate(rights),
                                             np.concatenate(confs))
            trials[f"label={label_name} C={c_value}"] = (at["answer_acc"] + at["abstain_acc"], threshold, at)
    # on the flat top of answer + abstain (within THRESHOLD_SLACK), the model withholding fewest answerable
    # questions: as for the threshold, a wrong abstention hides a figure the documents hold
    top_sum = max(v[0] for v in trials.values())
    chosen = min((k for k in trials if trials[k][0] >= top_sum - THRESHOLD_SLACK),
                 key=lambda k: (trials[k][2]["false_abstain"], -trials[k][0]))
    _, threshold, at = trials[chosen]
    label_best = right if "label=right" in chosen else answerable
    lr = LogisticRegression(C=float(chosen.split("C=")[1]), max_iter=5000).fit((x - mean) / scale, label_best)
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
        "sweep_answer_acc_5fold_before_abstention": sweep if keep is None else {
            **keep.figures.get("sweep_answer_acc_5fold_before_abstention", {}), "kept, read again": sweep},
        **({} if keep is None else {"span_model_kept_from": keep.figures.get("span_model_kept_from")
                                    or keep.figures.get("fitted", "")}),
        "span_model": spec_key,
        "second_margin": margin_best,
        "answerability_sweep_5fold": {k: {"answer+abstain": round(v[0], 3), "threshold": round(v[1], 3), **v[2]}
                                      for k, v in trials.items()},
        "answerability_model": chosen,
        "required_offers_evidence": evidence,
        "required_present_evidence": present_evidence,
        "at_threshold_5fold": at,
        "per_kind_answer_acc_5fold_before_abstention": {
            kind: round(float(np.mean([r for it, r in zip(items, right) if it.kind == kind])), 3)
            for kind in sorted({it.kind for it in items if it.answerable})},
    }
    return AnswerModel(fit_span(items, spec_best) if keep is None else keep.span,
                       Logistic(ANSWERABILITY_NAMES, mean, scale, lr.coef_[0], float(lr.intercept_[0])),
                       threshold, figures, margin_best, required, present)


def lacking(it: Item, scores: np.ndarray, margin: float, intents: tuple[str, ...]) -> list[str]:
    """The asked intents among `intents` that no span of the composed answer offers."""
    r = it.reading
    if r.terms is None or not len(scores):
        return []
    return unoffered(r.analysis, parts_of(it, scores, margin), intents)


def required_offers(items: list[Item], probs: list[np.ndarray], margin: float) -> tuple[tuple[str, ...], dict[str, str]]:
    """The intents an answer must offer: those for which no out-of-fold answer lacking them was right (an
    intent never seen lacking counts as required: an answer naming no signer does not say who signed)."""
    seen: dict[str, list[bool]] = {i: [] for i in CORE}
    for it, p in zip(items, probs):
        for i in lacking(it, p, margin, CORE):
            seen[i].append(it.answerable and composed_right(it, p, margin))
    required = tuple(i for i in CORE if not any(seen[i]))
    evidence = {i: f"{sum(v)} right of {len(v)} answers lacking it" for i, v in seen.items()}
    return required, evidence


REQUIRED_GAIN = 0.01  # answer + abstain gained by requiring one more intent: at least a question's worth


def more_required(items: list[Item], probs: list[np.ndarray], margin: float, rows: list[dict[str, float]],
                  right: np.ndarray, required: tuple[str, ...],
                  present: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Intents a few right answers lacked but whose absence mostly marks a wrong or unanswerable one: each,
    in turn, is required when that raises out-of-fold answer + abstain accuracy (at the threshold chosen as
    for the model, the answerability model fitted once with the 'answerable' label) by REQUIRED_GAIN."""
    answerable = np.asarray([it.answerable for it in items])
    x = np.asarray([[r[n] for n in ANSWERABILITY_NAMES] for r in rows], dtype=np.float64)
    conf = _answerability_oof(x, answerable, ANSWERABLE_C[0])
    decided = np.asarray([signed(it) for it in items])
    absent_present = np.asarray([any(r.get(n, 0.0) >= 1.0 for n in present) for r in rows])

    def objective(req: tuple[str, ...]) -> float:
        blocked = absent_present | np.asarray([bool(lacking(it, p, margin, req)) for it, p in zip(items, probs)])
        blocked &= ~decided
        _, at = choose_threshold(answerable, right & ~blocked, np.where(decided, 1.0, np.where(blocked, 0.0, conf)))
        return at["answer_acc"] + at["abstain_acc"]

    gains: dict[str, str] = {}
    base = objective(required)
    for intent in CORE:
        if intent in required:
            continue
        value = objective((*required, intent))
        gains[intent] = f"requiring it: answer+abstain {base:.3f} → {value:.3f}"
        if value >= base + REQUIRED_GAIN:
            required, base = (*required, intent), value
    return required, gains


# 0/1 answerability features: what the question names (a year, a month, the measure it counts) is not held,
# or the quotes give no count of the measure
PRESENCE = ("year_absent", "month_absent", "measure_absent", "measure_uncounted")
# a feature blocks answers only when this many unanswerable questions (and no right answer) show it: a single
# example is no evidence for a rule that overrides the model
PRESENCE_SUPPORT = 2


def required_present(items: list[Item], rows: list[dict[str, float]],
                     right: np.ndarray) -> tuple[tuple[str, ...], dict[str, str]]:
    """The absences that block an answer: those for which no out-of-fold answer showing one was right, shown by
    PRESENCE_SUPPORT unanswerable questions at least."""
    evidence: dict[str, str] = {}
    chosen = []
    for name in PRESENCE:
        shown = [i for i, r in enumerate(rows) if r.get(name, 0.0) >= 1.0]
        n_right = int(sum(right[i] for i in shown))
        n_answerable = sum(items[i].answerable for i in shown)
        evidence[name] = f"{n_right} right of {n_answerable} answerable and {len(shown) - n_answerable} " \
                         f"unanswerable questions showing it"
        if n_right == 0 and len(shown) - n_answerable >= PRESENCE_SUPPORT:
            chosen.append(name)
    return tuple(chosen), evidence


def kept_span(path: Path) -> AnswerModel:
    """The frozen model's span model, margin and figures (its answerability part may read other features than
    the code computes now: it is what gets refitted)."""
    d = json.loads(path.read_text(encoding="utf-8"))
    spans = d["span_model"]
    span: Logistic | Trees = Trees.from_dict(spans, FEATURE_NAMES) if spans.get("kind") == "trees" else \
        Logistic.from_dict(spans, FEATURE_NAMES)
    return AnswerModel(span, AnswerModel.neutral().answerable, 0.0, d.get("figures", {}),
                       float(d.get("second_margin", 1.0)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-dir", default=str(ROOT / "data-eval"))
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--readings", help="a pickle of the questions' readings: written when absent, read when present "
                                       "(refitting without reading again; delete it after changing the features)")
    ap.add_argument("--keep-span", action="store_true",
                    help="keep the frozen span model and margin; refit the answerability model, the threshold and "
                         "the required offers only")
    a = ap.parse_args()
    if a.readings and Path(a.readings).is_file():
        with open(a.readings, "rb") as fh:
            items = pickle.load(fh)
    else:
        items = read_all(a.eval_dir)
        if a.readings:
            with open(a.readings, "wb") as fh:
                pickle.dump(items, fh)
    model = fit(items, kept_span(Path(a.out)) if a.keep_span else None)
    model.save(Path(a.out))
    print(json.dumps(model.figures, indent=1))
    if isinstance(model.span, Logistic):
        for name, w in sorted(zip(FEATURE_NAMES, model.span.coef), key=lambda t: -abs(t[1])):
            print(f"  span        {name:<22}{w:+.3f}")
    for name, w in zip(ANSWERABILITY_NAMES, model.answerable.coef):
        print(f"  answerable  {name:<22}{w:+.3f}")
    print(f"  threshold {model.threshold:.3f}")


if __name__ == "__main__":
    main()
