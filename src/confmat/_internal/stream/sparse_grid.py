"""The Accumulator's sparse store: cell codes buffered per batch, merged by sort + reduce.

Above :data:`core.sparse.DENSE_MAX_CLASSES` classes (or with ``sparse=True``) an
Accumulator keeps no ``(S, S)`` grid (:mod:`stream.grid`), ``S = C + EXTRA`` (the classes
and the extra rows and columns of :mod:`stream.deferred`). Cell ``[i, j]`` of that grid
(C[i, j]: samples of true class i predicted as class j) has the code ``i * S + j``; negative
codes wrap around to the last row or column, as indexing the grid does. The store is the sorted
unique codes that occur and their counts (int64, float64 once weighted), plus a buffer of
:data:`BUFFER_SIZE` codes and values on the counts' device.

``add`` writes a batch's codes into the buffer at a fill position the host knows from the batch
sizes: no host-device synchronization, and a cost that grows with the batch, never with C. A full
buffer is merged into the kept codes: the buffer's unique codes, those not kept yet inserted in
order (``searchsorted``), then every buffered value added to its cell in sample order (so float64
sums are added in the order the dense grid adds them). The merge must learn how many codes are
new: one synchronization per merge, that is per :data:`BUFFER_SIZE` samples at most (the buffer
grows with the kept cells up to :data:`BUFFER_MAX`); ``compute``, ``state_dict``, ``merge`` and
``to`` merge the buffer too.

Under torch.distributed, when any rank keeps its counts sparse, every rank all-gathers its
``(code, count)`` arrays and reduces their concatenation (:func:`sum_cells_over_ranks`), the dense
ranks' non-zero cells included: every rank gets the same sparse store.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from confmat._internal.core import sparse as store
from confmat._internal.stream import deferred, distributed
from confmat._internal.stream.grid import CountGrid
from confmat.exceptions import ClassesError

BUFFER_SIZE = 2**20
"""Codes buffered before a merge, at first (8 MiB of int64 codes and as much of values)."""

BUFFER_MAX = 2**24
"""The most codes buffered: the buffer grows to the number of kept cells up to this (256 MiB
of codes and values), so that merges, which sort the kept codes too, stay rare when many
distinct cells occur."""

_MAX_SIDE = 3_037_000_499
"""The largest side ``S`` whose ``S * S`` codes fit int64."""


class SparseGrid:
    """An Accumulator's ``(C + EXTRA, C + EXTRA)`` counts as sorted codes (:mod:`stream.grid`).

    Args:
        size: C, the number of classes.
        device: where the codes, counts and buffer live.
        capacity: the buffer's first length (default :data:`BUFFER_SIZE`).

    Examples:
        >>> grid = SparseGrid(3, torch.device("cpu"))
        >>> grid.add(torch.tensor([0, 2, 2, -1]), torch.tensor([1, 2, 2, 0]))
        >>> grid.cells()[2].tolist(), grid.codes.tolist()  # -1 wraps to row C + EXTRA - 1
        ([1, 2, 1], [1, 16, 42])
        >>> grid.class_counts().to_dense().tolist()
        [[0, 1, 0], [0, 0, 0], [0, 0, 2]]
    """

    def __init__(self, size: int, device: torch.device, capacity: int | None = None) -> None:
        self.size = size
        self.side = size + deferred.EXTRA
        if self.side > _MAX_SIDE:
            raise ClassesError(
                f"an Accumulator counts at most {_MAX_SIDE - deferred.EXTRA} classes (cell "
                f"codes are int64), got {size}"
            )
        self.device = device
        self.capacity = capacity or BUFFER_SIZE
        self.codes = torch.empty(0, dtype=torch.int64, device=device)
        self.counts = torch.empty(0, dtype=torch.int64, device=device)
        self._buffer: tuple[torch.Tensor, torch.Tensor] | None = None
        self._fill = 0
        self._cells: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None

    @classmethod
    def of(cls, size: int, codes: torch.Tensor, counts: torch.Tensor) -> SparseGrid:
        """The store of ``size`` classes holding sorted unique ``codes`` and their ``counts``."""
        grid = cls(size, codes.device)
        grid.codes, grid.counts = codes, counts
        return grid

    @property
    def dtype(self) -> torch.dtype:
        """int64, or float64 once weighted."""
        return self.counts.dtype

    def is_floating_point(self) -> bool:
        """Whether the counts are float64 (weighted)."""
        return self.counts.is_floating_point()

    # -- adding -----------------------------------------------------------------------------

    def add(
        self, rows: torch.Tensor, cols: torch.Tensor, values: torch.Tensor | None = None
    ) -> None:
        """Add ``values`` (default: one per sample) to the cells ``[rows, cols]`` (no sync).

        Rows and columns outside ``[-1, S)`` (trusted input, ``validate=False``) are clamped
        into it rather than counted in another cell.
        """
        if values is not None and values.is_floating_point():
            self.to_float64()
        last = self.side - 1
        codes = rows.clamp(-1, last).remainder_(self.side).mul_(self.side)
        codes += cols.clamp(-1, last).remainder_(self.side)
        self._append(codes, values)

    def add_to_column(self, col: int, values: torch.Tensor) -> None:
        """Add ``values[k]`` to the cell ``[k, col]`` for each ``k`` (no sync)."""
        codes = torch.arange(values.shape[0], device=self.device).mul_(self.side)
        self._append(codes.add_(col % self.side), values.to(self.device))

    def mark(self, row: int, col: int) -> None:
        """Make the cell ``[row, col]`` non-zero: add one to it (reading it would be a sync)."""
        code = (row % self.side) * self.side + col % self.side
        self._append(torch.full((1,), code, dtype=torch.int64, device=self.device), None)

    @torch.inference_mode(False)  # the state takes updates outside inference mode too
    def _append(self, codes: torch.Tensor, values: torch.Tensor | None) -> None:
        n = int(codes.shape[0])
        if self._fill + n > self.capacity:
            self.flush()
        if n > self.capacity:  # a batch larger than the buffer is merged at once
            self._merge(codes, self._values(values, n))
            return
        if self._buffer is None:
            self._buffer = (
                torch.empty(self.capacity, dtype=torch.int64, device=self.device),
                torch.empty(self.capacity, dtype=self.dtype, device=self.device),
            )
        buffer_codes, buffer_values = self._buffer
        end = self._fill + n
        buffer_codes[self._fill : end] = codes
        if values is None:
            buffer_values[self._fill : end] = 1
        else:
            buffer_values[self._fill : end] = values
        self._fill = end

    def _values(self, values: torch.Tensor | None, n: int) -> torch.Tensor:
        if values is None:
            return torch.ones(n, dtype=self.dtype, device=self.device)
        return values.to(self.dtype)

    def flush(self) -> None:
        """Merge the buffered codes into the kept ones (one sync when the buffer is not empty)."""
        if self._fill == 0 or self._buffer is None:
            return
        codes, values = self._buffer
        self._merge(codes[: self._fill], values[: self._fill])
        self._fill = 0
        kept = self.codes.numel()
        if self.capacity < min(kept, BUFFER_MAX):  # grow with the kept cells: rarer merges
            self.capacity = min(1 << (kept - 1).bit_length(), BUFFER_MAX)
            self._buffer = None

    @torch.inference_mode(False)  # the state takes updates outside inference mode too
    def _merge(self, codes: torch.Tensor, values: torch.Tensor) -> None:
        """Merge codes (any order, repeats) into the kept ones, then add each value in order.

        The kept and the new unique codes are sorted together and collapsed: a sort of both,
        faster on CPU than a binary search per new code. The one sync: the merged length.
        """
        fresh, inverse = torch.unique(codes, sorted=True, return_inverse=True)
        kept = self.codes.numel()
        if kept == 0:
            merged, where = fresh, inverse
            counts = torch.zeros(fresh.numel(), dtype=self.dtype, device=self.device)
        else:
            both, order = torch.sort(torch.cat([self.codes, fresh]))
            merged, place = torch.unique_consecutive(both, return_inverse=True)
            at = torch.empty_like(place)
            at[order] = place  # where each kept, then each fresh code went
            counts = torch.zeros(merged.numel(), dtype=self.dtype, device=self.device)
            counts[at[:kept]] = self.counts
            where = at[kept:][inverse]
        counts.index_add_(0, where, values.to(self.dtype))  # in sample order, as the dense grid
        self.codes, self.counts, self._cells = merged, counts, None

    def add_counts(self, other: CountGrid) -> None:
        """Add the counts of ``other`` (either store, the same classes), as ``merge`` does."""
        if other.is_floating_point():
            self.to_float64()
        codes, counts = other.codes_and_counts()
        self.flush()
        if codes.numel():
            self._merge(codes.to(self.device), counts.to(self.device))

    def add_to_dense(self, grid: torch.Tensor) -> None:
        """Add these counts to ``grid``, a dense ``(S, S)`` tensor (merges the buffer)."""
        codes, counts = self.codes_and_counts()
        grid.view(-1).index_add_(0, codes.to(grid.device), counts.to(grid.device, grid.dtype))

    @torch.inference_mode(False)  # the state takes updates outside inference mode too
    def to_float64(self) -> None:
        """Make the counts (and the buffered values) float64, for weighted samples."""
        if self.is_floating_point():
            return
        self.counts, self._cells = self.counts.to(torch.float64), None
        if self._buffer is not None:
            self._buffer = (self._buffer[0], self._buffer[1].to(torch.float64))

    @torch.inference_mode(False)  # the state takes updates outside inference mode too
    def to(self, device: torch.device) -> None:
        """Move the codes and counts to ``device`` (merging the buffer first)."""
        self.flush()
        self.device = device
        self.codes, self.counts = self.codes.to(device), self.counts.to(device)
        self._buffer, self._cells = None, None

    # -- reading ----------------------------------------------------------------------------

    def codes_and_counts(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The sorted unique codes kept and their counts (merges the buffer)."""
        self.flush()
        return self.codes, self.counts

    def cells(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(rows, cols, counts)`` of every kept cell in row-major order (merges the buffer)."""
        self.flush()
        if self._cells is None or self._cells[2] is not self.counts:
            rows = torch.div(self.codes, self.side, rounding_mode="floor")
            self._cells = rows, self.codes - rows * self.side, self.counts
        return self._cells

    def cell(self, row: int, col: int) -> torch.Tensor:
        """The count of one cell, a 0-d tensor (merges the buffer)."""
        self.flush()
        if self.codes.numel() == 0:
            return torch.zeros((), dtype=self.dtype, device=self.device)
        code = torch.tensor([(row % self.side) * self.side + col % self.side], device=self.device)
        at = torch.searchsorted(self.codes, code).clamp_(max=self.codes.numel() - 1)
        return torch.where(self.codes[at] == code, self.counts[at], 0).sum()

    def _split(self) -> tuple[tuple[torch.Tensor, ...], torch.Tensor | None, int]:
        """The cells, which of the classes' rows' cells are refused predictions, where rows end.

        Codes are sorted, so the classes' rows come first: ``head`` cells. Among them, those
        of columns ``>= C`` (refused predictions) are rare: their mask is None when none is.
        """
        cells = self.cells()
        end = torch.tensor(self.size * self.side, device=self.device)
        head = int(torch.searchsorted(self.codes, end))
        refused = cells[1][:head] >= self.size
        return cells, (refused if bool(refused.any()) else None), head

    def class_counts(self) -> torch.Tensor:
        """The classes' ``(C, C)`` counts as a coalesced sparse tensor (no dense step)."""
        cells, refused, head = self._split()
        rows, cols, counts = (part[:head] for part in cells)
        if refused is not None:
            rows, cols, counts = rows[~refused], cols[~refused], counts[~refused]
        return store.from_sorted_cells(rows, cols, counts, self.size)

    def outside(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(rows, cols, counts)`` of the cells outside the classes' block (merges the buffer)."""
        cells, refused, head = self._split()
        if refused is None:
            return cells[0][head:], cells[1][head:], cells[2][head:]
        parts = (torch.cat([part[:head][refused], part[head:]]) for part in cells)
        rows, cols, counts = parts
        return rows, cols, counts

    def saved(self) -> dict[str, torch.Tensor]:
        """Copies of the kept codes and counts, as ``state_dict`` saves them (merges the buffer)."""
        codes, counts = self.codes_and_counts()
        return {"codes": codes.clone(), "counts": counts.clone()}

    def summed_over_ranks(
        self, group: Any, order: np.ndarray | None, dtype: torch.dtype, any_sparse: bool
    ) -> SparseGrid:
        """Every rank's cells gathered and summed (``any_sparse`` holds: this rank is sparse)."""
        codes, counts = self.codes_and_counts()
        return sum_cells_over_ranks(self.size, codes, counts, order, dtype, group)


def sum_cells_over_ranks(
    size: int,
    codes: torch.Tensor,
    counts: torch.Tensor,
    order: np.ndarray | None,
    dtype: torch.dtype,
    group: Any,
) -> SparseGrid:
    """The sparse store of every rank's cells ``(codes, counts)``, in the agreed class order.

    ``order`` lists, for each class of the agreed order, its index on this rank (None: the same
    order); the extra rows and columns keep their place. The cells are gathered in rank order
    and reduced alike on every rank (:func:`stream.distributed.gather_cells`).
    """
    if order is not None:
        codes = _reorder_codes(codes, order, size + deferred.EXTRA)
    return SparseGrid.of(size, *distributed.gather_cells(codes, counts.to(dtype), group))


def _reorder_codes(codes: torch.Tensor, order: np.ndarray, side: int) -> torch.Tensor:
    """Codes of this rank's class order as codes of the agreed order (extras keep their place)."""
    size = len(order)
    agreed_index = torch.arange(side, device=codes.device)
    agreed_index[torch.from_numpy(order).to(codes.device)] = torch.arange(size, device=codes.device)
    return agreed_index[codes // side] * side + agreed_index[codes % side]
