"""MultilabelConfusion's vocabulary: classes/labels, num_classes, ignore_index, zero_division.

The reference of ``ignore_index`` is the definition: every (sample, label) cell whose true
indicator is ``ignore_index`` is dropped, brute force, and everything is counted over the rest.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import confmat
import strategies as cs
from confmat import MultilabelConfusion

TOL = 1e-12
IGNORE = -100


def close(actual: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return abs(actual - expected) <= TOL * max(1.0, abs(expected))


def dropped_cells(
    y_true: np.ndarray, y_pred: np.ndarray, kept: np.ndarray, weight: np.ndarray
) -> dict[str, Any]:
    """Everything counted over the kept cells only, one sample and one label at a time."""
    size = y_true.shape[1]
    counts, co = np.zeros((size, 2, 2)), np.zeros((size, size))
    ratios = {"precision": [0.0, 0.0], "recall": [0.0, 0.0], "f1": [0.0, 0.0]}
    ratios["jaccard"] = [0.0, 0.0]
    exact = n = 0.0
    for t, p, k, w in zip(y_true, y_pred, kept, weight, strict=True):
        if not k.any():
            continue  # a sample without a counted cell counts nowhere
        n += w
        t, p = t[k].astype(bool), p[k].astype(bool)
        labels = np.flatnonzero(k)
        for label, ti, pi in zip(labels, t, p, strict=True):
            counts[label, int(ti), int(pi)] += w
        for i, ti, pi in zip(labels, t, p, strict=True):
            for j, tj, pj in zip(labels, t, p, strict=True):
                co[i, j] += w * (ti and not pi and pj and not tj)
        tp, fp, fn = (t & p).sum(), (p & ~t).sum(), (t & ~p).sum()
        exact += w * (fp + fn == 0)
        for name, num, den in (
            ("precision", tp, tp + fp),
            ("recall", tp, tp + fn),
            ("f1", 2 * tp, 2 * tp + fp + fn),
            ("jaccard", tp, tp + fp + fn),
        ):
            if den > 0:
                ratios[name][0] += w * num / den
                ratios[name][1] += w
    cells = counts.sum()
    wrong = counts[:, 0, 1].sum() + counts[:, 1, 0].sum()
    return {
        "counts": counts,
        "co": co,
        "n": n,
        "subset_accuracy": exact / n if n > 0 else math.nan,
        "hamming_loss": wrong / cells if cells > 0 else math.nan,
        "samples": {k: s / d if d > 0 else math.nan for k, (s, d) in ratios.items()},
    }


@st.composite
def ignored_cases(draw: st.DrawFn) -> tuple[cs.MultilabelCase, np.ndarray]:
    case = draw(cs.multilabel_cases())
    share = draw(st.sampled_from([0.0, 0.2, 0.5, 0.9]))
    seed = draw(st.integers(0, 2**32 - 1))
    ignored = np.random.default_rng(seed).random(case.y_true.shape) < share
    ignored[0, 0] = False  # at least one cell is counted
    return case, ignored


@settings(max_examples=200, deadline=None)
@given(data=ignored_cases())
def test_ignore_index_equals_dropping_those_cells(
    data: tuple[cs.MultilabelCase, np.ndarray],
) -> None:
    case, ignored = data
    y_true = np.where(ignored, IGNORE, case.y_true)
    ml = MultilabelConfusion.from_predictions(
        y_true, case.y_pred, sample_weight=case.sample_weight, ignore_index=IGNORE
    )
    weight = np.ones(len(y_true)) if case.sample_weight is None else case.sample_weight
    ref = dropped_cells(case.y_true, case.y_pred, ~ignored, weight)
    np.testing.assert_allclose(ml.counts.numpy(), ref["counts"], rtol=TOL, atol=TOL)
    assert ml.co_confusion is not None
    np.testing.assert_allclose(ml.co_confusion.numpy(), ref["co"], rtol=TOL, atol=TOL)
    assert close(float(ml.n), ref["n"])
    assert close(ml.subset_accuracy, ref["subset_accuracy"])
    assert close(ml.hamming_loss, ref["hamming_loss"])
    for name, expected in ref["samples"].items():
        assert close(ml.average(name, "samples"), expected), name
    kept = (~ignored).sum(0)
    cells = (weight[:, None] * ~ignored).sum(0)
    np.testing.assert_allclose(ml.counts.sum(dim=(1, 2)).numpy(), cells, rtol=TOL, atol=TOL)
    assert kept.sum() > 0


@settings(max_examples=60, deadline=None)
@given(data=ignored_cases())
def test_nothing_ignored_is_the_result_without_ignore_index(
    data: tuple[cs.MultilabelCase, np.ndarray],
) -> None:
    case, _ = data
    plain = MultilabelConfusion.from_predictions(
        case.y_true, case.y_pred, sample_weight=case.sample_weight
    )
    kwargs = {"sample_weight": case.sample_weight, "ignore_index": -1}
    same = MultilabelConfusion.from_predictions(case.y_true, case.y_pred, **kwargs)
    assert plain.to_dict() == same.to_dict()
    assert plain.sample_sums is not None
    assert same.sample_sums is not None
    assert torch.equal(plain.sample_sums, same.sample_sums)


def test_a_sample_with_every_cell_ignored_counts_nowhere() -> None:
    ml = MultilabelConfusion.from_predictions(
        [[-1, -1], [1, 0], [0, -1]], [[1, 1], [1, 0], [1, 0]], ignore_index=-1
    )
    assert ml.n == 2
    assert ml.subset_accuracy == 0.5
    assert ml.counts.tolist() == [[[0, 1], [0, 1]], [[1, 0], [0, 0]]]
    assert ml.hamming_loss == 1 / 3  # one wrong of three counted cells
    assert ml.cardinality == (0.5, 1.0)
    assert ml.per_class("prevalence").tolist() == [0.5, 0.0]  # of each label's own cells
    # the predictions of ignored cells are neither checked nor counted
    odd = MultilabelConfusion.from_predictions([[1, -1]], [[0.7, float("nan")]], ignore_index=-1)
    assert odd.counts[1].sum() == 0


@pytest.mark.parametrize(
    ("ignore_index", "error", "match"),
    [
        (0, confmat.OptionError, "differ from the indicators 0 and 1"),
        (1, confmat.OptionError, "differ from the indicators 0 and 1"),
        (1.0, confmat.OptionError, "differ from the indicators 0 and 1"),
        (True, confmat.OptionError, "bool"),
        ("x", confmat.OptionError, "number for numeric labels"),
        (0.5, confmat.OptionError, "whole number"),
        (2**63, confmat.OptionError, "within int64"),
    ],
    ids=["zero", "one", "one-float", "bool", "text", "fraction", "too-large"],
)
def test_ignore_index_is_checked_as_for_single_label(
    ignore_index: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        MultilabelConfusion.from_predictions([[1, 0]], [[1, 0]], ignore_index=ignore_index)
    with pytest.raises(error, match=match):
        confmat.MultilabelAccumulator(ignore_index=ignore_index)


def test_empty_inputs_and_inputs_ignored_whole_are_refused() -> None:
    with pytest.raises(confmat.ShapeError, match="no samples"):
        MultilabelConfusion.from_predictions(np.zeros((0, 3)), np.zeros((0, 3)))
    with pytest.raises(confmat.ShapeError, match="no samples"):
        MultilabelConfusion.from_predictions([[-1, -1]], [[1, 0]], ignore_index=-1)
    with pytest.raises(confmat.ShapeError, match=r"shape \(N, L\)"):
        MultilabelConfusion.from_predictions(np.zeros((3, 0)), np.zeros((3, 0)))


def test_missing_cells_are_refused_naming_sample_and_label() -> None:
    with pytest.raises(confmat.LabelError, match=r"missing value.*sample 1, label 0") as info:
        MultilabelConfusion.from_predictions([[1, 0], [None, 1]], [[1, 0], [0, 1]])
    assert info.value.index == 1
    with pytest.raises(confmat.LabelError, match="y_pred has a missing value"):
        MultilabelConfusion.from_predictions([[1, 0]], [[0.5, None]])


# -- the names of single-label, the contract's names as aliases ------------------------------


@settings(max_examples=30, deadline=None)
@given(case=cs.multilabel_cases())
def test_classes_and_labels_are_one_option(case: cs.MultilabelCase) -> None:
    names = [f"label {i}" for i in range(case.y_true.shape[1])]
    new = MultilabelConfusion.from_predictions(case.y_true, case.y_pred, classes=names)
    old = MultilabelConfusion.from_predictions(case.y_true, case.y_pred, labels=names)
    assert new.to_dict() == old.to_dict()
    assert new.classes == new.labels == names
    assert new.num_classes == new.num_labels == len(names)
    torch.testing.assert_close(new.per_class("f1"), new.per_label("f1"), equal_nan=True)
    assert all(torch.equal(a, b) for a, b in zip(new.class_counts, new.label_counts, strict=True))
    rebuilt = MultilabelConfusion(new.counts, labels=names)
    assert rebuilt.classes == MultilabelConfusion(new.counts, classes=names).classes == names


def test_classes_and_labels_together_are_refused() -> None:
    for make in (
        lambda: MultilabelConfusion.from_predictions([[1]], [[1]], classes=["a"], labels=["a"]),
        lambda: MultilabelConfusion([[[1, 0], [0, 1]]], ["a"], labels=["a"]),
        lambda: confmat.MultilabelAccumulator(classes=["a"], labels=["a"]),
        lambda: confmat.MultilabelAccumulator(num_classes=1, num_labels=1),
    ):
        with pytest.raises(confmat.OptionError, match="older name"):
            make()


@settings(max_examples=50, deadline=None)
@given(case=cs.multilabel_cases(), data=st.data())
def test_classes_name_the_columns_in_order(case: cs.MultilabelCase, data: Any) -> None:
    """Multilabel columns are labels, not label values: classes name them by position."""
    size = case.y_true.shape[1]
    order = data.draw(st.permutations(range(size)))
    as_text = data.draw(st.booleans())
    classes = [str(v) for v in order] if as_text else list(order)
    ml = MultilabelConfusion.from_predictions(
        case.y_true, case.y_pred, classes=classes, sample_weight=case.sample_weight
    )
    plain = MultilabelConfusion.from_predictions(
        case.y_true, case.y_pred, sample_weight=case.sample_weight
    )
    assert ml.classes == [str(v) for v in order]
    assert torch.equal(ml.counts, plain.counts)
    assert ml.co_confusion is not None
    assert plain.co_confusion is not None
    assert torch.equal(ml.co_confusion, plain.co_confusion)
    named = MultilabelConfusion.from_predictions(
        case.y_true, case.y_pred, classes=[f"c{v}" for v in order]
    )
    unweighted = MultilabelConfusion.from_predictions(case.y_true, case.y_pred)
    assert torch.equal(named.counts, unweighted.counts)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"classes": [0, 0]}, confmat.ClassesError, "unique"),
        ({"classes": ["a"]}, confmat.ClassesError, "name 2 classes"),
        ({"num_classes": 3}, confmat.ClassesError, "num_classes=3"),
        ({"threshold": [0.5, 0.5, 0.5]}, confmat.OptionError, "2 of them"),
        ({"zero_division": "zero"}, confmat.OptionError, "zero_division"),
    ],
    ids=["values", "names", "num-classes", "thresholds", "zero-division"],
)
def test_vocabulary_refusals(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        MultilabelConfusion.from_predictions([[1, 0]], [[0.7, 0.2]], **kwargs)


def test_zero_division_reaches_every_statistic_from_every_entry() -> None:
    y_true, y_pred = [[1, 0], [1, 0]], [[1, 0], [0, 0]]  # label 1: never true nor predicted
    one = MultilabelConfusion.from_predictions(y_true, y_pred, zero_division=1)
    assert float(one.per_class("precision")[1]) == 1.0
    assert one.zero_division == 1.0
    counted = MultilabelConfusion(one.counts, zero_division=0)
    assert float(counted.per_class("recall")[1]) == 0.0
    accumulated = confmat.MultilabelAccumulator(zero_division=1).update(y_true, y_pred).compute()
    assert float(accumulated.per_class("precision")[1]) == 1.0
    assert accumulated.zero_division == 1.0


# -- intervals, counts given, overflow ----------------------------------------------------------


def test_intervals_of_weighted_counts_are_nan() -> None:
    weighted = MultilabelConfusion.from_predictions(
        [[1, 0], [1, 1], [0, 1]], [[1, 0], [0, 1], [0, 1]], sample_weight=[1.0, 2.0, 1.0]
    )
    for name in ("recall", "precision", "specificity", "npv", "prevalence", "lr_plus"):
        lo, hi = weighted.interval(name)
        assert bool(torch.isnan(lo).all()), name
        assert bool(torch.isnan(hi).all()), name
    # whole-number float sums are still sums of weights, as for ConfusionMatrix.interval
    floats = MultilabelConfusion([[[8.0, 0.0], [1.0, 9.0]]])
    assert bool(torch.isnan(floats.interval("recall")[0]).all())
    counts = MultilabelConfusion([[[8, 0], [1, 9]]])
    assert not bool(torch.isnan(counts.interval("recall")[0]).all())
    document = weighted.to_dict()
    assert all(row["recall_ci"] is None for row in document["per_label"].values())


def test_counts_given_are_checked_by_the_shared_check() -> None:
    big = 2**62
    with pytest.raises(confmat.MatrixError, match="at most 9223372036854775807"):
        MultilabelConfusion([[[big, 0], [0, big]], [[big, 0], [0, big]]])
    one = MultilabelConfusion([[[big, 0], [0, big - 1]]])
    with pytest.raises(confmat.MatrixError, match="at most"):
        _ = one + one
    with pytest.raises(confmat.MatrixError, match="non-negative"):
        MultilabelConfusion([[[1, 0], [0, 1]]], co_confusion=[[-1]])
    with pytest.raises(confmat.MatrixError, match=r"co_confusion must be of shape \(1, 1\)"):
        MultilabelConfusion([[[1, 0], [0, 1]]], co_confusion=[[0, 0]])
    with pytest.raises(confmat.MatrixError, match=r"sample_sums must be of shape \(5, 2\)"):
        MultilabelConfusion([[[1, 0], [0, 1]]], sample_sums=torch.zeros(4, 2))
    with pytest.raises(confmat.MatrixError, match="finite"):
        MultilabelConfusion([[[1.0, float("nan")], [0.0, 1.0]]])


def test_adding_results_with_ignored_cells_keeps_n() -> None:
    a = MultilabelConfusion.from_predictions([[1, -1], [0, 1]], [[1, 1], [0, 0]], ignore_index=-1)
    b = MultilabelConfusion.from_predictions([[-1, -1], [1, 1]], [[0, 0], [1, 1]], ignore_index=-1)
    both = MultilabelConfusion.from_predictions(
        [[1, -1], [0, 1], [-1, -1], [1, 1]], [[1, 1], [0, 0], [0, 0], [1, 1]], ignore_index=-1
    )
    total = a + b
    assert total.n == both.n == 3
    assert total.to_dict() == both.to_dict()
