"""An Accumulator's grid of counts: the one interface of its two stores.

An Accumulator counts into a grid of ``(C + EXTRA, C + EXTRA)`` cells: C[i, j] is the number
(or total sample weight) of samples of true class i predicted as class j, and the ``EXTRA``
rows and columns count the samples that a deferred check refused (:mod:`stream.deferred` says
which is which). Two stores keep that grid, and :class:`CountGrid` is all that the Accumulator,
its deferred checks and its saved state ask of either:

- :class:`~stream.dense_grid.DenseGrid`: the grid as one tensor;
- :class:`~stream.sparse_grid.SparseGrid`: the sorted codes ``row * (C + EXTRA) + col`` of the
  cells that occur and their counts, with a buffer of codes on the device.

The Accumulator chooses the store by :func:`core.sparse.use_sparse` (its ``sparse=`` option, else
the number of classes). Both give the same counts to the last bit, weighted ones too, and either
adds the other's counts (merge, ``load_state_dict``).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import torch


class CountGrid(Protocol):
    """An Accumulator's ``(C + EXTRA, C + EXTRA)`` counts (int64, float64 once weighted).

    Nothing here waits for the device, except where a method says that it reads counts.
    """

    size: int
    """C, the number of classes."""

    @property
    def device(self) -> torch.device:
        """Where the counts live."""

    @property
    def dtype(self) -> torch.dtype:
        """int64, or float64 once weighted."""

    def is_floating_point(self) -> bool:
        """Whether the counts are float64 (weighted)."""

    # -- counting ---------------------------------------------------------------------------

    def add(
        self, rows: torch.Tensor, cols: torch.Tensor, values: torch.Tensor | None = None
    ) -> None:
        """Add ``values`` (float64 weights; default one per sample) to the cells ``[rows, cols]``.

        One batch of samples, ``(N,)`` each, on the counts' device; float values make the
        counts float64 first. No host-device synchronization.
        """

    def add_to_column(self, col: int, values: torch.Tensor) -> None:
        """Add ``values[k]`` to the cell ``[k, col]`` for each ``k`` (a few cells, no sync)."""

    def mark(self, row: int, col: int) -> None:
        """Make the cell ``[row, col]`` non-zero (no sync): a flag that merges and sums."""

    def add_counts(self, other: CountGrid) -> None:
        """Add the counts of ``other``, of either store and the same classes (float64 if its are).

        ``other`` may be this very grid (its counts double).
        """

    def add_to_dense(self, grid: torch.Tensor) -> None:
        """Add these counts to a dense ``(C + EXTRA, C + EXTRA)`` tensor, in its dtype."""

    def to_float64(self) -> None:
        """Make the counts float64, for weighted samples."""

    def to(self, device: torch.device) -> None:
        """Move the counts to ``device``."""

    # -- reading ----------------------------------------------------------------------------

    def codes_and_counts(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The sorted unique codes ``row * (C + EXTRA) + col`` of the cells kept, and their counts.

        The dense grid keeps its non-zero cells (finding them reads the counts: a sync).
        """

    def cell(self, row: int, col: int) -> torch.Tensor:
        """The count of one cell, a 0-d tensor (negative indices wrap around)."""

    def outside(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(rows, cols, counts)`` of the cells outside the classes' ``(C, C)`` block.

        Cells of rows below C first (those of columns ``>= C``), then the extra rows; row-major
        within each. The sparse store lists only the cells it keeps, the dense grid all of them.
        """

    def class_counts(self) -> torch.Tensor:
        """The classes' ``(C, C)`` counts: a dense tensor, or a coalesced sparse COO tensor."""

    def saved(self) -> dict[str, torch.Tensor]:
        """Copies of the counts as ``state_dict`` saves them (see :mod:`stream.saved_state`).

        ``{"grid": tensor}`` for the dense grid, ``{"codes": ..., "counts": ...}`` (as
        :meth:`codes_and_counts`) for the sparse store.
        """

    def summed_over_ranks(
        self, group: Any, order: np.ndarray | None, dtype: torch.dtype, any_sparse: bool
    ) -> CountGrid:
        """The sum of every rank's counts (a new grid; every rank of ``group`` must call it).

        Args:
            group: the torch.distributed process group.
            order: for each class of the agreed order, its index here (None: the same order).
            dtype: the dtype of the sum (float64 when any rank's counts are weighted).
            any_sparse: whether any rank keeps its counts sparse: then every rank all-gathers
                its cells and gets a sparse store; else the dense grids are all-reduced.
        """
