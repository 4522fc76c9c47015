"""The sparse store of counts: large class spaces without a ``(C, C)`` tensor.

C[i, j] counts samples of true class i predicted as class j. A matrix of many classes is held as
a coalesced ``torch.sparse_coo_tensor``: its indices are the sorted ``(true, pred)`` pairs that
occur and its values their counts, so memory grows with the samples, not with C^2. Everything
that needs more than the per-class vectors reads the matrix through :class:`Cells` (its
diagonal and its non-zero off-diagonal cells), which both stores give in the same form.

The size rule: counts are stored dense up to :data:`DENSE_MAX_CLASSES` classes and sparse
above, unless the caller asks for one store (``sparse=True`` or ``False``).

Examples:
    >>> m = sparse_counts(torch.tensor([0, 1, 1, 2]), torch.tensor([0, 0, 1, 1]), 3)
    >>> m.is_sparse, m.to_dense().tolist()
    (True, [[1, 0, 0], [1, 1, 0], [0, 1, 0]])
    >>> c = cells(m)
    >>> c.diagonal.tolist(), c.rows.tolist(), c.cols.tolist(), c.values.tolist()
    ([1, 1, 0], [1, 2], [0, 1], [1, 1])
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import torch

from confmat.exceptions import ClassesError, MatrixError, OptionError

DENSE_MAX_CLASSES = 4096
"""Up to this many classes counts are stored dense (a ``(C, C)`` tensor of at most 128 MiB of
int64); above it, sparse. ``sparse=True`` or ``False`` overrides the rule."""

OTHER = "(other)"
"""The name of the row and column that sum the classes a bounded view leaves out."""

DENSE_MAX_CELLS = 2**28
"""The largest ``(C, C)`` tensor :func:`to_dense` builds (2 GiB of int64): C = 16384."""


class Cells(NamedTuple):
    """A ``(C, C)`` matrix as its diagonal and its non-zero off-diagonal cells.

    ``rows``, ``cols`` (int64) and ``values`` (the counts' dtype) list the off-diagonal cells
    whose count is not zero, in row-major order; ``diagonal`` is ``(C,)``.
    """

    size: int
    diagonal: torch.Tensor
    rows: torch.Tensor
    cols: torch.Tensor
    values: torch.Tensor

    def total(self) -> torch.Tensor:
        """The sum of all counts, a 0-d tensor in the counts' dtype."""
        return self.diagonal.sum() + self.values.sum()

    def row_sums(self) -> torch.Tensor:
        """Samples per true class ``(C,)``, in the counts' dtype."""
        return self.diagonal.index_add(0, self.rows, self.values)

    def col_sums(self) -> torch.Tensor:
        """Samples per predicted class ``(C,)``, in the counts' dtype."""
        return self.diagonal.index_add(0, self.cols, self.values)

    def is_floating_point(self) -> bool:
        """Whether the counts are sums of weights (float), as ``Tensor.is_floating_point``."""
        return self.values.is_floating_point()


def use_sparse(size: int, sparse: bool | None) -> bool:
    """Whether counts of ``size`` classes are stored sparse (``sparse=None``: the size rule).

    Examples:
        >>> use_sparse(10, None), use_sparse(100_000, None), use_sparse(10, True)
        (False, True, True)
    """
    if sparse is None:
        return size > DENSE_MAX_CLASSES
    if not isinstance(sparse, bool):
        raise OptionError(
            f"sparse must be True, False or None (the size rule), got {sparse!r}", argument="sparse"
        )
    return sparse


def from_cells(
    rows: torch.Tensor, cols: torch.Tensor, values: torch.Tensor, size: int
) -> torch.Tensor:
    """A coalesced sparse ``(C, C)`` tensor from cells that may repeat and be in any order.

    Repeated cells are summed (sort + reduce); cells of zero are kept out.
    """
    codes = rows.to(torch.int64) * size + cols.to(torch.int64)
    unique, inverse = torch.unique(codes, sorted=True, return_inverse=True)
    summed = torch.zeros(unique.numel(), dtype=values.dtype, device=values.device)
    summed.index_add_(0, inverse, values)
    return _coalesced(unique, summed, size)


def sparse_counts(
    true: torch.Tensor, pred: torch.Tensor, size: int, weight: torch.Tensor | None = None
) -> torch.Tensor:
    """Count index pairs into a coalesced sparse ``(C, C)`` tensor (int64, float64 weighted).

    The kernel of the sparse store: one sort of the ``true * C + pred`` codes and a reduction,
    so time and memory grow with N, never with C^2. Trusts its input like
    :func:`core.kernels.confusion_counts`.
    """
    if true.device.type == "cpu" and weight is None:
        flat = true.numpy() * size  # the one copy: sorted in place, run lengths are the counts
        flat += pred.numpy()
        flat.sort()
        if not flat.size:
            return _indexed(flat, torch.zeros(0, dtype=torch.int64), size)
        starts = np.flatnonzero(flat[1:] != flat[:-1]) + 1
        bounds = np.concatenate(([0], starts, [flat.size]))
        return _indexed(flat[bounds[:-1]], torch.from_numpy(np.diff(bounds)), size)
    codes = true * size + pred
    if weight is None:
        unique, counts = torch.unique(codes, sorted=True, return_counts=True)
        return _coalesced(unique, counts, size)
    unique, inverse = torch.unique(codes, sorted=True, return_inverse=True)
    summed = torch.zeros(unique.numel(), dtype=torch.float64, device=true.device)
    summed.index_add_(0, inverse, weight.to(torch.float64))
    return _coalesced(unique, summed, size)


def from_sorted_cells(
    rows: torch.Tensor, cols: torch.Tensor, values: torch.Tensor, size: int
) -> torch.Tensor:
    """A coalesced sparse ``(C, C)`` tensor of cells in row-major order, each once.

    Cells of zero are kept out. Trusts its input (sorted, unique and in range).

    Examples:
        >>> rows, cols = torch.tensor([0, 1]), torch.tensor([1, 1])
        >>> from_sorted_cells(rows, cols, torch.tensor([2, 5]), 2).to_dense().tolist()
        [[0, 2], [0, 5]]
    """
    indices = torch.stack([rows, cols])
    keep = values != 0
    if not bool(keep.all()):
        indices, values = indices[:, keep], values[keep]
    return torch.sparse_coo_tensor(
        indices, values, (size, size), is_coalesced=True, check_invariants=False
    )


def _indexed(codes: np.ndarray[Any, Any], values: torch.Tensor, size: int) -> torch.Tensor:
    """The sparse tensor of sorted unique, non-zero cell ``codes`` (``true * C + pred``)."""
    indices = np.empty((2, codes.size), dtype=np.int64)
    np.floor_divide(codes, size, out=indices[0])
    np.multiply(indices[0], size, out=indices[1])
    np.subtract(codes, indices[1], out=indices[1])
    return torch.sparse_coo_tensor(
        torch.from_numpy(indices), values, (size, size), is_coalesced=True, check_invariants=False
    )


def _coalesced(codes: torch.Tensor, values: torch.Tensor, size: int) -> torch.Tensor:
    """The sparse tensor of sorted unique cell ``codes`` (``true * C + pred``) and ``values``."""
    keep = values != 0
    if not bool(keep.all()):
        codes, values = codes[keep], values[keep]
    indices = torch.stack([codes // size, codes % size]) if size else codes.reshape(2, 0)
    return torch.sparse_coo_tensor(
        indices, values, (size, size), is_coalesced=True, check_invariants=False
    )


def cells(matrix: torch.Tensor | Cells) -> Cells:
    """The diagonal and the non-zero off-diagonal cells of a dense or sparse ``(C, C)`` matrix.

    :class:`Cells` are returned as they are: a caller that holds them (an immutable matrix)
    passes them instead of its tensor, and they are not found again.

    Examples:
        >>> c = cells(torch.tensor([[5, 0, 1], [2, 8, 0], [0, 0, 3]]))
        >>> c.rows.tolist(), c.cols.tolist(), c.values.tolist(), c.diagonal.tolist()
        ([0, 1], [2, 0], [1, 2], [5, 8, 3])
    """
    if isinstance(matrix, Cells):
        return matrix
    size = int(matrix.shape[0])
    if matrix.is_sparse:
        m = matrix if matrix.is_coalesced() else matrix.coalesce()
        rows, cols = m.indices()
        values = m.values()
        on = rows == cols
        diagonal = torch.zeros(size, dtype=values.dtype, device=values.device)
        diagonal[rows[on]] = values[on]
        off = ~on & (values != 0)
        return Cells(size, diagonal, rows[off], cols[off], values[off])
    off_matrix = matrix.clone()
    off_matrix.fill_diagonal_(0)
    rows, cols = off_matrix.nonzero(as_tuple=True)
    return Cells(size, matrix.diagonal().clone(), rows, cols, matrix[rows, cols])


def to_dense(matrix: torch.Tensor) -> torch.Tensor:
    """The dense ``(C, C)`` tensor of a matrix, refusing sizes beyond :data:`DENSE_MAX_CELLS`."""
    if not matrix.is_sparse:
        return matrix
    size = int(matrix.shape[0])
    if size * size > DENSE_MAX_CELLS:
        gib = size * size * matrix.element_size() / 2**30
        raise ClassesError(
            f"a dense matrix of {size} classes would need {size}x{size} cells ({gib:,.0f} GiB); "
            f"the limit is {DENSE_MAX_CELLS:,} cells: read the statistics, most_confused() or "
            f"the sparse counts instead"
        )
    return matrix.to_dense()


def total(matrix: torch.Tensor | Cells) -> torch.Tensor:
    """The sum of all counts of a dense or sparse matrix, a 0-d tensor.

    Weighted sums are added in the cells' order in both stores, so both give the same bits.
    """
    if isinstance(matrix, Cells) or matrix.is_floating_point():
        return cells(matrix).total()
    return matrix.values().sum() if matrix.is_sparse else matrix.sum()


def sums(matrix: torch.Tensor | Cells, dim: int) -> torch.Tensor:
    """Row (``dim=1``) or column (``dim=0``) sums ``(C,)`` of a dense or sparse matrix.

    Weighted sums are added in the cells' order in both stores (as :func:`total`).
    """
    if not (isinstance(matrix, Cells) or matrix.is_sparse or matrix.is_floating_point()):
        return matrix.sum(dim=dim)
    c = cells(matrix)
    return c.row_sums() if dim == 1 else c.col_sums()


def check(matrix: torch.Tensor) -> torch.Tensor:
    """A sparse confusion matrix: square, finite, non-negative; coalesced int64 or float64."""
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise MatrixError(
            f"counts must be a square (C, C) matrix, got shape {tuple(matrix.shape)}",
            argument="counts",
        )
    m = matrix.coalesce()
    values = m.values()
    if values.is_floating_point():
        if not bool(torch.isfinite(values).all()):
            raise MatrixError("counts must be finite, got NaN or infinity", argument="counts")
        dtype = torch.float64
    else:
        dtype = torch.int64
    if bool((values < 0).any()):
        k = int((values < 0).nonzero()[0])
        i, j = (int(v) for v in m.indices()[:, k])
        raise MatrixError(
            f"counts must be non-negative, got {values[k].item()} in row {i}, column {j}",
            argument="counts",
        )
    if values.dtype != dtype:
        m = torch.sparse_coo_tensor(
            m.indices(), values.to(dtype), m.shape, is_coalesced=True, check_invariants=False
        )
    return m


def add(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The sum of two matrices; sparse if either is."""
    if not (a.is_sparse or b.is_sparse):
        return a + b
    return (to_sparse(a) + to_sparse(b)).coalesce()


def to_sparse(matrix: torch.Tensor) -> torch.Tensor:
    """The coalesced sparse tensor of a dense or sparse matrix."""
    if matrix.is_sparse:
        return matrix.coalesce()
    rows, cols = matrix.nonzero(as_tuple=True)
    return torch.sparse_coo_tensor(
        torch.stack([rows, cols]),
        matrix[rows, cols],
        matrix.shape,
        is_coalesced=True,
        check_invariants=False,
    )


def block(matrix: torch.Tensor, index: torch.Tensor, other: bool = False) -> torch.Tensor:
    """The dense ``(k, k)`` sub-matrix of the rows and columns ``index`` (in that order).

    ``other=True`` adds a last row and column, :data:`OTHER`, that sum the cells of every class
    not in ``index`` (rows true, columns predicted), so the ``(k + 1, k + 1)`` result keeps every
    count: its rows sum to the supports of the classes shown, its total to the matrix's total.
    Its last cell (other, other) holds the cells among left-out classes, their diagonal too.
    O(nnz + C) work on a sparse matrix, never O(C^2).

    Examples:
        >>> m = torch.tensor([[5, 1, 0], [2, 8, 1], [0, 0, 3]])
        >>> block(m.to_sparse(), torch.tensor([2, 1])).tolist()
        [[3, 0], [1, 8]]
        >>> block(m.to_sparse(), torch.tensor([2, 1]), other=True).tolist()
        [[3, 0, 0], [1, 8, 2], [0, 1, 5]]
    """
    k = int(index.numel())
    side = k + 1 if other else k
    if not (matrix.is_sparse or other):
        return matrix[index][:, index]
    # each class's place in the result: its position, or the (other) row / column (or none)
    position = torch.full(
        (int(matrix.shape[0]),), k if other else -1, dtype=torch.int64, device=matrix.device
    )
    position[index.to(matrix.device)] = torch.arange(k, device=matrix.device)
    if not matrix.is_sparse:  # rows grouped by their place, then columns: O(C^2) as the store
        by_row = torch.zeros(side, matrix.shape[1], dtype=matrix.dtype, device=matrix.device)
        by_row.index_add_(0, position, matrix)
        out = torch.zeros(side, side, dtype=matrix.dtype, device=matrix.device)
        return out.index_add_(1, position, by_row)
    m = matrix.coalesce()
    rows, cols = m.indices()
    r, q, values = position[rows], position[cols], m.values()
    if not other:
        keep = (r >= 0) & (q >= 0)
        r, q, values = r[keep], q[keep], values[keep]
    out = torch.zeros(side * side, dtype=values.dtype, device=m.device)
    out.index_add_(0, r * side + q, values)  # in the cells' order: the same bits every time
    return out.reshape(side, side)


def block_shares(
    matrix: torch.Tensor, index: torch.Tensor, how: str | None, other: bool = False
) -> torch.Tensor:
    """:func:`block` as float64 counts or shares of the whole row, column or total.

    ``how``: None (counts), ``"true"`` (rows), ``"pred"`` (columns) or ``"all"``, the shares
    ``ConfusionMatrix.normalized`` gives. With ``other``, the (other) row's shares are of all
    the left-out classes' samples (its column's likewise).
    """
    values = block(matrix, index, other).to(torch.float64)
    if how in ("true", "pred"):
        dim = 1 if how == "true" else 0
        whole = sums(matrix, dim)[index.to(matrix.device)].to(torch.float64)
        if other:
            rest = values[-1].sum() if dim == 1 else values[:, -1].sum()
            whole = torch.cat([whole, rest.reshape(1)])
        return values / (whole.unsqueeze(1) if how == "true" else whole.unsqueeze(0))
    return values / total(matrix).to(torch.float64) if how == "all" else values
