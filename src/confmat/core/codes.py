"""The streaming formatting stage: one batch in, cell codes of an extended grid out, no host sync.

A streaming accumulator counts into a grid of ``(C + EXTRA) x (C + EXTRA)`` cells. Rows and
columns ``0..C-1`` are the classes: C[i, j] counts samples of true class i predicted as j. The
extra rows and columns collect the samples that fail a *deferred* value check, so that checking
needs no host-device synchronization; :func:`problems` reads them once, when the result is asked
for. Row (true side) codes:

========  ==============================================================================
``C``     label too large, unknown, or not a whole number
``C+1``   ignored (true label equals ``ignore_index``): dropped without complaint
``C+2``   invalid sample weight (negative, NaN or infinite)
``-1``    negative label (negative indices wrap around to the last row, ``C+3``)
========  ==============================================================================

Column (predicted side) codes: ``C`` and ``-1`` as above for labels, ``C+1`` for invalid
scores (NaN, infinite, or outside [0, 1] for binary probabilities).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from confmat.core import checks as v
from confmat.exceptions import ClassesError, ConfmatError, LabelError, ScoreError, WeightError

EXTRA = 4
"""Extra rows and columns of the grid beyond the C classes."""

_LOOKUP_TABLE_LIMIT = 1 << 22
"""Largest span of integer class values mapped through a dense lookup table."""


@dataclass(frozen=True)
class ClassSpace:
    """A fixed class space: names, and the integer class values when labels are looked up.

    Attributes:
        names: the class names, one per index.
        values: integer class values (``classes=[3, 1, 2]``): integer labels are looked up
            among them; None when integer labels are indices ``0..C-1``.
    """

    names: tuple[str, ...]
    values: tuple[int, ...] | None = None

    @property
    def size(self) -> int:
        """C, the number of classes."""
        return len(self.names)


def class_space(num_classes: int | None, classes: Sequence[Any] | None) -> ClassSpace | None:
    """The class space fixed by the arguments, or None when it is left to the first batch.

    Examples:
        >>> class_space(3, None).names
        ('0', '1', '2')
        >>> class_space(None, [7, 3]).values
        (7, 3)
    """
    num_classes = v.check_num_classes(num_classes)
    if classes is None:
        return None if num_classes is None else ClassSpace(tuple(map(str, range(num_classes))))
    names = tuple(v.check_class_names(classes, num_classes))
    integers = all(isinstance(c, (int, np.integer)) for c in classes)
    values = tuple(int(c) for c in classes) if integers else None
    return ClassSpace(names, values)


class LabelCoder:
    """Turns labels of one class space into row/column codes on one device.

    Examples:
        >>> coder = LabelCoder(ClassSpace(("a", "b"), None), torch.device("cpu"))
        >>> coder.codes(torch.tensor([1, 0, 5, -3]), True).tolist()
        [1, 0, 2, -1]
        >>> coder.codes(np.array(["b", "zebra"]), True).tolist()
        [1, 2]
    """

    def __init__(self, space: ClassSpace, device: torch.device) -> None:
        self.space = space
        self.device = device
        self.size = space.size
        self._names = np.asarray(space.names, dtype=str)
        self._name_order = np.argsort(self._names, kind="stable")
        self._table: torch.Tensor | None = None
        self._sorted: tuple[torch.Tensor, torch.Tensor] | None = None
        self._low = 0
        if space.values is not None:
            self._build_lookup(space.values)

    def _build_lookup(self, values: tuple[int, ...]) -> None:
        """A dense table (value - low + 1 -> code) padded with the invalid code at both ends."""
        value_t = torch.tensor(values, dtype=torch.int64, device=self.device)
        low, high = min(values), max(values)
        if high - low < _LOOKUP_TABLE_LIMIT:
            table = torch.full((high - low + 3,), self.size, dtype=torch.int64, device=self.device)
            table[value_t - low + 1] = torch.arange(self.size, device=self.device)
            self._table, self._low = table, low
        else:
            order = torch.argsort(value_t)
            self._sorted = (value_t[order], order)

    def codes(self, labels: v.Values, validate: bool) -> torch.Tensor:
        """Row (or column) codes of labels: class indices, or the codes of invalid labels."""
        if v.is_strings(labels):
            return self._string_codes(labels)
        assert isinstance(labels, torch.Tensor)
        if labels.is_floating_point():
            labels = whole_labels(labels, self.size) if validate else labels.long()
        else:
            labels = labels.long()
        if self._table is not None:
            span = self._table.shape[0] - 1
            return self._table[(labels - (self._low - 1)).clamp_(0, span)]
        if self._sorted is not None:
            ordered, order = self._sorted
            pos = torch.searchsorted(ordered, labels).clamp_(max=self.size - 1)
            return torch.where(ordered[pos] == labels, order[pos], self.size)
        return labels.clamp(-1, self.size) if validate else labels

    def _string_codes(self, labels: np.ndarray) -> torch.Tensor:
        ordered = self._names[self._name_order]
        pos = np.searchsorted(ordered, labels).clip(max=self.size - 1)
        codes = np.where(ordered[pos] == labels, self._name_order[pos], self.size)
        return torch.from_numpy(codes.astype(np.int64)).to(self.device)


def whole_labels(labels: torch.Tensor, size: int) -> torch.Tensor:
    """Float labels as int64; NaN, infinite or fractional ones become the invalid code ``size``.

    Examples:
        >>> whole_labels(torch.tensor([1.0, 2.5, float("nan")]), 3).tolist()
        [1, 3, 3]
    """
    ok = torch.isfinite(labels) & (labels == labels.round())
    return torch.where(ok, labels, float(size)).long()


def argmax_codes(scores: torch.Tensor, validate: bool) -> torch.Tensor:
    """Column codes of ``(N, C)`` scores: the argmax; rows with NaN or infinity get ``C+1``.

    Examples:
        >>> argmax_codes(torch.tensor([[0.1, 0.9], [float("nan"), 0.0]]), True).tolist()
        [1, 3]
    """
    pred = scores.argmax(dim=1)
    if not validate:
        return pred
    finite = torch.isfinite(scores).all(dim=1)
    return torch.where(finite, pred, scores.shape[1] + 1)


def binary_codes(
    scores: torch.Tensor, threshold: float, positive: int, from_logits: bool, validate: bool
) -> torch.Tensor:
    """Column codes of binary scores ``(N,)``: positive iff ``score >= threshold``.

    Probabilities outside [0, 1] (or non-finite logits) get the invalid-score code 3.

    Examples:
        >>> binary_codes(torch.tensor([0.2, 0.5, 1.5]), 0.5, 1, False, True).tolist()
        [0, 1, 3]
    """
    if from_logits:
        is_positive = torch.sigmoid(scores.double()) >= threshold
        ok = torch.isfinite(scores) if validate else None
    else:
        is_positive = scores >= threshold
        ok = (scores >= 0) & (scores <= 1) if validate else None
    if positive == 0:
        is_positive = ~is_positive
    pred = is_positive.long()
    return pred if ok is None else torch.where(ok, pred, 3)


def weighted_values(
    weight: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, size: int, validate: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """Float64 values to add and the rows to add them to, for weighted samples.

    Samples with an invalid weight go to row ``size + 2``; every sample routed to an extra
    row or column adds 1 (not its weight), so the extra cells count samples.

    Examples:
        >>> w, rows = torch.tensor([0.5, -1, 2]), torch.tensor([0, 1, 1])
        >>> cols = torch.tensor([0, 1, 4])
        >>> values, rows = weighted_values(w, rows, cols, 2, True)
        >>> values.tolist(), rows.tolist()
        ([0.5, 1.0, 1.0], [0, 4, 1])
    """
    weight = weight.to(torch.float64)
    if not validate:
        return weight, rows
    ok = (weight >= 0) & (weight < float("inf"))
    rows = torch.where(ok, rows, size + 2)
    counted = ok & (torch.minimum(rows, cols) >= 0) & (torch.maximum(rows, cols) < size)
    return torch.where(counted, weight, 1.0), rows


_PROBLEMS: dict[str, tuple[type[ConfmatError], str]] = {
    "y_true": (LabelError, "y_true label(s) out of range, unknown or not whole numbers"),
    "y_pred": (LabelError, "y_pred label(s) out of range, unknown or not whole numbers"),
    "scores": (ScoreError, "score row(s) with NaN or infinity (or probabilities outside [0, 1])"),
    "sample_weight": (WeightError, "sample weight(s) negative, NaN or infinite"),
}


def problems(grid: torch.Tensor, size: int) -> dict[str, int | float]:
    """How many samples each deferred check refused, read from the extra cells (one sync).

    Examples:
        >>> g = torch.zeros(2 + EXTRA, 2 + EXTRA, dtype=torch.int64)
        >>> g[2, 0] = 3; g[0, 3] = 1
        >>> problems(g, 2)
        {'y_true': 3, 'y_pred': 0, 'scores': 1, 'sample_weight': 0}
    """
    rows = [*range(size + 1), size + 3]  # the classes and the invalid true labels
    bad_pred = grid[rows][:, [size, size + 3]].sum()
    bad_scores = grid[rows, size + 1].sum()
    bad_true = grid[size].sum() + grid[size + 3].sum()
    bad_weight = grid[size + 2].sum()
    values = torch.stack([bad_true, bad_pred, bad_scores, bad_weight]).tolist()
    return dict(zip(_PROBLEMS, values, strict=True))


def raise_problems(grid: torch.Tensor, names: Sequence[str]) -> None:
    """Raise one error naming every deferred problem and how many samples had it, if any.

    The error's type is that of the first problem (LabelError, ScoreError, WeightError).

    Examples:
        >>> g = torch.zeros(2 + EXTRA, 2 + EXTRA, dtype=torch.int64)
        >>> g[0, 3] = 2
        >>> raise_problems(g, ["a", "b"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.ScoreError: invalid input seen by update: 2 score row(s) with NaN ...
    """
    bad = [(key, count) for key, count in problems(grid, len(names)).items() if count]
    if not bad:
        return
    parts = "; ".join(f"{count:g} {_PROBLEMS[key][1]}" for key, count in bad)
    error_type = _PROBLEMS[bad[0][0]][0]
    raise error_type(f"invalid input seen by update: {parts} (classes: {list(names[:10])})")


def infer_space(true: v.Values, pred: v.Values) -> ClassSpace:
    """The class space from the first batch of scores (labels cannot fix it)."""
    if v.is_float(pred) and pred.ndim == 2 and pred.shape[1] != 1:
        return ClassSpace(tuple(map(str, range(pred.shape[1]))))
    if v.is_float(pred):
        if v.is_strings(true):
            raise ClassesError("y_true holds strings: pass classes=[negative, positive]")
        bools = isinstance(true, torch.Tensor) and true.dtype == torch.bool
        return ClassSpace(("False", "True") if bools else ("0", "1"))
    kind = "strings" if v.is_strings(true) or v.is_strings(pred) else "labels"
    raise ClassesError(
        f"an Accumulator fed {kind} needs its class space up front: pass classes=[...] "
        "(or num_classes= for integer labels); only scores can fix it"
    )
