"""Counts of encoded predictions, and from a long table: label pairs with their counts.

C[i, j] counts samples of true class i predicted as class j. A table row ``(true, pred, count)``
adds ``count`` to one cell; the labels go through the same class rules as
:meth:`confmat.ConfusionMatrix.from_predictions` (:func:`core.encode.encode`), so a table
of counts gives the very matrix its samples would.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from confmat._internal.core import encode, sparse
from confmat._internal.core.kernels import confusion_counts


def prediction_counts(
    encoded: encode.Encoded, store: bool | None = None
) -> tuple[torch.Tensor, list[str]]:
    """The counts of encoded predictions, dense or sparse, and the class names.

    The store follows :func:`sparse.use_sparse`; inferred integer classes never seen are dropped.
    """
    size, names = len(encoded.classes), encoded.classes
    keep_sparse = sparse.use_sparse(size, store)
    if encoded.compact or not keep_sparse:
        counts = confusion_counts(encoded.true, encoded.pred, size, encoded.weight)
        if encoded.compact:
            counts, names = encode.drop_unseen(counts, names, encoded)
        return (sparse.to_sparse(counts) if keep_sparse else counts), names
    return sparse.sparse_counts(encoded.true, encoded.pred, size, encoded.weight), names


def table_counts(
    true: np.ndarray,
    pred: np.ndarray,
    count: np.ndarray,
    *,
    classes: Sequence[Any] | None = None,
    num_classes: int | None = None,
    store: bool | None = None,
) -> tuple[torch.Tensor, list[str]]:
    """The counts (dense or sparse, see :func:`core.sparse.use_sparse`) and class names.

    ``count`` is int64 (counts) or float64 (sums of weights); rows of the same cell add up.

    Examples:
        >>> m, names = table_counts(
        ...     np.array(["a", "b", "b"]), np.array(["a", "a", "a"]), np.array([3, 1, 1])
        ... )
        >>> m.tolist(), names
        ([[3, 0], [2, 0]], ['a', 'b'])
    """
    encoded = encode.encode(true, pred, classes=classes, num_classes=num_classes)
    values = torch.from_numpy(count)
    size = len(encoded.classes)
    if encoded.compact:  # inferred integer classes: at most a few thousand label values
        dense = _dense(encoded.true, encoded.pred, values, size)
        seen_by = dataclasses.replace(encoded, weight=values.to(torch.float64))
        dense, names = encode.drop_unseen(dense, encoded.classes, seen_by)
        return (sparse.to_sparse(dense) if store else dense), names
    if sparse.use_sparse(size, store):
        return sparse.from_cells(encoded.true, encoded.pred, values, size), encoded.classes
    return _dense(encoded.true, encoded.pred, values, size), encoded.classes


def _dense(true: torch.Tensor, pred: torch.Tensor, values: torch.Tensor, size: int) -> torch.Tensor:
    """A dense ``(C, C)`` tensor adding ``values`` at the ``(true, pred)`` cells."""
    out = torch.zeros(size * size, dtype=values.dtype)
    out.index_put_((true * size + pred,), values, accumulate=True)
    return out.reshape(size, size)
