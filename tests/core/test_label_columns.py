"""The score rule for label columns (core.codes), their labels (core.multilabel) and checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import confmat
from confmat._internal.core import checks, codes
from confmat._internal.core import multilabel as ml


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    dtype=st.sampled_from([torch.float16, torch.float32, torch.float64]),
    width=st.integers(1, 5),
)
def test_label_decisions_are_the_binary_rule_per_column_ties_included(
    data: Any, dtype: torch.dtype, width: int
) -> None:
    thresholds = data.draw(st.lists(st.floats(0, 1), min_size=width, max_size=width))
    # scores written in the scores' precision: some are exactly at their column's threshold
    rows = data.draw(st.integers(1, 8))
    chosen = data.draw(st.lists(st.booleans(), min_size=rows * width, max_size=rows * width))
    noise = torch.rand(rows, width, generator=torch.Generator().manual_seed(rows))
    at = torch.tensor(thresholds, dtype=torch.float64).expand(rows, width)
    scores = torch.where(torch.tensor(chosen).reshape(rows, width), at, noise).to(dtype)
    decided = codes.label_decisions(scores, torch.tensor(thresholds, dtype=torch.float64), False)
    for j, t in enumerate(thresholds):
        column = codes.threshold_labels(scores[:, j], t).bool()
        assert torch.equal(decided[:, j], column), (j, t)
    exactly = scores == torch.tensor(thresholds, dtype=torch.float64).to(dtype)
    assert bool(decided[exactly].all())  # a score at its threshold counts


def test_one_threshold_or_one_per_column_and_logits_in_float64() -> None:
    scores = torch.tensor([[0.5, 0.3]], dtype=torch.float32)
    assert codes.label_decisions(scores, 0.5, False).tolist() == [[True, False]]
    per_column = torch.tensor([0.6, 0.3])
    assert codes.label_decisions(scores, per_column, False).tolist() == [[False, True]]
    logits = torch.tensor([[0.0, -1e-9]])
    assert codes.label_decisions(logits, 0.5, True).tolist() == [[True, False]]
    assert codes.invalid_label_scores(torch.tensor([[0.5, -0.1], [2.0, 3.0]]), True).tolist() == [
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        (None, ["0", "1", "2"]),
        (["b", "a", "c"], ["b", "a", "c"]),
        ([0, 1, 2], ["0", "1", "2"]),
        ([2, 0, 1], ["2", "0", "1"]),  # names of the columns, in column order
        (["401", "250", "9"], ["401", "250", "9"]),  # numbers name columns too
        ([2.0, 0.0, 1.0], ["2", "0", "1"]),
        ([True, False, 2], ["True", "False", "2"]),
    ],
    ids=["none", "names", "values", "permuted", "codes", "floats", "bools"],
)
def test_label_names(classes: Any, expected: Any) -> None:
    assert ml.label_names(classes, None, 3) == expected


@pytest.mark.parametrize(
    ("classes", "num_classes", "match"),
    [
        ([1, 1.0, 2], None, "unique"),
        (["a", "b"], None, "name 3 classes"),
        (["a", "a", "b"], None, "unique"),
        (None, 2, "num_classes=2, but the data has 3 columns"),
        (None, 0, "positive integer"),
    ],
    ids=["repeated-value", "short", "duplicate", "num-classes", "zero"],
)
def test_label_names_refusals(classes: Any, num_classes: Any, match: str) -> None:
    with pytest.raises(confmat.ClassesError, match=match):
        ml.label_names(classes, num_classes, 3)


def test_check_counts_is_one_check_for_every_array_of_counts() -> None:
    assert checks.check_counts(np.ones((2, 2), np.uint8), "c", ("C", "C"), "x").dtype == torch.int64
    assert checks.check_counts([[0.5]], "c", ("C", "C"), "x").dtype == torch.float64
    cases = [
        (np.ones((2, 3)), ("C", "C"), r"must be square, got shape \(2, 3\)"),
        (np.ones((0, 2, 2)), ("L", 2, 2), r"got shape \(0, 2, 2\)"),
        ([[[1, -2], [0, 0]]], ("L", 2, 2), r"non-negative, got -2 at index \(0, 0, 1\)"),
        ([[1.0, float("inf")], [0, 0]], ("C", "C"), "finite"),
        ([["a"]], ("C", "C"), "numbers"),
    ]
    for values, shape, match in cases:
        with pytest.raises(confmat.MatrixError, match=match):
            checks.check_counts(values, "c", shape, "square")


@pytest.mark.parametrize(
    ("threshold", "width", "match"),
    [
        ([0.5, 0.5], 3, "3 of them"),
        ([0.5, 1.5], 2, "2 of them"),
        ([0.5, float("nan")], 2, "2 of them"),
        ("high", 2, "one per label"),
        (True, 2, "one per label"),
        (-0.1, 2, r"in \[0, 1\]"),
    ],
    ids=["length", "range", "nan", "text", "bool", "negative"],
)
def test_check_thresholds_refusals(threshold: Any, width: int, match: str) -> None:
    with pytest.raises(confmat.OptionError, match=match):
        checks.check_thresholds(threshold, width)


def test_one_of_an_option_and_its_alias() -> None:
    assert checks.one_of(["a"], None, "classes", "labels") == ["a"]
    assert checks.one_of(None, ["a"], "classes", "labels") == ["a"]
    with pytest.raises(confmat.OptionError, match="labels is its older name"):
        checks.one_of(["a"], ["a"], "classes", "labels")
