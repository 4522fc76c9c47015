"""Multilabel inputs: ``(N, L)`` indicator targets and ``(N, L)`` predictions -> boolean grids.

A multilabel sample carries any number of the L labels at once (none, one or several). Targets
are ``(N, L)`` indicators: bools, or numbers that are 0 or 1 (or ``ignore_index``: that
(sample, label) cell is left out of everything). Predictions are ``(N, L)``:

- bools or integers: 0/1 decisions, taken as they are;
- floats: scores, decided by THE score rule of :mod:`core.codes` per label
  (:func:`core.codes.label_decisions`: positive iff ``probability >= threshold``, one threshold
  or one per label; logits through a sigmoid only with ``from_logits=True``).

This module adapts multilabel grids to the shared stages; it holds no rule of its own. The
eager checks here raise at once (a whole input is at hand); the streaming shell flags bad
samples on the device instead (:func:`invalid_target_rows`, :func:`invalid_prediction_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from confmat._internal.core import checks as v
from confmat._internal.core import codes, limits, missing
from confmat.exceptions import ClassesError, LabelError, OptionError, ScoreError, ShapeError


def as_grid(values: object, name: str) -> torch.Tensor:
    """A user container as an ``(N, L)`` tensor of numbers or bools (no strings, L >= 1).

    A missing cell (None, NaN in a list of objects, pandas NA) is refused naming its sample
    and label; to leave cells out, mark them with ``ignore_index``.

    Examples:
        >>> as_grid([[0, 1], [1, 1]], "y_true").shape
        torch.Size([2, 2])
    """
    array = v.as_array(values, name)
    if isinstance(array, np.ndarray) and array.dtype.kind == "O" and array.ndim == 2:
        _refuse_missing(array, name)
    grid = v.finish_values(array, name)
    if v.is_strings(grid):
        raise ShapeError(
            f"{name} must hold 0/1 label indicators or scores, got strings (write each label "
            "as a column of 0/1, or read a JSON list column with the command line)",
            argument=name,
        )
    assert isinstance(grid, torch.Tensor)
    if grid.ndim != 2 or grid.shape[1] == 0:
        raise ShapeError(
            f"{name} must have shape (N, L) with one column per label, got shape "
            f"{tuple(grid.shape)}",
            argument=name,
        )
    return grid


def _refuse_missing(cells: np.ndarray, name: str) -> None:
    """A LabelError naming the first missing (sample, label) cell of an object grid, if any."""
    rows = missing.missing_rows(cells, labels=True)
    if rows is None or not bool(rows.any()):
        return
    row = int(np.flatnonzero(rows)[0])
    in_row = missing.missing_rows(cells[row], labels=True)
    assert in_row is not None
    col = int(np.flatnonzero(in_row)[0])
    fix = "mark the cells to leave out with ignore_index" if name == "y_true" else "fill them in"
    raise LabelError(
        f"{name} has a missing value ({cells[row, col]!r}) in sample {row}, label {col}: every "
        f"cell must be 0/1 or a score; {fix}",
        argument=name,
        index=row,
    )


def check_pair(y_true: torch.Tensor, y_pred: torch.Tensor) -> None:
    """Targets and predictions must have one shape ``(N, L)`` and live on one device."""
    v.check_same_device(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ShapeError(
            f"y_true and y_pred must have the same shape (N, L), got {tuple(y_true.shape)} and "
            f"{tuple(y_pred.shape)}",
            argument="y_true",
        )


def label_names(classes: Sequence[Any] | None, num_classes: int | None, width: int) -> list[str]:
    """The names of ``width`` label columns: ``classes``, one per column, in column order.

    Multilabel inputs are indicator columns, not labels: there is no label value to look up,
    so ``classes`` names the columns by position (numbers too, ``["401", "250"]``); their text
    is the one of :func:`core.checks.class_names`.

    Raises:
        ClassesError: ``num_classes`` or the number of classes is not ``width``, or names repeat.

    Examples:
        >>> label_names(None, None, 2), label_names(["b", "a"], 2, 2), label_names([2.0, 0], 2, 2)
        (['0', '1'], ['b', 'a'], ['2', '0'])
    """
    size = v.check_num_classes(num_classes)
    if size is not None and size != width:
        raise ClassesError(
            f"num_classes={size}, but the data has {width} columns (one per label)",
            argument="num_classes",
            value=size,
        )
    if classes is None:
        return [str(i) for i in range(width)]
    return v.check_class_names(classes, width)


def check_ignore_index(ignore_index: object) -> int | None:
    """``ignore_index`` of multilabel indicators: an int64 label value that is not 0 or 1.

    The check of :func:`core.limits.check_ignore_index` (a whole number, never a bool), and
    refused when it would ignore a real indicator (0 or 1).

    Examples:
        >>> check_ignore_index(-100), check_ignore_index(None)
        (-100, None)
    """
    value = limits.check_ignore_index(ignore_index, strings=False)
    if value in (0, 1):
        raise OptionError(
            f"ignore_index must differ from the indicators 0 and 1, got {ignore_index!r}: the "
            "cells it marks would be true or false labels (-1 or -100 are usual)",
            argument="ignore_index",
            value=ignore_index,
        )
    assert not isinstance(value, str)
    return value


def ignored_cells(grid: torch.Tensor, ignore_index: int | None) -> torch.Tensor | None:
    """The (sample, label) cells ``(N, L)`` whose true indicator is ``ignore_index`` (or None).

    Bools hold no such cell; neither do unsigned integers for a negative ``ignore_index``.

    Examples:
        >>> ignored_cells(torch.tensor([[1, -1], [0, 1]]), -1).tolist()
        [[False, True], [False, False]]
    """
    if ignore_index is None or grid.dtype == torch.bool:
        return None
    if not grid.is_floating_point() and not _fits(ignore_index, grid.dtype):
        return torch.zeros(grid.shape, dtype=torch.bool, device=grid.device)
    return grid == ignore_index


def _fits(value: int, dtype: torch.dtype) -> bool:
    """Whether ``value`` is in the range of an integer dtype (else no cell can equal it)."""
    info = torch.iinfo(dtype)
    return info.min <= value <= info.max


def check_indicators(
    grid: torch.Tensor, name: str, ignored: torch.Tensor | None = None
) -> torch.Tensor:
    """Label indicators ``(N, L)`` must be 0 or 1 (bools, integers or whole floats); as bool.

    Cells marked in ``ignored`` may hold anything (they are left out) and are False.

    Examples:
        >>> check_indicators(torch.tensor([[0, 1]]), "y_true").tolist()
        [[False, True]]
        >>> check_indicators(torch.tensor([[-1, 1]]), "y_true", torch.tensor([[True, False]]))
        tensor([[False,  True]])
    """
    if grid.dtype == torch.bool:
        return grid if ignored is None else grid & ~ignored
    bad = (grid != 0) & (grid != 1)
    if ignored is not None:
        bad &= ~ignored
    if bool(bad.any()):
        row, col = (int(i) for i in bad.nonzero()[0])
        hint = " (pass scores as y_pred, not as y_true)" if name == "y_true" else ""
        raise LabelError(
            f"{name} must hold 0/1 label indicators, got {grid[row, col].item()!r} in sample "
            f"{row}, label {col}{hint}",
            argument=name,
            value=grid[row, col].item(),
            index=row,
        )
    truth = grid != 0
    return truth if ignored is None else truth & ~ignored


def predictions(
    grid: torch.Tensor,
    threshold: float | torch.Tensor,
    from_logits: bool,
    ignored: torch.Tensor | None = None,
) -> torch.Tensor:
    """Checked boolean predictions ``(N, L)`` from 0/1 decisions or scores (raises at once).

    The predictions of ``ignored`` cells are neither checked nor counted (they are False).

    Examples:
        >>> predictions(torch.tensor([[0.1, 0.9]]), 0.5, False).tolist()
        [[False, True]]
    """
    if not grid.is_floating_point():
        if from_logits:
            raise ScoreError("from_logits=True needs float scores as y_pred, got integer labels")
        return check_indicators(grid, "y_pred", ignored)
    if ignored is not None:  # an ignored cell's score may be anything: 0 is valid either way
        grid = grid.masked_fill(ignored, 0.0)
    v.check_finite_scores(grid, "y_pred")
    if not from_logits:
        v.check_probabilities(grid, "y_pred")
    decided = codes.label_decisions(grid, threshold, from_logits)
    return decided if ignored is None else decided & ~ignored


def decisions(
    grid: torch.Tensor,
    threshold: float | torch.Tensor,
    from_logits: bool,
    out: torch.Tensor | None = None,
) -> torch.Tensor:
    """Boolean ``(N, L)`` decisions of unchecked predictions: non-zero, or the score rule.

    Examples:
        >>> decisions(torch.tensor([[0, 2]]), 0.5, False).tolist()
        [[False, True]]
    """
    if not grid.is_floating_point():
        return grid != 0 if out is None else torch.ne(grid, 0, out=out)
    return codes.label_decisions(grid, threshold, from_logits, out)


def invalid_target_rows(grid: torch.Tensor, ignore_index: int | None) -> torch.Tensor:
    """Which samples ``(N,)`` hold a target other than 0/1 (or ``ignore_index``), on the device.

    Examples:
        >>> invalid_target_rows(torch.tensor([[0, 2], [1, 0], [-1, 1]]), -1).tolist()
        [True, False, False]
    """
    if grid.dtype == torch.bool:
        return torch.zeros(grid.shape[0], dtype=torch.bool, device=grid.device)
    ignored = ignored_cells(grid, ignore_index)
    if ignored is not None:
        bad = (grid != 0) & (grid != 1) & ~ignored
        return bad.sum(dim=1) > 0
    if not grid.is_floating_point():  # integers: row extremes in [0, 1], one fused reduction
        low, high = grid.aminmax(dim=1)
        return (low < 0) | (high > 1)
    # 0/1 equal their own truth value, nothing else does; a row sum beats any(dim=1) on the CPU
    return (grid != (grid != 0)).sum(dim=1) > 0


def invalid_prediction_rows(
    grid: torch.Tensor, from_logits: bool, ignored: torch.Tensor | None = None
) -> torch.Tensor:
    """Which samples ``(N,)`` hold a bad prediction, on the device without reading it.

    Integer predictions must be 0/1; scores valid for :func:`core.codes.invalid_label_scores`.
    The predictions of ``ignored`` cells are not checked.

    Examples:
        >>> invalid_prediction_rows(torch.tensor([[0.5, 1.5]]), False).tolist()
        [True]
    """
    if grid.dtype == torch.bool:
        return torch.zeros(grid.shape[0], dtype=torch.bool, device=grid.device)
    if ignored is not None:
        grid = grid.masked_fill(ignored, 0)
    if not grid.is_floating_point():
        low, high = grid.aminmax(dim=1)
        return (low < 0) | (high > 1)
    return codes.invalid_label_scores(grid, from_logits)
