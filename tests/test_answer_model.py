"""The frozen answer and fusion models: they load, were fitted on the features this code computes, carry the
figures that chose them, and the fitted threshold and weights are what the running answerer uses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assistant.features import FEATURE_NAMES
from assistant.ranker import ANSWERABILITY_NAMES, AnswerModel, Logistic, ModelMismatch
from index.fusion import FusionWeights


def test_the_answer_model_matches_the_features_and_records_its_figures() -> None:
    model = AnswerModel.load()
    assert model.span.names == FEATURE_NAMES and model.answerable.names == ANSWERABILITY_NAMES
    assert 0.0 < model.threshold < 1.0
    assert all(math.isfinite(float(x)) for x in (*model.span.coef, *model.answerable.coef))
    figures = model.figures
    assert figures["questions"] and figures["unanswerable"] > 0 and "at_threshold_5fold" in figures
    # the blind set is a yardstick, never training data
    assert not any("blind" in name or "extra" in name for name in figures["questions"])


def test_a_model_fitted_on_other_features_is_refused() -> None:
    body = Logistic(("a", "b"), np.zeros(2), np.ones(2), np.zeros(2), 0.0).to_dict()
    with pytest.raises(ModelMismatch):
        Logistic.from_dict(body, FEATURE_NAMES)


def test_fusion_weights_are_fitted_and_recorded() -> None:
    import json

    from index.fusion import WEIGHTS_PATH

    body = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert body["figures"]["questions"] and "mrr@10_after" in body["figures"]
    w = FusionWeights.load()
    assert w.rrf_k > 0 and w.dense > 0


def test_the_running_answerer_uses_the_frozen_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import make_container

    c = make_container(tmp_path)
    assert c.extractive.model.threshold == AnswerModel.load().threshold
    assert c.retriever.weights == FusionWeights.load()
