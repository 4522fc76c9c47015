"""The Accumulator's dense store: its grid of counts as one ``(C + EXTRA, C + EXTRA)`` tensor.

Up to :data:`core.sparse.DENSE_MAX_CLASSES` classes (or with ``sparse=False``) an Accumulator
keeps its grid (:mod:`stream.grid`) as one int64 tensor, float64 once weighted, on the batches'
device. A batch adds its samples with one ``index_put_`` that accumulates: its cost does not grow
with C^2 and it never waits for the device. Under torch.distributed the grids of every rank are
summed by one ``all_reduce``, unless some rank keeps its counts sparse: then every rank gathers
the non-zero cells (:func:`stream.sparse_grid.sum_cells_over_ranks`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from confmat._internal.stream import deferred, distributed, sparse_grid
from confmat._internal.stream.grid import CountGrid


class DenseGrid:
    """An Accumulator's counts as a dense ``(C + EXTRA, C + EXTRA)`` tensor (:mod:`stream.grid`).

    The tensor is kept a normal tensor even when made inside ``torch.inference_mode()``, so that
    later updates outside it may still add to it.

    Args:
        grid: the counts, int64 or float64 (kept, not copied).

    Examples:
        >>> grid = DenseGrid.zeros(2, None)
        >>> grid.add(torch.tensor([0, 1, 1]), torch.tensor([0, 1, -1]))  # -1: a refused label
        >>> grid.class_counts().tolist(), grid.cell(1, -1).item()
        ([[1, 0], [0, 1]], 1)
        >>> grid.codes_and_counts()  # codes row * (C + EXTRA) + col
        (tensor([ 0,  7, 11]), tensor([1, 1, 1]))
    """

    def __init__(self, grid: torch.Tensor) -> None:
        self.size = grid.shape[0] - deferred.EXTRA
        self._keep(grid)

    @classmethod
    def zeros(cls, size: int, device: torch.device | None) -> DenseGrid:
        """The empty int64 grid of ``size`` classes on ``device`` (default: the CPU)."""
        side = size + deferred.EXTRA
        return cls(torch.zeros((side, side), dtype=torch.int64, device=device))

    @torch.inference_mode(False)  # the state takes updates outside inference mode too
    def _keep(self, grid: torch.Tensor) -> None:
        """Keep ``grid`` as the counts, with the scalar one that unweighted batches add."""
        self._grid = grid.clone() if grid.is_inference() else grid
        self._one = torch.ones((), dtype=grid.dtype, device=grid.device)

    @property
    def device(self) -> torch.device:
        """Where the counts live."""
        return self._grid.device

    @property
    def dtype(self) -> torch.dtype:
        """int64, or float64 once weighted."""
        return self._grid.dtype

    def is_floating_point(self) -> bool:
        """Whether the counts are float64 (weighted)."""
        return self._grid.is_floating_point()

    # -- counting ---------------------------------------------------------------------------

    def add(
        self, rows: torch.Tensor, cols: torch.Tensor, values: torch.Tensor | None = None
    ) -> None:
        """Add ``values`` (default: one per sample) to the cells ``[rows, cols]`` (no sync)."""
        if values is None:
            self._grid.index_put_((rows, cols), self._one, accumulate=True)
            return
        if values.is_floating_point():
            self.to_float64()
        self._grid.index_put_((rows, cols), values, accumulate=True)

    def add_to_column(self, col: int, values: torch.Tensor) -> None:
        """Add ``values[k]`` to the cell ``[k, col]`` for each ``k`` (no sync)."""
        self._grid[: values.shape[0], col].add_(values)

    def mark(self, row: int, col: int) -> None:
        """Make the cell ``[row, col]`` non-zero: set it to one (no sync)."""
        self._grid[row, col] = 1

    def add_counts(self, other: CountGrid) -> None:
        """Add the counts of ``other`` (either store, the same classes) to this grid."""
        if other.is_floating_point():
            self.to_float64()
        other.add_to_dense(self._grid)

    def add_to_dense(self, grid: torch.Tensor) -> None:
        """Add these counts to ``grid``, a dense tensor of the same shape."""
        grid.add_(self._grid.to(grid.device, grid.dtype))

    def to_float64(self) -> None:
        """Make the counts float64, for weighted samples."""
        if not self._grid.is_floating_point():
            self._keep(self._grid.to(torch.float64))

    def to(self, device: torch.device) -> None:
        """Move the counts to ``device``."""
        self._keep(self._grid.to(device))

    # -- reading ----------------------------------------------------------------------------

    def codes_and_counts(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The sorted codes and counts of the non-zero cells (finding them is a sync)."""
        flat = self._grid.reshape(-1)
        codes = flat.nonzero().reshape(-1)
        return codes, flat[codes]

    def cell(self, row: int, col: int) -> torch.Tensor:
        """The count of one cell, a 0-d tensor."""
        return self._grid[row, col]

    def outside(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(rows, cols, counts)`` of every cell outside the classes' block (no sync).

        First the extra columns of the classes' rows, then the extra rows, row-major: as the
        sparse store lists them.
        """
        size, side, device = self.size, self._grid.shape[0], self._grid.device
        classes = torch.arange(size, device=device)
        extra = torch.arange(size, side, device=device)
        every = torch.arange(side, device=device)
        rows = torch.cat([classes.repeat_interleave(deferred.EXTRA), extra.repeat_interleave(side)])
        cols = torch.cat([extra.repeat(size), every.repeat(deferred.EXTRA)])
        counts = torch.cat([self._grid[:size, size:].reshape(-1), self._grid[size:].reshape(-1)])
        return rows, cols, counts

    def class_counts(self) -> torch.Tensor:
        """The classes' ``(C, C)`` counts, a dense copy."""
        return self._grid[: self.size, : self.size].clone()

    def saved(self) -> dict[str, torch.Tensor]:
        """``{"grid": a copy of the counts}``, as ``state_dict`` saves them."""
        return {"grid": self._grid.detach().clone()}

    def summed_over_ranks(
        self, group: Any, order: np.ndarray | None, dtype: torch.dtype, any_sparse: bool
    ) -> CountGrid:
        """The sum of every rank's counts: all-reduced, or gathered as cells if any is sparse."""
        if any_sparse:
            codes, counts = self.codes_and_counts()
            return sparse_grid.sum_cells_over_ranks(self.size, codes, counts, order, dtype, group)
        grid = self._grid.to(dtype, copy=True)
        if order is not None:  # the classes in the agreed order, the extra cells in place
            tail = torch.arange(self.size, grid.shape[0])
            index = torch.cat([torch.from_numpy(order), tail]).to(grid.device)
            grid = grid[index][:, index]
        return DenseGrid(distributed.all_reduce_sum(grid, group))
