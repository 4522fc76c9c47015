"""The chunk buffer of :class:`stream.multilabel.MultilabelAccumulator`.

Small batches wait here until :data:`~core.multilabel_kernels.CHUNK` rows are
together, then are checked and counted as one block (one matrix product per chunk).
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from confmat._internal.core import multilabel_kernels as kernels


class Rows(NamedTuple):
    """The rows of a chunk (or of a large batch), ready to be checked and counted.

    Attributes:
        true: ``(n, L)`` targets (bool in a chunk: non-zero is true).
        pred: ``(n, L)`` predictions, raw.
        weight: float64 ``(n,)`` sample weights, or None.
        bad_true: bool ``(n,)``: rows whose targets were not 0/1 (None: not checked yet).
        ignored: bool ``(n, L)``: the cells left out (None: none).
    """

    true: torch.Tensor
    pred: torch.Tensor
    weight: torch.Tensor | None
    bad_true: torch.Tensor | None
    ignored: torch.Tensor | None


class Chunk:
    """A fixed buffer of :data:`~core.multilabel_kernels.CHUNK` rows of small batches.

    Targets are copied as bools (with which rows held a value other than 0/1, and which cells
    are ignored when ``ignoring``), predictions raw; :meth:`take` hands the filled rows on to be
    checked and counted as one block.
    """

    def __init__(self, true: torch.Tensor, pred: torch.Tensor, ignoring: bool = False) -> None:
        shape, device = (kernels.CHUNK, true.shape[1]), true.device
        self.true = torch.empty(shape, dtype=torch.bool, device=device)
        self.bad_true = torch.zeros(kernels.CHUNK, dtype=torch.bool, device=device)
        self.pred = torch.empty(shape, dtype=pred.dtype, device=device)
        self.weight = torch.ones(kernels.CHUNK, dtype=torch.float64, device=device)
        self.ignored = torch.zeros(shape, dtype=torch.bool, device=device) if ignoring else None
        self.filled = 0
        self.weighted = False  # some row of this chunk carries a sample weight

    def holds(self, pred: torch.Tensor) -> bool:
        """Whether the predictions have this buffer's dtype."""
        return self.pred.dtype == pred.dtype

    def put(self, batch: Rows, offset: int) -> int:
        """Copy the head of rows ``offset:`` of ``batch``; returns how many rows it took."""
        rows = min(batch.true.shape[0] - offset, kernels.CHUNK - self.filled)
        end, part = self.filled + rows, slice(offset, offset + rows)
        self.true[self.filled : end] = batch.true[part]  # non-zero is true
        self.pred[self.filled : end] = batch.pred[part]
        if batch.bad_true is not None:
            self.bad_true[self.filled : end] = batch.bad_true[part]
        if self.ignored is not None:  # the buffer is reused: every row is written
            if batch.ignored is None:
                self.ignored[self.filled : end] = False
            else:
                self.ignored[self.filled : end] = batch.ignored[part]
        if batch.weight is not None:
            self.weight[self.filled : end] = batch.weight[part]
            self.weighted = True
        self.filled = end
        return rows

    def take(self) -> Rows:
        """The filled rows; the buffer is emptied."""
        rows, self.filled = self.filled, 0
        weight = None
        if self.weighted:  # rows of unweighted batches weigh 1
            weight = self.weight[:rows].clone()
            self.weight.fill_(1.0)
            self.weighted = False
        ignored = None if self.ignored is None else self.ignored[:rows]
        return Rows(self.true[:rows], self.pred[:rows], weight, self.bad_true[:rows], ignored)
