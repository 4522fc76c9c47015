"""MultilabelConfusion: differential tests against scikit-learn, published examples, properties."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning

import confmat
import sklearn_oracle as oracle
import strategies as cs
from confmat import MultilabelConfusion
from confmat._internal.results.multilabel import samplewise_counts

TOL = 1e-12


def close(actual: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return abs(actual - expected) <= TOL * max(1.0, abs(expected))


def build(case: cs.MultilabelCase, **kwargs: Any) -> MultilabelConfusion:
    return MultilabelConfusion.from_predictions(
        case.y_true, case.y_pred, sample_weight=case.sample_weight, **kwargs
    )


# -- scikit-learn, differential ---------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(case=cs.multilabel_cases())
def test_matches_scikit_learn_with_nan_for_undefined(case: cs.MultilabelCase) -> None:
    ml = build(case)
    ref = oracle.multilabel_reference(case.y_true, case.y_pred, case.sample_weight)
    np.testing.assert_allclose(ml.counts.numpy(), ref.counts, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(
        samplewise_counts(case.y_true, case.y_pred, sample_weight=case.sample_weight).numpy(),
        ref.samplewise,
        rtol=TOL,
        atol=TOL,
    )
    for name, values in ref.per_label.items():
        np.testing.assert_allclose(ml.per_label(name).numpy(), values, rtol=TOL, atol=TOL)
    sums = ml.sample_sums
    assert sums is not None
    for method, row in ref.averages.items():
        for name, expected in row.items():
            actual = ml.average(name, method)
            row_index = confmat._internal.core.multilabel_kernels.SAMPLE_ROWS.index(name)
            if method == "samples" and float(sums[row_index, 1]) == 0 and not math.isnan(expected):
                # every defined sample has weight 0: scikit-learn falls back to an unweighted
                # mean, confmat says NaN (the documented average policy)
                assert math.isnan(actual), (name, method)
                continue
            assert close(actual, expected), (name, method, actual, expected)
    assert close(ml.subset_accuracy, ref.subset_accuracy)
    assert close(ml.hamming_loss, ref.hamming_loss)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(case=cs.multilabel_cases(), zero=st.sampled_from([0.0, 1.0]))
def test_zero_division_0_or_1_matches_scikit_learn(case: cs.MultilabelCase, zero: float) -> None:
    ml = build(case, zero_division=zero)
    ref = oracle.multilabel_reference(case.y_true, case.y_pred, case.sample_weight, zero)
    for name, values in ref.per_label.items():
        np.testing.assert_allclose(ml.per_label(name).numpy(), values, rtol=TOL, atol=TOL)
    for method, row in ref.averages.items():
        for name, expected in row.items():
            if method == "weighted" and float(ml.support.sum()) == 0:
                continue  # no true label at all: scikit-learn's unweighted fallback
            assert close(ml.average(name, method), expected), (name, method)


def test_default_nan_differs_from_scikit_learns_default_zero_as_documented() -> None:
    """scikit-learn's default ``zero_division="warn"`` gives 0 (and a warning); confmat NaN."""
    from sklearn.metrics import precision_recall_fscore_support

    y_true = np.array([[1, 0], [1, 0]])
    y_pred = np.array([[1, 0], [0, 0]])  # label 1: never true, never predicted
    ml = MultilabelConfusion.from_predictions(y_true, y_pred)
    with pytest.warns(UndefinedMetricWarning):
        p, r, _, _ = precision_recall_fscore_support(y_true, y_pred, average=None)
    assert p[1] == 0.0
    assert r[1] == 0.0
    assert math.isnan(float(ml.per_label("precision")[1]))
    assert math.isnan(float(ml.per_label("recall")[1]))
    # the macro average leaves the undefined label out; scikit-learn's default averages its 0
    with pytest.warns(UndefinedMetricWarning):
        sk_macro = precision_recall_fscore_support(y_true, y_pred, average="macro")[1]
    assert sk_macro == 0.25  # (1/2 + 0) / 2
    assert ml.average("recall", "macro") == 0.5  # label 0 only


def test_weighted_average_with_only_zero_support_labels_is_nan() -> None:
    """scikit-learn falls back to an unweighted mean; confmat's weighted average is NaN."""
    from sklearn.metrics import precision_score

    y_true, y_pred = np.zeros((3, 2), dtype=int), np.array([[1, 0], [0, 0], [0, 1]])
    ml = MultilabelConfusion.from_predictions(y_true, y_pred)
    sk = precision_score(y_true, y_pred, average="weighted", zero_division=np.nan)
    assert sk == 0.0
    assert math.isnan(ml.average("precision", "weighted"))


# -- published examples -----------------------------------------------------------------------


def test_scikit_learn_multilabel_confusion_matrix_example() -> None:
    """scikit-learn's docstring example of ``multilabel_confusion_matrix``
    (https://scikit-learn.org/stable/modules/generated/sklearn.metrics.multilabel_confusion_matrix.html).
    """
    y_true = np.array([[1, 0, 1], [0, 1, 0]])
    y_pred = np.array([[1, 0, 0], [0, 1, 1]])
    ml = MultilabelConfusion.from_predictions(y_true, y_pred)
    assert ml.counts.tolist() == [[[1, 0], [0, 1]], [[1, 0], [0, 1]], [[0, 1], [1, 0]]]


def test_scikit_learn_hamming_loss_example() -> None:
    """scikit-learn's ``hamming_loss`` docstring, multilabel case: 0.75
    (https://scikit-learn.org/stable/modules/generated/sklearn.metrics.hamming_loss.html).
    """
    ml = MultilabelConfusion.from_predictions(np.array([[0, 1], [1, 1]]), np.zeros((2, 2)))
    assert ml.hamming_loss == 0.75


@pytest.mark.parametrize(
    "preds",
    [[[0, 0, 1], [1, 0, 1]], [[0.11, 0.22, 0.84], [0.73, 0.33, 0.92]]],
    ids=["int", "float"],
)
def test_torchmetrics_multilabel_confusion_matrix_examples(preds: list[list[float]]) -> None:
    """torchmetrics' docstring examples of ``MultilabelConfusionMatrix`` (int and float preds)
    (https://lightning.ai/docs/torchmetrics/stable/classification/confusion_matrix.html).
    """
    target = torch.tensor([[0, 1, 0], [1, 0, 1]])
    ml = MultilabelConfusion.from_predictions(target, torch.tensor(preds))
    assert ml.counts.tolist() == [[[1, 0], [0, 1]], [[1, 0], [1, 0]], [[0, 1], [0, 1]]]


# -- thresholds, logits and the co-confusion ---------------------------------------------------


def test_scores_at_the_threshold_are_positive_and_thresholds_per_label() -> None:
    scores = torch.tensor([[0.5, 0.3], [0.49, 0.7]], dtype=torch.float32)
    truth = [[1, 1], [1, 1]]
    assert MultilabelConfusion.from_predictions(truth, scores).counts[:, 1, 1].tolist() == [1, 1]
    per_label = MultilabelConfusion.from_predictions(truth, scores, threshold=[0.49, 0.3])
    assert per_label.counts[:, 1, 1].tolist() == [2, 2]
    logits = torch.tensor([[0.0, -1.0]])
    hits = MultilabelConfusion.from_predictions([[1, 1]], logits, from_logits=True)
    assert hits.counts[:, 1, 1].tolist() == [1, 0]


@settings(max_examples=100, deadline=None)
@given(case=cs.multilabel_cases())
def test_co_confusion_counts_missed_label_against_wrong_extra_labels(
    case: cs.MultilabelCase,
) -> None:
    ml = build(case)
    weight = np.ones(len(case.y_true)) if case.sample_weight is None else case.sample_weight
    num_labels = case.y_true.shape[1]
    expected = np.zeros((num_labels, num_labels))
    for t, p, w in zip(case.y_true, case.y_pred, weight, strict=True):  # brute force oracle
        for i in range(num_labels):
            for j in range(num_labels):
                expected[i, j] += w * (t[i] == 1 and p[i] == 0 and p[j] == 1 and t[j] == 0)
    assert ml.co_confusion is not None
    np.testing.assert_allclose(ml.co_confusion.numpy(), expected, rtol=TOL, atol=TOL)
    assert bool((ml.co_confusion.diagonal() == 0).all())


@settings(max_examples=50, deadline=None)
@given(case=cs.multilabel_cases(weighted=False), cut=st.integers(0, 30))
def test_adding_two_parts_gives_the_whole(case: cs.MultilabelCase, cut: int) -> None:
    whole = build(case)
    cut = min(cut, len(case.y_true))
    if cut in (0, len(case.y_true)):
        return
    first = MultilabelConfusion.from_predictions(case.y_true[:cut], case.y_pred[:cut])
    second = MultilabelConfusion.from_predictions(case.y_true[cut:], case.y_pred[cut:])
    total = first + second
    assert torch.equal(total.counts, whole.counts)
    assert total.co_confusion is not None
    assert whole.co_confusion is not None
    assert torch.equal(total.co_confusion, whole.co_confusion)
    for name in ("precision", "recall", "f1", "jaccard"):
        assert close(total.average(name, "samples"), whole.average(name, "samples"))


def test_larger_than_one_chunk_is_exact() -> None:
    generator = torch.Generator().manual_seed(3)
    y_true = torch.rand(10_000, 7, generator=generator) < 0.2
    y_pred = torch.rand(10_000, 7, generator=generator) < 0.2
    ref = oracle.multilabel_reference(y_true.numpy(), y_pred.numpy())
    ml = MultilabelConfusion.from_predictions(y_true, y_pred)
    assert ml.counts.tolist() == ref.counts.tolist()
    assert close(ml.average("f1", "samples"), ref.averages["samples"]["f1"])


# -- statistics, findings, errors ---------------------------------------------------------------


def test_cardinality_intervals_and_findings() -> None:
    y_true = np.array([[1, 0, 0]] * 150 + [[0, 1, 1]] * 50)
    y_true[0, 2] = 0
    y_pred = y_true.copy()
    y_pred[:, 1] = 0  # label "b" never predicted
    y_pred[:10, 2] = 1  # "c" predicted where it is not true
    ml = MultilabelConfusion.from_predictions(y_true, y_pred, labels=["a", "b", "c"])
    true, pred = ml.cardinality
    assert true == (150 + 100) / 200
    assert pred == (150 + 50 + 10) / 200
    lo, hi = ml.interval("recall")
    assert float(lo[0]) < 1.0 == float(hi[0])
    assert ml.never_predicted() == ["b"]
    notes = ml.findings()
    assert notes[0].message == "Never predicted: b (50 true sample(s))."
    assert notes[0].code == "never-predicted"
    assert ml.rare(0.3) == ["b", "c"]


def test_constructing_from_counts_alone_and_errors() -> None:
    ml = MultilabelConfusion([[[5, 1], [2, 3]], [[6, 0], [0, 5]]], ["x", "y"])
    assert ml.n == 11
    assert math.isnan(ml.subset_accuracy)
    with pytest.raises(confmat.OptionError, match="samples average needs"):
        ml.average("f1", "samples")
    with pytest.raises(confmat.MatrixError, match=r"shape \(L, 2, 2\)"):
        MultilabelConfusion([[1, 2], [3, 4]])
    with pytest.raises(confmat.MatrixError, match="same samples"):
        MultilabelConfusion([[[5, 1], [2, 3]], [[1, 0], [0, 1]]])
    with pytest.raises(confmat.MergeError, match="different labels"):
        _ = ml + MultilabelConfusion([[[5, 1], [2, 3]], [[6, 0], [0, 5]]])


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "error", "match"),
    [
        ([[0, 2]], [[0, 1]], {}, confmat.LabelError, "y_true must hold 0/1"),
        ([[0, 1]], [[0, 3]], {}, confmat.LabelError, "y_pred must hold 0/1"),
        ([[0, 1]], [[0.2, 1.5]], {}, confmat.ScoreError, "probabilities in"),
        ([[0, 1]], [[0.2, float("nan")]], {}, confmat.ScoreError, "finite"),
        ([0, 1], [0, 1], {}, confmat.ShapeError, r"shape \(N, L\)"),
        ([[0, 1]], [[0, 1, 1]], {}, confmat.ShapeError, "same shape"),
        ([["a", "b"]], [[0, 1]], {}, confmat.ShapeError, "strings"),
        ([[0, 1]], [[0.2, 0.5]], {"threshold": [0.5]}, confmat.OptionError, "one per label"),
        ([[0, 1]], [[0.2, 0.5]], {"threshold": 2.0}, confmat.OptionError, "threshold"),
        ([[0, 1]], [[0, 1]], {"from_logits": True}, confmat.ScoreError, "float scores"),
        ([[0, 1]], [[0, 1]], {"sample_weight": [-1.0]}, confmat.WeightError, "non-negative"),
        ([[0, 1]], [[0, 1]], {"labels": ["a", "a"]}, confmat.ClassesError, "unique"),
    ],
    ids=[
        "true-2", "pred-3", "prob-range", "nan", "1d", "shapes", "strings", "thresholds",
        "threshold", "logits-ints", "weights", "labels",
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error(
    y_true: Any, y_pred: Any, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        MultilabelConfusion.from_predictions(y_true, y_pred, **kwargs)


def test_uint8_and_bool_inputs() -> None:
    y = np.ones((300, 2), dtype=np.uint8)
    ml = MultilabelConfusion.from_predictions(y, y.astype(bool))
    assert ml.counts[:, 1, 1].tolist() == [300, 300]
