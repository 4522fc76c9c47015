"""Hypothesis strategies shared by the test modules (append yours in a section of your own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

# -- labelled predictions (differential tests and properties) -------------------------------

STRING_POOL = ("ant", "Bee", "cat", "dog", "eel", "fox", "gnu", "z", "éclair", "10", "9")
"""Class names, chosen to sort differently as text and as numbers ("10" < "9")."""

INTEGER_POOL = (0, 1, 2, 3, 5, 7, 11, 42, 1000)


@dataclass
class Case:
    """Predictions with the class list they are to be counted against.

    Attributes:
        y_true, y_pred: label values (ints, bools or strings), one per sample.
        labels: every class as a label value, in confmat's order (for the oracle).
        kwargs: how the classes are passed to ``from_predictions`` (``classes=``,
            ``num_classes=`` or nothing, i.e. inferred).
        sample_weight: float weights or None.
    """

    y_true: list[Any]
    y_pred: list[Any]
    labels: list[Any]
    kwargs: dict[str, Any]
    sample_weight: list[float] | None

    @property
    def names(self) -> list[str]:
        """The class names confmat reports, in order."""
        return [str(c) for c in self.labels]


weights_values = st.one_of(
    st.integers(0, 5).map(float),
    st.floats(0.0, 10.0, allow_nan=False, allow_infinity=False),
)


@st.composite
def sample_weights(draw: st.DrawFn, n: int) -> list[float]:
    """Non-negative finite weights for ``n`` samples, zeros included (but not only zeros)."""
    weights = draw(st.lists(weights_values, min_size=n, max_size=n))
    if not any(weights):
        weights[draw(st.integers(0, n - 1))] = 1.0
    return weights


@st.composite
def _class_values(draw: st.DrawFn, kind: str) -> list[Any]:
    if kind == "str":
        return draw(st.lists(st.sampled_from(STRING_POOL), min_size=1, max_size=6, unique=True))
    if kind == "bool":
        return draw(st.permutations([False, True]))
    if kind == "index":
        return list(range(draw(st.integers(1, 7))))
    return draw(st.lists(st.sampled_from(INTEGER_POOL), min_size=1, max_size=6, unique=True))


@st.composite
def cases(draw: st.DrawFn, weighted: bool | None = None, max_size: int = 60) -> Case:
    """Labelled predictions of every kind, with classes absent from the data.

    Kinds: class indices (``num_classes=`` or ``classes=range(C)``), integer class values in a
    user-given order (``classes=[11, 3, 7]``), strings, bools; classes given or inferred.
    """
    kind = draw(st.sampled_from(["index", "values", "str", "bool"]))
    classes = _class_values(kind)
    labels = draw(classes)
    # the classes that occur: a non-empty subset, so that some classes may be absent
    present = draw(st.lists(st.sampled_from(labels), min_size=1, max_size=len(labels), unique=True))
    n = draw(st.integers(1, max_size))
    y_true = draw(st.lists(st.sampled_from(present), min_size=n, max_size=n))
    y_pred = draw(st.lists(st.sampled_from(present), min_size=n, max_size=n))
    how = draw(st.sampled_from(["given", "inferred"] if kind != "index" else ["given", "num"]))
    if how == "inferred":
        # bools always give both classes
        labels = [False, True] if kind == "bool" else sorted(set(y_true) | set(y_pred))
        kwargs: dict[str, Any] = {}
    elif how == "num":
        kwargs = {"num_classes": len(labels)}
    else:
        kwargs = {"classes": list(labels)}
    if weighted is None:
        weighted = draw(st.booleans())
    weights = draw(sample_weights(n)) if weighted else None
    return Case(y_true, y_pred, list(labels), kwargs, weights)


@st.composite
def index_labels(
    draw: st.DrawFn, max_classes: int = 8, max_size: int = 80
) -> tuple[np.ndarray, np.ndarray, int]:
    """``(y_true, y_pred, C)``: int64 class indices in ``[0, C)``; some classes may be absent."""
    c = draw(st.integers(1, max_classes))
    n = draw(st.integers(1, max_size))
    values = st.integers(0, c - 1)
    y_true = draw(st.lists(values, min_size=n, max_size=n))
    y_pred = draw(st.lists(values, min_size=n, max_size=n))
    return np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64), c


# -- scores --------------------------------------------------------------------------------

THRESHOLDS = (0.0, 0.25, 0.3, 0.5, 0.7, 1.0)
"""Thresholds, some not exactly representable in binary (0.3, 0.7)."""


@st.composite
def binary_scores(draw: st.DrawFn, max_size: int = 60) -> tuple[np.ndarray, np.ndarray, float]:
    """``(y_true, scores, threshold)``: 0/1 labels and probabilities, many at the threshold."""
    threshold = draw(st.sampled_from(THRESHOLDS))
    n = draw(st.integers(1, max_size))
    score = st.one_of(
        st.just(threshold),
        st.floats(0.0, 1.0, allow_nan=False),
        st.sampled_from([0.0, 1.0, float(np.nextafter(threshold, 0.0))]),
    )
    scores = draw(st.lists(score, min_size=n, max_size=n))
    y_true = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    return np.asarray(y_true, dtype=np.int64), np.asarray(scores, dtype=np.float64), threshold


@st.composite
def multiclass_scores(
    draw: st.DrawFn, max_classes: int = 6, max_size: int = 60
) -> tuple[np.ndarray, np.ndarray]:
    """``(y_true, scores)``: class indices and finite ``(N, C)`` scores (ties included)."""
    c = draw(st.integers(2, max_classes))
    n = draw(st.integers(1, max_size))
    cell = st.one_of(st.floats(-20, 20, allow_nan=False), st.sampled_from([0.0, 1.0]))
    flat = draw(st.lists(cell, min_size=n * c, max_size=n * c))
    y_true = draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
    return np.asarray(y_true, dtype=np.int64), np.asarray(flat, dtype=np.float64).reshape(n, c)


# -- matrices ------------------------------------------------------------------------------


@st.composite
def count_matrices(draw: st.DrawFn, max_classes: int = 6, max_count: int = 50) -> np.ndarray:
    """Non-negative int64 ``(C, C)`` matrices with at least one sample, zero rows allowed."""
    c = draw(st.integers(1, max_classes))
    cells = draw(st.lists(st.integers(0, max_count), min_size=c * c, max_size=c * c))
    matrix = np.asarray(cells, dtype=np.int64).reshape(c, c)
    if matrix.sum() == 0:
        matrix[draw(st.integers(0, c - 1)), draw(st.integers(0, c - 1))] = 1
    return matrix


# -- binary scores with many ties (threshold analysis, confmat.curves) ----------------------


@st.composite
def scored_samples(
    draw: st.DrawFn, weighted: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Binary labels with both classes and scores drawn from a few values (many ties)."""
    n = draw(st.integers(2, 80))
    labels = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    if len(set(labels)) < 2:
        labels[0], labels[-1] = 0, 1
    levels = draw(st.integers(1, 12))
    scores = draw(
        st.lists(st.integers(0, levels), min_size=n, max_size=n).map(
            lambda v: np.array(v, dtype=np.float64) / levels
        )
        | st.lists(
            st.floats(-5, 5, allow_nan=False, allow_infinity=False), min_size=n, max_size=n
        ).map(np.array)
    )
    weights = None
    if weighted:
        weights = np.array(
            draw(st.lists(st.floats(0.1, 5.0), min_size=n, max_size=n)), dtype=np.float64
        )
    return np.array(labels), scores, weights


# -- multilabel indicators -------------------------------------------------------------------


@dataclass
class MultilabelCase:
    """``(N, L)`` 0/1 targets and predictions, optional weights (N >= 1, L >= 2)."""

    y_true: np.ndarray
    y_pred: np.ndarray
    sample_weight: np.ndarray | None


@st.composite
def multilabel_cases(draw: st.DrawFn, weighted: bool | None = None) -> MultilabelCase:
    """Sparse and dense label sets: empty rows, all-zero columns (labels never predicted or
    never true) and weights (including 0) all occur often."""
    n = draw(st.integers(1, 30))
    num_labels = draw(st.integers(2, 6))  # scikit-learn reads one column as binary
    density = draw(st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.9]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    y_true = (rng.random((n, num_labels)) < density).astype(np.int64)
    flip = draw(st.sampled_from([0.0, 0.2, 0.5]))
    y_pred = np.where(rng.random((n, num_labels)) < flip, 1 - y_true, y_true)
    if draw(st.booleans()):  # a label never predicted
        y_pred[:, draw(st.integers(0, num_labels - 1))] = 0
    if draw(st.booleans()):  # some samples with an empty predicted set
        y_pred[rng.random(n) < 0.3] = 0
    use_weights = draw(st.booleans()) if weighted is None else weighted
    weights = None
    if use_weights:
        weights = rng.choice([0.0, 0.5, 1.0, 2.5, 1e-3], size=n)
        if weights.sum() == 0:
            weights[0] = 1.0
    return MultilabelCase(y_true, y_pred, weights)
