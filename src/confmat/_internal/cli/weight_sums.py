"""Sums of sample weights per ``(true, pred)`` label pair, for inputs read batch by batch.

The weighted twin of :mod:`core.pairs` (whose tables hold int64 counts): the running table
holds one float64 sum per pair that occurs, and every weight is added to its pair's sum in
the order of the samples (``np.add.at`` is unbuffered and in index order), as
``ConfusionMatrix.from_predictions`` adds the weights of a whole input (``np.bincount``, in
sample order). So a weighted streamed matrix has the bits of the whole-file one: the float
additions are the same, in the same order. Batches wait in a list (at most ``MERGE_ROWS``
rows, or twice the running table's) and are merged at once, so merging costs O(rows) in all.

Examples:
    >>> sums = WeightSums(merge_rows=2)
    >>> sums.add(np.array([1, 1, 0]), np.array([1, 0, 0]), np.array([0.5, 0.25, 1.0]))
    >>> sums.add(np.array([1]), np.array([1]), np.array([2.0]))
    >>> table = sums.table()
    >>> table.true.tolist(), table.pred.tolist(), table.count.tolist()
    ([0, 1, 1], [0, 0, 1], [1.0, 0.25, 2.5])
"""

from __future__ import annotations

import numpy as np

from confmat._internal.core.pairs import PairTable


class WeightSums:
    """The running float64 sums of sample weights per ``(true, pred)`` pair of label values.

    Args:
        merge_rows: the pending rows merged at once (or more: twice the running table's).
    """

    def __init__(self, merge_rows: int) -> None:
        self.merge_rows = merge_rows
        self._table: PairTable | None = None
        self._pending: list[PairTable] = []  # a batch's rows, one weight each
        self._rows = 0

    def add(self, true: np.ndarray, pred: np.ndarray, weight: np.ndarray) -> None:
        """Add a batch: labels ``(N,)`` and their float64 weights ``(N,)``, in sample order."""
        self._pending.append(PairTable(true, pred, weight))
        self._rows += true.shape[0]
        held = 0 if self._table is None else self._table.count.shape[0]
        if self._rows >= max(self.merge_rows, 2 * held):
            self._merge()

    @property
    def empty(self) -> bool:
        """Whether no sample was added."""
        return self._table is None and not self._rows

    def table(self) -> PairTable:
        """The pairs that occur, sorted, with their float64 sums (a pair of weight 0 too)."""
        self._merge()
        assert self._table is not None, "no batch was added"
        return self._table

    def _merge(self) -> None:
        """The running table and the pending rows as one table; weights added in row order."""
        if not self._pending:
            return
        parts = ([] if self._table is None else [self._table]) + self._pending
        held = 0 if self._table is None else self._table.count.shape[0]
        true_values, true_codes = np.unique(
            np.concatenate([p.true for p in parts]), return_inverse=True
        )
        pred_values, pred_codes = np.unique(
            np.concatenate([p.pred for p in parts]), return_inverse=True
        )
        width = pred_values.shape[0]
        cells = true_codes.reshape(-1).astype(np.int64) * width + pred_codes.reshape(-1)
        occurring, slots = np.unique(cells, return_inverse=True)
        slots = slots.reshape(-1)
        sums = np.zeros(occurring.shape[0], dtype=np.float64)
        if self._table is not None:
            sums[slots[:held]] = self._table.count  # one slot each: the pairs are unique
        np.add.at(sums, slots[held:], np.concatenate([p.count for p in self._pending]))
        rows, columns = np.divmod(occurring, width)
        self._table = PairTable(true_values[rows], pred_values[columns], sums)
        self._pending, self._rows = [], 0
