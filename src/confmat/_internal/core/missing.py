"""Missing labels: the one rule, for files and the Python API alike.

An entry is missing when it is ``None``, NaN, or pandas' ``NA`` / ``NaT`` (what pandas'
``string``, ``boolean`` and nullable integer dtypes hold). The file readers of
:mod:`io.reading` turn empty cells and CSV null markers (``NA``, ``nan``, ``null``, ...) into
``None``, so files follow this rule too. In a float column of *labels* NaN is missing; in a
float column of *scores* NaN is an invalid score (a model that produced NaN), not a missing row.

Rows with a missing true label or prediction are an error naming the first one, unless the
caller asks to drop them (``dropna=True``, ``--dropna``); the caller then says how many went.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from confmat.exceptions import LabelError

Array = torch.Tensor | np.ndarray


class Column(NamedTuple):
    """One input column: its name, its values and whether NaN in it means "missing"."""

    name: str
    values: Array
    labels: bool


class Present(NamedTuple):
    """The columns without their missing rows, which rows were kept, how many were dropped."""

    values: list[Array]
    keep: np.ndarray | None
    dropped: int


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(value != value)
    pandas = sys.modules.get("pandas")  # NA and NaT exist only once pandas is imported
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)


_missing_objects = np.frompyfunc(_is_missing, 1, 1)


def missing_rows(values: Array, labels: bool) -> np.ndarray | torch.Tensor | None:
    """Which rows ``(N,)`` hold a missing entry; None when no entry of this kind can be missing.

    Examples:
        >>> missing_rows(np.array(["a", None], dtype=object), labels=True).tolist()
        [False, True]
        >>> missing_rows(torch.tensor([0.5, float("nan")]), labels=False) is None
        True
    """
    mask: np.ndarray | torch.Tensor
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "O":
            mask = np.asarray(_missing_objects(values), dtype=bool)
        elif labels and values.dtype.kind == "f":
            mask = np.isnan(values)
        else:
            return None
    elif labels and values.is_floating_point():
        mask = torch.isnan(values)
    else:
        return None
    return mask.reshape(mask.shape[0], -1).any(1) if mask.ndim > 1 else mask  # type: ignore[return-value]


def drop_missing(
    columns: Sequence[Column],
    dropna: bool,
    *,
    first_row: int = 0,
    row_word: str = "index",
    fix: str = "pass dropna=True to leave such rows out",
) -> Present:
    """The columns without the rows where any of them is missing (all of equal length).

    Args:
        columns: the columns of one table, each ``(N,)`` or ``(N, C)``.
        dropna: drop those rows; else raise a LabelError naming the first one.
        first_row: the number of the first row in the message (0 for indices, 1 for files).
        row_word: how a row is called in the message ("index", "data row").
        fix: how to drop them, said in the error.

    Examples:
        >>> kept = drop_missing([Column("y", np.array([1, None, 2], dtype=object), True)], True)
        >>> kept.values[0].tolist(), kept.dropped
        ([1, 2], 1)
    """
    masks = [(c, missing_rows(c.values, c.labels)) for c in columns]
    found = [(c, _as_numpy(m)) for c, m in masks if m is not None and bool(m.any())]
    if not found:
        return Present([c.values for c in columns], None, 0)
    missing = np.logical_or.reduce([m for _, m in found])
    if not dropna:
        row = int(np.flatnonzero(missing)[0])
        column = next(c for c, m in found if m[row])
        value = column.values[row]
        shown = "NaN" if isinstance(value, torch.Tensor) else repr(value)
        raise LabelError(
            f"{column.name} has a missing value ({shown}) at {row_word} {row + first_row}; {fix}",
            argument=column.name,
            index=row if first_row == 0 else None,
            row=row + first_row if first_row else None,
        )
    keep = ~missing
    kept = [_take(c.values, keep) for c in columns]
    return Present(kept, keep, int(missing.sum()))


def _as_numpy(mask: np.ndarray | torch.Tensor) -> np.ndarray:
    return mask.cpu().numpy() if isinstance(mask, torch.Tensor) else mask


def _take(values: Array, keep: np.ndarray) -> Array:
    if isinstance(values, np.ndarray):
        taken: np.ndarray = values[keep]
        return taken
    return values[torch.from_numpy(keep).to(values.device)]
