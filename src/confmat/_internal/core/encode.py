"""From user labels and scores to class indices: the class order and the formatting stage.

The rules (see INTERFACE.md):

- classes given by the user fix the order. Integer (or bool) labels are *values* looked up in
  ``classes`` when every class is a whole number (``classes=[3, 1, 2]``, ``["1", "0"]``,
  ``[1.0, 0.0]``: :func:`core.checks.class_values`); otherwise they are *indices* into the list
  of names (``classes=["cat", "dog"]``). String labels are always looked up by name.
- else ``num_classes`` makes integer labels indices ``0..num_classes-1``;
- else the classes are the sorted unique labels seen (numbers numerically, strings
  lexicographically). Negative integers are refused there: pass them in ``classes=``.
- ``y_pred`` of floats are scores: ``(N, C)`` by argmax, column j being label j
  (:func:`core.codes.column_classes`), or ``(N,)`` / ``(N, 1)`` binary probabilities of the
  scored class (:func:`core.codes.scored_class`), predicted iff ``score >= threshold``; a float
  ``(N,)`` column of whole numbers may be labels (:func:`core.codes.prediction_kind`).
  ``threshold`` and ``score_of`` are refused for other predictions (:func:`one_column_options`).
- missing labels are refused, or dropped with ``dropna=True`` (:mod:`core.missing`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from confmat._internal.core import checks as v
from confmat._internal.core import codes, limits, missing
from confmat.exceptions import (
    ClassesError,
    LabelError,
    MissingValueWarning,
    OptionError,
    ShapeError,
)

_DENSE_VALUE_LIMIT = 2048
"""Largest label value for which inferred classes are counted densely, then compacted."""


@dataclass(frozen=True)
class Encoded:
    """Samples as class indices, ready for counting.

    Attributes:
        true: int64 indices of the true classes, shape ``(N,)``.
        pred: int64 indices of the predicted classes, shape ``(N,)``.
        weight: float64 sample weights ``(N,)`` or None.
        classes: the class names, one per index.
        compact: the indices are label values and classes that never occur are to be dropped
            after counting (inferred integer classes).
        score_of: index of the class one score column is the probability of (binary scores).
    """

    true: torch.Tensor
    pred: torch.Tensor
    weight: torch.Tensor | None
    classes: list[str]
    compact: bool = False
    score_of: int | None = None


def encode(
    y_true: object,
    y_pred: object,
    *,
    classes: Sequence[Any] | None = None,
    num_classes: int | None = None,
    sample_weight: object = None,
    ignore_index: int | str | None = None,
    threshold: float | None = None,
    from_logits: bool = False,
    score_of: object = None,
    pred_kind: object = None,
    dropna: bool = False,
) -> Encoded:
    """Validate predictions and turn them into class indices.

    ``threshold`` and ``score_of`` describe one score column: given with ``(N, C)`` scores
    (argmax decides) or with label predictions they would change nothing, so they are
    refused (None: the default, 0.5 and label 1).

    Examples:
        >>> e = encode(["b", "a", "b"], ["b", "b", "a"])
        >>> e.classes, e.true.tolist(), e.pred.tolist()
        (['a', 'b'], [1, 0, 1], [1, 1, 0])
    """
    threshold = None if threshold is None else v.check_threshold(threshold)
    num_classes = v.check_num_classes(num_classes)
    true, pred, weight, kind = _present(
        y_true, y_pred, sample_weight, pred_kind, from_logits, dropna
    )
    if kind == "scores" and not v.is_float(pred):
        pred = pred.to(torch.float64)  # type: ignore[union-attr]  # declared scores
    if ignore_index is not None:
        true, pred, weight = drop_ignored(true, pred, weight, ignore_index)
    v.check_not_empty(true.shape[0])
    if kind == "scores" and (pred.ndim == 1 or (pred.ndim == 2 and pred.shape[1] == 1)):
        assert isinstance(pred, torch.Tensor)
        scoring = _Scoring(0.5 if threshold is None else threshold, score_of, from_logits)
        return _encode_binary_scores(true, pred.reshape(-1), weight, classes, num_classes, scoring)
    one_column_options(threshold, score_of, scores=kind == "scores")
    if kind == "scores" and pred.ndim == 2:
        assert isinstance(pred, torch.Tensor)
        return _encode_multiclass_scores(true, pred, weight, classes, num_classes)
    v.check_labels_shape(pred, "y_pred")
    if v.is_strings(true) != v.is_strings(pred):
        raise LabelError(
            "y_true and y_pred must both hold strings or both hold numbers, got "
            f"{_kind(true)} and {_kind(pred)}",
            argument="y_true",
        )
    true_idx, pred_idx, names, compact = _encode_label_pair(true, pred, classes, num_classes)
    return Encoded(true_idx, pred_idx.to(true_idx.device), weight, names, compact)


def _present(
    y_true: object,
    y_pred: object,
    sample_weight: object,
    pred_kind: object,
    logits: bool,
    dropna: bool,
) -> tuple[v.Values, v.Values, torch.Tensor | None, codes.PredKind]:
    """Checked inputs without the rows of missing labels (core.missing), weights aligned."""
    true = v.as_array(y_true, "y_true")
    pred = v.as_array(y_pred, "y_pred")
    v.check_labels_shape(true, "y_true")
    v.check_same_length(true.shape[0], pred, "y_pred")
    v.check_same_device(true, pred)
    weight = None
    if sample_weight is not None:
        weight = v.check_weights(sample_weight, true.shape[0], v.device_of(true, pred))
    kind = codes.prediction_kind(pred, pred_kind, logits) if v.is_float(pred) else None
    columns = [
        missing.Column("y_true", true, True),
        missing.Column("y_pred", pred, kind != "scores"),
    ]
    present = missing.drop_missing(columns, dropna)
    true, pred = present.values
    if present.keep is not None:
        warnings.warn(
            f"dropna=True: left out {present.dropped} of {present.keep.shape[0]} samples with a "
            "missing label",
            MissingValueWarning,
            stacklevel=4,
        )
        if weight is not None:
            weight = weight[torch.from_numpy(present.keep).to(weight.device)]
    pred = v.finish_values(pred, "y_pred")
    kind = kind or codes.prediction_kind(pred, pred_kind, logits)
    return v.finish_values(true, "y_true"), pred, weight, kind


def one_column_options(threshold: float | None, score_of: object, scores: bool) -> None:
    """``threshold`` and ``score_of`` describe one score column: refused for other predictions.

    ``scores``: the predictions are ``(N, C)`` scores (argmax decides), else labels.

    Examples:
        >>> one_column_options(0.3, None, scores=False)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: threshold applies to one score column per sample, ...
    """
    what = "y_pred holds (N, C) scores, one column per class" if scores else "y_pred holds labels"
    fix = (
        " (the argmax decides: to threshold one class, pass its column, e.g. y_pred[:, 1], "
        "with score_of= that class)"
        if scores
        else ""
    )
    for name, value in (("threshold", threshold), ("score_of", score_of)):
        if value is not None:
            raise OptionError(
                f"{name} applies to one score column per sample, but {what}: leave it out{fix}",
                argument=name,
                value=value,
            )


def _kind(values: v.Values) -> str:
    return "strings" if v.is_strings(values) else f"numbers ({values.dtype})"


def drop_ignored(
    true: v.Values, pred: v.Values, weight: torch.Tensor | None, ignore_index: object
) -> tuple[v.Values, v.Values, torch.Tensor | None]:
    """Remove the samples whose true label is ``ignore_index``."""
    value = limits.check_ignore_index(ignore_index, v.is_strings(true))
    if v.is_strings(true):
        keep_np: np.ndarray = true != value
        keep = torch.from_numpy(keep_np)
        true = true[keep_np]
    else:
        keep = torch.as_tensor(true != value)
        true = true[keep]
    pred = pred[keep.numpy()] if v.is_strings(pred) else pred[keep.to(pred.device)]
    if weight is not None:
        weight = weight[keep.to(weight.device)]
    return true, pred, weight


@dataclass(frozen=True)
class _Scoring:  # how binary scores become labels
    threshold: float
    score_of: object
    from_logits: bool


def _encode_binary_scores(
    true: v.Values,
    scores: torch.Tensor,
    weight: torch.Tensor | None,
    classes: Sequence[Any] | None,
    num_classes: int | None,
    scoring: _Scoring,
) -> Encoded:
    """Binary probabilities (or logits) of the scored class: it iff score >= threshold."""
    if num_classes not in (None, 2):
        raise ClassesError(
            f"y_pred of shape (N,) holds binary scores, but num_classes={num_classes}",
            argument="y_pred",
        )
    v.check_finite_scores(scores, "y_pred")
    if not scoring.from_logits:
        v.check_probabilities(scores, "y_pred")
    if classes is None and v.is_strings(true):
        classes = sorted(set(np.unique(true).tolist()))
        if len(classes) != 2:
            raise ClassesError(
                f"binary scores need two classes, y_true holds {len(classes)} ({classes[:5]}): "
                "pass classes=[negative, positive]"
            )
    true_idx, names = encode_true(true, classes, 2, scores.device)
    if len(names) != 2:
        raise ClassesError(f"binary scores need two classes, got classes={names}")
    scored = codes.scored_class(scoring.score_of, names, v.is_strings(true))
    pred_idx = codes.score_labels(
        scores, threshold=scoring.threshold, from_logits=scoring.from_logits, scored=scored
    )
    return Encoded(true_idx, pred_idx, weight, names, score_of=scored)


def _encode_multiclass_scores(
    true: v.Values,
    scores: torch.Tensor,
    weight: torch.Tensor | None,
    classes: Sequence[Any] | None,
    num_classes: int | None,
) -> Encoded:
    """Scores ``(N, C)``, one column per class (softmax needs no undoing): the argmax wins."""
    width = scores.shape[1]
    if num_classes is not None and num_classes != width:
        raise ShapeError(
            f"y_pred has {width} score columns, but num_classes={num_classes}", argument="y_pred"
        )
    v.check_finite_scores(scores, "y_pred")
    true_idx, names = encode_true(true, classes, width, scores.device)
    if len(names) != width:
        raise ClassesError(
            f"y_pred has {width} score columns, but {len(names)} classes were given",
            argument="y_pred",
        )
    return Encoded(true_idx, score_columns(codes.score_labels(scores), names), weight, names)


def score_columns(columns: torch.Tensor, names: Sequence[str]) -> torch.Tensor:
    """Class indices of argmax columns: column j is label j (:func:`core.codes.column_classes`).

    Examples:
        >>> score_columns(torch.tensor([0, 1, 1]), ["1", "0"]).tolist()
        [1, 0, 0]
    """
    order = codes.column_classes(names, len(names))
    return columns if order is None else order.to(columns.device)[columns]


def encode_true(
    true: v.Values, classes: Sequence[Any] | None, width: int, device: torch.device
) -> tuple[torch.Tensor, list[str]]:
    """Index the true labels when the predictions fix ``width`` classes."""
    if classes is None:
        if v.is_strings(true):
            raise ClassesError(
                "y_true holds strings: pass classes= in the order of y_pred's columns",
                argument="y_true",
            )
        labels = v.integral_labels(true, "y_true")  # type: ignore[arg-type]
        names = ["False", "True"] if true.dtype == torch.bool else [str(i) for i in range(width)]
        v.check_label_range(labels, width, "y_true")
        return labels.to(device), names
    names = v.check_class_names(classes)
    return _index_labels(true, classes, names, "y_true").to(device), names


def _encode_label_pair(
    true: v.Values, pred: v.Values, classes: Sequence[Any] | None, num_classes: int | None
) -> tuple[torch.Tensor, torch.Tensor, list[str], bool]:
    """Index true and predicted labels of one kind; returns (true, pred, names, compact)."""
    if classes is not None:
        names = v.check_class_names(classes, num_classes)
        return (
            _index_labels(true, classes, names, "y_true"),
            _index_labels(pred, classes, names, "y_pred"),
            names,
            False,
        )
    if num_classes is not None and (
        v.is_strings(true) or (true.dtype == torch.bool and num_classes != 2)
    ):
        raise ClassesError(
            f"num_classes={num_classes} applies to integer labels, got {_kind(true)}: "
            "pass classes= to fix the classes of strings or bools"
        )
    if v.is_strings(true):
        names_array, inverse = np.unique(np.concatenate([true, pred]), return_inverse=True)
        inverse_t = torch.from_numpy(inverse.astype(np.int64))
        n = true.shape[0]
        return inverse_t[:n], inverse_t[n:], names_array.tolist(), False
    assert isinstance(true, torch.Tensor)
    assert isinstance(pred, torch.Tensor)
    if true.dtype == torch.bool and pred.dtype == torch.bool:
        return true.long(), pred.long(), ["False", "True"], False
    true_l = v.integral_labels(true, "y_true")
    pred_l = v.integral_labels(pred, "y_pred")
    if num_classes is not None:
        v.check_label_range(true_l, num_classes, "y_true")
        v.check_label_range(pred_l, num_classes, "y_pred")
        return true_l, pred_l, [str(i) for i in range(num_classes)], False
    return _infer_integer_classes(true_l, pred_l)


def _infer_integer_classes(
    true: torch.Tensor, pred: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, list[str], bool]:
    """Classes = sorted unique non-negative integers seen."""
    high = 0
    for labels, name in ((true, "y_true"), (pred, "y_pred")):
        low, top = v.value_range(labels)
        if low < 0:
            i = v.first_index(labels < 0)
            raise LabelError.at_index(
                f"{name} must hold non-negative integer labels when the classes are inferred, "
                f"got {int(labels[i])} at index ",
                i,
                " (pass classes=[...] to use negative numbers as class values)",
                argument=name,
                value=int(labels[i]),
            )
        high = max(high, int(top))
    if high < _DENSE_VALUE_LIMIT:
        return true, pred, [str(i) for i in range(high + 1)], True
    values, inverse = torch.unique(torch.cat([true, pred]), return_inverse=True)
    n = true.shape[0]
    return inverse[:n], inverse[n:], [str(int(x)) for x in values.tolist()], False


def _index_labels(
    labels: v.Values, classes: Sequence[Any], names: list[str], name: str
) -> torch.Tensor:
    """Map labels to positions in ``classes``, by the class space's rule (see codes.class_space)."""
    space = codes.class_space(None, classes)
    assert space is not None
    if v.is_strings(labels):
        found = codes.LabelCoder(space, torch.device("cpu")).codes(labels, validate=False)
        return _check_found(labels, found, names, name)
    assert isinstance(labels, torch.Tensor)
    indices = v.integral_labels(labels, name)
    if space.values is None:
        v.check_label_range(indices, len(names), name, f" (indices into classes={names[:5]}...)")
        return indices
    low = space.values[0]
    if space.values == tuple(range(low, low + len(names))):  # classes=range(...): an offset
        label_low, label_high = v.value_range(indices)
        if label_low >= low and label_high < low + len(names):
            return indices if low == 0 else indices - low
    found = codes.LabelCoder(space, indices.device).codes(indices, validate=False)
    return _check_found(indices, found, names, name)


def _check_found(
    labels: v.Values, indices: torch.Tensor, names: list[str], name: str
) -> torch.Tensor:
    """The class indices, or a LabelError naming the first label that is not a class."""
    missing = indices >= len(names)
    if bool(missing.any()):
        i = v.first_index(missing)
        label = labels[i]
        shown = repr(str(label)) if v.is_strings(labels) else int(label)
        raise LabelError.at_index(
            f"{name} holds label {shown} at index ",
            i,
            f", which is not one of the classes {names[:10]}",
            argument=name,
            value=label.item() if hasattr(label, "item") else label,
        )
    return indices


def drop_unseen(
    counts: torch.Tensor, names: list[str], encoded: Encoded
) -> tuple[torch.Tensor, list[str]]:
    """Keep only the label values that occur in y_true or y_pred (inferred integer classes)."""
    if encoded.weight is None:
        seen = (counts.sum(dim=0) + counts.sum(dim=1)) > 0
    else:  # a weight of 0 must not hide a class that occurs
        size = len(names)
        seen = (
            torch.bincount(encoded.true, minlength=size)
            + torch.bincount(encoded.pred, minlength=size)
        ) > 0
    if bool(seen.all()):  # every value up to the largest occurs: nothing to drop, no copy
        return counts, names
    keep = seen.nonzero().reshape(-1)
    return counts[keep][:, keep], [names[i] for i in keep.tolist()]
