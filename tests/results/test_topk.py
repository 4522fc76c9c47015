"""Top-k: scikit-learn's top_k_accuracy_score, the tie rule, published examples, the misses."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import confmat
import sklearn_oracle as oracle
from confmat import top_k


@st.composite
def scored(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, np.ndarray | None]:
    """Scores with many ties (few distinct values) and classes absent from y_true."""
    n, num_classes = draw(st.integers(1, 40)), draw(st.integers(3, 7))  # sklearn: C >= 3
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    levels = draw(st.sampled_from([2, 3, 10, 0]))  # 0: continuous scores, no ties
    scores = rng.random((n, num_classes))
    if levels:
        scores = np.floor(scores * levels) / levels
    y_true = rng.integers(0, num_classes, n)
    k = draw(st.integers(1, num_classes))
    weights = rng.choice([0.0, 0.5, 1.0, 3.0], n) if draw(st.booleans()) else None
    if weights is not None and weights.sum() == 0:
        weights[0] = 1.0
    return y_true, scores, k, weights


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(case=scored())
def test_matches_scikit_learn_with_the_class_order_reversed(case: tuple) -> None:
    """scikit-learn ranks the higher index first at a tie, confmat the lower: reversing the
    columns (and the labels) maps one rule onto the other, ties included."""
    y_true, scores, k, weights = case
    num_classes = scores.shape[1]
    expected = oracle.top_k_accuracy(num_classes - 1 - y_true, scores[:, ::-1].copy(), k, weights)
    result = top_k(y_true, scores, k, sample_weight=weights)
    assert abs(result.accuracy - expected) <= 1e-12
    if len(np.unique(scores)) == scores.size:  # no tie at all: the two rules agree as they are
        assert abs(result.accuracy - oracle.top_k_accuracy(y_true, scores, k, weights)) <= 1e-12


@settings(max_examples=100, deadline=None)
@given(case=scored())
def test_per_class_recall_misses_and_top_1(case: tuple) -> None:
    y_true, scores, k, weights = case
    result = top_k(y_true, scores, k, sample_weight=weights)
    w = np.ones(len(y_true)) if weights is None else weights
    support = np.bincount(y_true, weights=w, minlength=scores.shape[1])
    np.testing.assert_allclose(result.support.numpy(), support, atol=1e-12)
    np.testing.assert_allclose(
        (result.hits + result.misses.counts.sum(dim=1)).numpy(), support, atol=1e-12
    )
    top1 = top_k(y_true, scores, 1, sample_weight=weights)
    cm = confmat.ConfusionMatrix.from_predictions(
        y_true, torch.tensor(scores), sample_weight=weights, num_classes=scores.shape[1]
    )
    assert abs(top1.accuracy - cm.accuracy) <= 1e-12  # top-1 is the argmax
    assert float(top1.misses.counts.diagonal().sum()) == 0


def test_scikit_learn_top_k_accuracy_example() -> None:
    """scikit-learn's docstring example of ``top_k_accuracy_score``: 0.75, and 3 hits
    (https://scikit-learn.org/stable/modules/generated/sklearn.metrics.top_k_accuracy_score.html).
    """
    y_score = [[0.5, 0.2, 0.2], [0.3, 0.4, 0.2], [0.2, 0.4, 0.3], [0.7, 0.2, 0.1]]
    result = top_k([0, 1, 2, 2], y_score, k=2)
    assert result.accuracy == 0.75
    assert float(result.hits.sum()) == 3


def test_torchmetrics_top_k_accuracy_example() -> None:
    """torchmetrics' ``accuracy(..., task="multiclass", top_k=2)`` docstring example: 0.6667
    (https://lightning.ai/docs/torchmetrics/stable/classification/accuracy.html)."""
    preds = torch.tensor([[0.1, 0.9, 0], [0.3, 0.1, 0.6], [0.2, 0.5, 0.3]])
    result = top_k(torch.tensor([0, 1, 2]), preds, k=2)
    assert result.accuracy == 2 / 3


def test_macro_top_k_accuracy_is_the_mean_per_class_recall() -> None:
    """The macro top-k accuracy is the mean of the per-class top-k recalls (torchmetrics #2418
    reported a wrong value); classes without samples are left out."""
    scores = torch.tensor([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1], [0.1, 0.3, 0.6], [0.3, 0.6, 0.1]])
    result = top_k([0, 0, 0, 1], scores, k=1)
    assert result.per_class_recall.tolist()[:2] == [2 / 3, 1.0]
    assert math.isnan(float(result.per_class_recall[2]))
    assert result.balanced_accuracy == (2 / 3 + 1.0) / 2


def test_ties_rank_the_lower_class_first() -> None:
    scores = [[0.4, 0.4, 0.2]]
    assert top_k([0], scores, k=1).accuracy == 1.0
    assert top_k([1], scores, k=1).accuracy == 0.0
    assert top_k([1], scores, k=2).accuracy == 1.0


@pytest.mark.parametrize(
    ("y_true", "y_score", "k", "error", "match"),
    [
        ([0], [[0.1, 0.9]], 3, confmat.OptionError, "at most the number of classes"),
        ([0], [[0.1, 0.9]], 0, confmat.OptionError, "positive integer"),
        ([2], [[0.1, 0.9]], 1, confmat.LabelError, r"\[0, 2\)"),
        ([0], [0.1, 0.9], 1, confmat.ShapeError, r"\(N, C\)"),
        ([0], [[0.1, float("nan")]], 1, confmat.ScoreError, "finite"),
        ([0, 1], [[0.1, 0.9]], 1, confmat.ShapeError, "one row per sample"),
    ],
    ids=["k-large", "k-zero", "label", "1d", "nan", "length"],
)
def test_bad_input_is_a_clear_error(y_true, y_score, k, error, match) -> None:
    with pytest.raises(error, match=match):
        top_k(y_true, y_score, k)
