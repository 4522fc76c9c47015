"""What a single score column describes, missing labels, float labels and hostile inputs.

Through the public API (``ConfusionMatrix.from_predictions``, ``ConfusionMatrix``); the command
line's half is in ``test_cli_inputs.py``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import confmat
from confmat import ConfusionMatrix
from confmat._internal.core import limits

fp = ConfusionMatrix.from_predictions

# -- which class one score column describes, and which class a report calls positive --------

GRID = 64
"""Scores are multiples of 1/64: ``1 - score`` is then exact in float64."""


@st.composite
def binary_scores(draw: st.DrawFn) -> tuple[list[int], np.ndarray, float]:
    """Labels 0/1, scores on the 1/64 grid, a threshold that is an odd multiple of 1/128.

    No score can equal such a threshold (nor ``1 - threshold``), so ``score >= t`` and
    ``1 - score >= 1 - t`` are exact complements: the ``>=`` tie never arises.
    """
    n = draw(st.integers(1, 40))
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    steps = draw(st.lists(st.integers(0, GRID), min_size=n, max_size=n))
    threshold = (2 * draw(st.integers(0, GRID - 1)) + 1) / (2 * GRID)
    return y, np.asarray(steps, dtype=np.float64) / GRID, threshold


@settings(max_examples=150, deadline=None)
@given(binary_scores(), st.sampled_from([None, ("no", "yes")]))
def test_swapping_the_scored_class_with_one_minus_score_keeps_the_matrix(data, names) -> None:
    y, scores, threshold = data
    labels = y if names is None else [names[i] for i in y]
    first, second = (0, 1) if names is None else names
    as_second = fp(labels, scores, score_of=second, threshold=threshold, classes=names)
    as_first = fp(labels, 1 - scores, score_of=first, threshold=1 - threshold, classes=names)
    assert torch.equal(as_second.counts, as_first.counts)
    if names is None:  # integer labels: the score is P(label 1) by default
        assert torch.equal(fp(y, scores, threshold=threshold).counts, as_second.counts)


@settings(max_examples=100, deadline=None)
@given(binary_scores())
def test_the_reported_positive_class_only_relabels_the_binary_block(data) -> None:
    y, scores, threshold = data
    one = fp(y, scores, threshold=threshold)
    zero = fp(y, scores, threshold=threshold, positive=0)
    assert torch.equal(one.counts, zero.counts)  # never flips the counts
    assert (one.positive, zero.positive) == ("1", "0")
    b1, b0 = one.binary_counts(), zero.binary_counts()
    assert (b0.tp, b0.fn, b0.fp, b0.tn) == (b1.tn, b1.fp, b1.fn, b1.tp)


def test_string_labels_with_one_score_column_must_say_which_class_it_describes() -> None:
    y = ["disease", "healthy", "disease", "healthy"]
    p_disease = [0.9, 0.2, 0.7, 0.4]
    for kwargs in ({}, {"positive": "disease"}, {"classes": ["healthy", "disease"]}):
        with pytest.raises(confmat.ClassesError, match=r"score_of='.*'.*--score-of"):
            fp(y, p_disease, **kwargs)
    cm = fp(y, p_disease, score_of="disease")
    assert cm.accuracy == 1.0
    assert cm.positive == "disease"  # the default reported positive: the scored class
    reported = fp(y, p_disease, score_of="disease", positive="disease")
    assert torch.equal(reported.counts, cm.counts)
    assert reported.binary_counts() == confmat.BinaryCounts(tn=2, fp=0, fn=0, tp=2)


def test_integer_classes_score_label_one_wherever_it_stands() -> None:
    cm = fp([0, 1, 1], [0.2, 0.9, 0.6], classes=[1, 0])
    assert cm.classes == ["1", "0"]
    assert cm.counts.tolist() == [[2, 0], [0, 1]]  # label 1 predicted for 0.9 and 0.6
    with pytest.raises(confmat.ClassesError, match="score_of=NAME"):
        fp([3, 7], [0.2, 0.9], classes=[3, 7])
    assert fp([3, 7], [0.2, 0.9], classes=[3, 7], score_of=7).accuracy == 1.0
    with pytest.raises(confmat.ClassesError, match="score_of must be one of"):
        fp([0, 1], [0.2, 0.9], score_of="cat")


# -- missing labels ---------------------------------------------------------------------------

MISSING = [
    pytest.param(["a", None, "b"], id="None"),
    pytest.param(np.array(["a", np.nan, "b"], dtype=object), id="NaN object"),
    pytest.param(pd.Series(["a", None, "b"], dtype="string"), id="pandas string NA"),
    pytest.param(pd.Series(["a", pd.NA, "b"], dtype=object), id="pandas NA object"),
]


@pytest.mark.parametrize("y_true", MISSING)
def test_missing_labels_are_an_error_naming_the_index(y_true) -> None:
    with pytest.raises(confmat.LabelError, match=r"y_true has a missing value .* index 1.*dropna"):
        fp(y_true, ["a", "b", "b"])


@pytest.mark.parametrize("y_true", MISSING)
def test_dropna_leaves_them_out_and_says_how_many(y_true) -> None:
    with pytest.warns(confmat.MissingValueWarning, match="left out 1 of 3 samples"):
        cm = fp(y_true, ["a", "b", "b"], dropna=True)
    assert cm.classes == ["a", "b"]
    assert cm.counts.tolist() == [[1, 0], [0, 1]]


def test_missing_values_in_every_python_container() -> None:
    flags = pd.Series([True, pd.NA, False], dtype="boolean")
    with pytest.raises(confmat.LabelError, match="y_pred has a missing value"):
        fp([True, False, False], flags)
    with pytest.warns(confmat.MissingValueWarning):
        cm = fp([True, False, False], flags, dropna=True, sample_weight=[1.0, 9.0, 2.0])
    assert cm.counts.tolist() == [[2.0, 0.0], [0.0, 1.0]]  # the dropped sample's weight too
    with pytest.raises(confmat.LabelError, match="missing value"):
        fp(pd.Series([1, None, 0], dtype="Int64"), [1, 0, 0])
    with pytest.raises(confmat.LabelError, match=r"missing value \(NaN\) at index 2"):
        fp(torch.tensor([0.0, 1.0, math.nan]), [0, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", confmat.MissingValueWarning)
        assert fp([0.0, math.nan, 2.0], [0, 1, 2], dropna=True).counts.tolist() == [
            [1, 0],
            [0, 1],
        ]


def test_nan_scores_stay_invalid_scores_not_missing_labels() -> None:
    with pytest.raises(confmat.ScoreError, match="finite scores"):
        fp([0, 1], [0.2, math.nan], dropna=True)


def test_every_sample_missing_leaves_no_samples() -> None:
    with pytest.warns(confmat.MissingValueWarning), pytest.raises(confmat.ShapeError):
        fp([None, None], ["a", "b"], dropna=True)


# -- float label columns ----------------------------------------------------------------------


def test_whole_floats_outside_0_1_are_labels() -> None:
    cm = fp([0, 1, 2, 2], [0.0, 1.0, 2.0, 1.0])
    assert cm.classes == ["0", "1", "2"]
    assert cm.counts.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    scores = fp([0, 1], [0.0, 1.0], pred_kind="scores", threshold=0.0)
    assert scores.counts.tolist() == [[0, 1], [0, 1]]  # 0.0 >= 0: both probabilities of 1


def test_zero_one_floats_count_as_labels_whichever_class_is_reported_positive() -> None:
    y, pred = [0, 1, 1, 0], [0.0, 1.0, 0.0, 1.0]
    labels = fp(y, [0, 1, 0, 1]).counts
    for kwargs in ({}, {"positive": 0}, {"pred_kind": "labels", "positive": 0}):
        assert torch.equal(fp(y, pred, **kwargs).counts, labels)


def test_pred_kind_is_checked() -> None:
    with pytest.raises(confmat.OptionError, match="pred_kind must be"):
        fp([0, 1], [0, 1], pred_kind="probabilities")
    with pytest.raises(confmat.ShapeError, match="needs numbers"):
        fp(["a", "b"], ["a", "b"], pred_kind="scores")
    with pytest.raises(confmat.LabelError, match="whole-number"):
        fp([0, 1], [0.5, 1.0], pred_kind="labels")
    assert fp([0, 1], [0, 1], pred_kind="scores").counts.tolist() == [[1, 0], [0, 1]]


# -- classes, ignore_index and matrices at the edges ------------------------------------------


@pytest.mark.parametrize("classes", [[1.0, 0.0], [True, False], [1, 0]])
def test_whole_number_classes_are_values(classes) -> None:
    cm = fp([0, 1, 1], [1, 1, 0], classes=classes)
    assert cm.counts.tolist() == [[1, 1], [1, 0]]  # row 0 is label 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"ignore_index": True}, confmat.OptionError, "bool True"),
        ({"ignore_index": 2**70}, confmat.OptionError, "int64"),
        ({"ignore_index": 1.5}, confmat.OptionError, "whole number"),
        ({"classes": [2**70, 0]}, confmat.ClassesError, "int64 range"),
    ],
)
def test_out_of_range_options(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        fp([0, 1], [0, 1], **kwargs)


def test_whole_float_ignore_index_matches_integer_labels() -> None:
    assert fp([0, 1, 2], [0, 1, 1], ignore_index=2.0).counts.tolist() == [[1, 0], [0, 1]]


def test_a_million_classes_are_stored_sparse_by_matrices_and_accumulators() -> None:
    labels = np.arange(10**6, dtype=np.int64) + 5000
    cm = fp(labels, labels)
    assert cm.num_classes == 10**6
    assert cm.counts.layout == torch.sparse_coo
    assert cm.accuracy == 1.0
    assert fp([0, 1], [0, 1], num_classes=10**6).counts.layout == torch.sparse_coo
    acc = confmat.Accumulator(num_classes=10**6).update([0, 1], [0, 1])
    assert acc.compute().counts.layout == torch.sparse_coo
    with pytest.raises(confmat.ClassesError, match=f"at most {limits.DENSE_CLASS_LIMIT}"):
        confmat.Accumulator(num_classes=10**6, sparse=False)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: torch.zeros(2, device="meta"), "meta device"),
        (lambda: torch.tensor([0, 1]).to_sparse(), "dense tensor.*to_dense"),
        (lambda: np.array([2**64 - 1, 0], dtype=np.uint64), "int64"),
        (lambda: [2**70, 1], "int64"),
    ],
)
def test_tensors_and_arrays_that_hold_no_countable_values(make, match) -> None:
    with pytest.raises(confmat.ShapeError, match=match):
        fp(make(), [0, 1])


def test_a_matrix_whose_total_overflows_int64_is_refused() -> None:
    big = 2**62
    with pytest.raises(confmat.MatrixError, match="add up to at most"):
        ConfusionMatrix([[big, big], [big, big]])
    assert ConfusionMatrix([[big, big - 1], [0, 0]]).n == 2**63 - 1  # the largest total


@pytest.mark.parametrize(
    "classes", [[-(2**63), -(2**63) + 1], [2**63 - 2, 2**63 - 1], [-(2**63), 0, 2**63 - 1]]
)
def test_classes_at_the_ends_of_int64(classes) -> None:
    y = torch.tensor(classes)
    expected = torch.eye(len(classes), dtype=torch.int64)
    assert torch.equal(fp(y, y, classes=classes).counts, expected)
    assert torch.equal(confmat.Accumulator(classes=classes).update(y, y).compute().counts, expected)


def test_labels_at_the_other_end_of_int64_are_not_classes() -> None:
    classes = [2**63 - 2, 2**63 - 1]
    far = torch.tensor([-(2**63) + 2, 2**63 - 1])
    with pytest.raises(confmat.LabelError, match="not one of the classes"):
        fp(far, far, classes=classes)
    with pytest.raises(confmat.LabelError, match="1 y_true label"):
        confmat.Accumulator(classes=classes).update(far, far).compute()


def test_float_labels_beyond_int64_are_refused() -> None:
    with pytest.raises(confmat.LabelError, match=r"whole-number \(int64\) labels"):
        fp(torch.tensor([1e30, 1.0]), [1, 1])


def test_a_dense_accumulator_has_the_dense_limit_and_points_to_the_sparse_store() -> None:
    with pytest.raises(confmat.ClassesError, match=r"DENSE_CLASS_LIMIT.*sparse=True"):
        confmat.Accumulator(num_classes=10**6, sparse=False)
    with pytest.raises(confmat.ClassesError, match="DENSE_CLASS_LIMIT"):
        confmat.Accumulator(classes=range(limits.DENSE_CLASS_LIMIT + 1), sparse=False)
    assert confmat.Accumulator(classes=range(limits.DENSE_CLASS_LIMIT + 1)).num_classes
