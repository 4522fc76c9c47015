"""Long ``(true, pred, count)`` tables of label pairs: one batch grouped, and batches merged.

A file read batch by batch is counted as a long table: each batch's rows become one row per
``(true, pred)`` pair that occurs with its count, and tables are merged by the same group-by
(counts summed exactly in int64). The final table goes through
:func:`core.tables.table_counts`, so the class rules are those of the whole input. No
class rule lives here: pairs are label *values*, as the file holds them.

Examples:
    >>> a = group_pairs(np.array([1, 1, 2]), np.array([1, 2, 2]))
    >>> b = group_pairs(np.array([2, 1]), np.array([2, 1]))
    >>> table = merge([a, b])
    >>> table.true.tolist(), table.pred.tolist(), table.count.tolist()
    ([1, 1, 2], [1, 2, 2], [2, 1, 2])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

_SPAN_LIMIT = 1 << 22
"""Largest product of the two integer value spans counted by ``bincount`` (else by sorting)."""


_EXACT_FLOAT = 2**53
"""Sums of counts below this are exact in float64 (``bincount`` with weights adds in it)."""


class PairTable(NamedTuple):
    """Sorted unique ``(true, pred)`` label pairs and their int64 counts, all ``(K,)``."""

    true: np.ndarray
    pred: np.ndarray
    count: np.ndarray  # type: ignore[assignment]  # the field shadows tuple.count


def group_pairs(true: np.ndarray, pred: np.ndarray, count: np.ndarray | None = None) -> PairTable:
    """The occurring ``(true, pred)`` pairs of two ``(N,)`` columns, with their counts.

    Args:
        true: ``(N,)`` true labels (numbers, bools or strings; no missing entry).
        pred: ``(N,)`` predicted labels of the same length.
        count: ``(N,)`` int64 counts of each row (default: 1 each).

    Returns:
        The pairs sorted by ``(true, pred)`` with the summed counts; pairs whose counts sum to
        0 are kept (a row of count 0 still shows its labels).

    Examples:
        >>> t = group_pairs(np.array(["b", "a", "b"]), np.array(["a", "a", "a"]))
        >>> t.true.tolist(), t.pred.tolist(), t.count.tolist()
        (['a', 'b'], ['a', 'a'], [1, 2])
    """
    if true.size == 0:
        return PairTable(true, pred, np.zeros(0, dtype=np.int64))
    exact = count is None or int(count.sum()) < _EXACT_FLOAT
    if exact and true.dtype.kind in "iu" and pred.dtype.kind in "iu":
        counted = _small_span_pairs(true, pred, count)
        if counted is not None:
            return counted
    true_values, true_codes = _codes(true)
    pred_values, pred_codes = _codes(pred)
    width = len(pred_values)
    cells = true_codes * width + pred_codes
    small = len(true_values) * width <= max(_SPAN_LIMIT, 4 * true.size)
    if small and (count is None or int(count.sum()) < _EXACT_FLOAT):
        totals = np.bincount(cells, count, minlength=len(true_values) * width)
        cells = np.flatnonzero(totals) if count is None else _present_cells(cells, totals)
        sums = totals[cells].astype(np.int64)
    else:
        sums, cells = _sum_by(cells, np.ones(true.size, np.int64) if count is None else count)
    rows, columns = np.divmod(cells, width)
    return PairTable(true_values[rows], pred_values[columns], sums)


def merge(tables: Sequence[PairTable]) -> PairTable:
    """One table of the pairs of several, their counts added.

    Examples:
        >>> t = merge([group_pairs(np.array([0]), np.array([1]))] * 3)
        >>> t.true.tolist(), t.pred.tolist(), t.count.tolist()
        ([0], [1], [3])
    """
    if len(tables) == 1:
        return tables[0]
    return group_pairs(
        np.concatenate([t.true for t in tables]),
        np.concatenate([t.pred for t in tables]),
        np.concatenate([t.count for t in tables]),
    )


def _small_span_pairs(
    true: np.ndarray, pred: np.ndarray, count: np.ndarray | None
) -> PairTable | None:
    """The pairs of integer labels by one ``bincount`` over the span of values, if it is small."""
    true_low, true_high = int(true.min()), int(true.max())
    pred_low, pred_high = int(pred.min()), int(pred.max())
    width = pred_high - pred_low + 1
    if (true_high - true_low + 1) * width > max(_SPAN_LIMIT, 4 * true.size):
        return None
    cells = true.astype(np.int64)  # a copy, then in place: offsets of (true, pred) cells
    cells -= true_low
    cells *= width
    cells += pred
    cells -= pred_low
    totals = np.bincount(cells, count)
    occur = np.flatnonzero(totals) if count is None else _present_cells(cells, totals)
    rows, columns = np.divmod(occur, width)
    return PairTable(
        (rows + true_low).astype(true.dtype),
        (columns + pred_low).astype(pred.dtype),
        totals[occur].astype(np.int64),
    )


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the sorted unique values, each value's int64 position among them)."""
    if values.dtype.kind in "iub" and values.size:
        as_int = values.astype(np.int64, copy=False)
        low, high = int(as_int.min()), int(as_int.max())
        if high - low < _SPAN_LIMIT:  # a small span: offsets, the unseen values dropped later
            present = np.zeros(high - low + 1, dtype=bool)
            present[as_int - low] = True
            seen = np.flatnonzero(present)
            position = np.cumsum(present) - 1
            return (seen + low).astype(values.dtype), position[as_int - low]
    unique, inverse = np.unique(values, return_inverse=True)
    return unique, inverse.reshape(-1).astype(np.int64)


def _present_cells(cells: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """The cells that occur (a pair of count 0 occurs too), sorted."""
    present = np.zeros(totals.size, dtype=bool)
    present[cells] = True
    return np.flatnonzero(present)


def _sum_by(cells: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the count of each occurring cell, the sorted cells), added exactly in int64."""
    order = np.argsort(cells, kind="stable")
    ordered = cells[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return np.add.reduceat(count[order].astype(np.int64), starts), ordered[starts]


def kind_witnesses(values: np.ndarray) -> np.ndarray:
    """A few values of a float column that decide as the whole column does whether it is labels.

    :func:`core.codes.prediction_kind` reads a float column as scores when a value
    (NaN aside) has a fraction, a value is infinite, or every value is NaN; else as labels when
    a value lies outside [0, 1]. The first value of each such kind (a NaN only when there is no
    other value) decides the same way, so the witnesses of every batch of a file, joined,
    decide as the whole column would.

    Examples:
        >>> kind_witnesses(np.array([0.0, 0.0, 3.0, 0.25, 1.0])).tolist()
        [0.0, 3.0, 0.25]
    """
    if values.size == 0:
        return values
    finite = np.isfinite(values)
    masks = (
        ~np.isnan(values),  # any value
        finite & (values != np.round(values)),  # a fraction
        np.isinf(values),
        ~np.isnan(values) & ((values < 0) | (values > 1)),  # outside [0, 1]
    )
    picks = [int(np.argmax(mask)) for mask in masks if mask.any()]
    return values[sorted(set(picks))] if picks else values[:1]
