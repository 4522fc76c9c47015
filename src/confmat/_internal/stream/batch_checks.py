"""The Accumulator's immediate checks of one batch: shapes, widths and options (raised by update).

Value checks (labels out of range, NaN scores, bad weights) are deferred: see
:mod:`stream.deferred`.
"""

from __future__ import annotations

import torch

from confmat._internal.core import checks as v
from confmat._internal.core import limits
from confmat.exceptions import ClassesError, ShapeError, WeightError


def check_weights_shape(sample_weight: object, n: int, device: torch.device) -> torch.Tensor:
    """Sample weights ``(N,)`` of numbers, as float64 on ``device``; values are not inspected.

    The streaming accumulator checks the values on the device, without a host sync.

    Examples:
        >>> check_weights_shape([1, 2], 2, torch.device("cpu"))
        tensor([1., 2.], dtype=torch.float64)
    """
    weights = v.as_values(sample_weight, "sample_weight")
    if v.is_strings(weights):
        raise WeightError("sample_weight must hold numbers, got strings", argument="sample_weight")
    assert isinstance(weights, torch.Tensor)
    if weights.ndim != 1 or weights.shape[0] != n:
        raise WeightError(
            f"sample_weight must have shape ({n},), one weight per sample, got "
            f"{tuple(weights.shape)}",
            argument="sample_weight",
        )
    return weights.to(device=device, dtype=torch.float64)


def check_stream_shapes(
    y_true: v.Values, y_pred: v.Values, ignore_index: int | str | None = None
) -> None:
    """One batch of a stream: labels ``(N,)``; predictions ``(N,)``, or scores ``(N, C)``.

    A string ``ignore_index`` needs string labels (the rule of ``from_predictions``).

    Examples:
        >>> check_stream_shapes(torch.zeros(3), torch.zeros(2))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.ShapeError: y_pred must have one entry per sample: y_true has 3, ...
    """
    v.check_labels_shape(y_true, "y_true")
    if not (y_pred.ndim == 2 and v.is_float(y_pred)):
        v.check_labels_shape(y_pred, "y_pred")
    v.check_same_length(y_true.shape[0], y_pred, "y_pred")
    v.check_same_device(y_true, y_pred)
    if ignore_index is not None:
        limits.check_ignore_index(ignore_index, v.is_strings(y_true))


def check_score_width(width: int, num_classes: int) -> None:
    """Scores ``(N, C)`` of a fixed class space must have one column per class."""
    if width != num_classes:
        raise ShapeError(
            f"y_pred has {width} score columns, but there are {num_classes} classes",
            argument="y_pred",
        )


def check_binary_scores_fit(num_classes: int) -> None:
    """Scores ``(N,)`` are binary: they need a class space of two classes."""
    if num_classes != 2:
        raise ClassesError(
            f"y_pred of shape (N,) holds binary scores, but there are {num_classes} classes",
            argument="y_pred",
        )


def check_max_samples(max_samples: int | None) -> int | None:
    """``max_samples`` is None or a non-negative integer."""
    if max_samples is None:
        return None
    return v.check_non_negative_count(max_samples, "max_samples")


def batch_values(x: object, name: str) -> v.Values:
    """A batch's labels, scores or weights as values (tensors pass as they are, unless complex)."""
    if isinstance(x, torch.Tensor) and not x.is_complex():
        return x
    return v.as_values(x, name)


def head(
    true: v.Values, pred: v.Values, sample_weight: object, keep: int
) -> tuple[v.Values, v.Values, object]:
    """The first ``keep`` samples of a batch (``max_samples``): labels, predictions, weights."""
    if sample_weight is not None:
        sample_weight = batch_values(sample_weight, "sample_weight")[:keep]
    return true[:keep], pred[:keep], sample_weight
