"""Sizes and ranges confmat can hold: int64 values, the dense matrix, total counts.

``DENSE_CLASS_LIMIT`` is the one place that bounds the number of classes of a dense ``(C, C)``
count grid (an Accumulator asked for one with ``sparse=False``): its class spaces, given or
inferred, are checked against it, so that a large class count is a clear error instead of an
allocation of terabytes. Matrices and Accumulators are stored sparse above
``core.sparse.DENSE_MAX_CLASSES`` classes by default and have no such limit.
"""

from __future__ import annotations

import numpy as np
import torch

from confmat.exceptions import ClassesError, MatrixError, OptionError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

DENSE_CLASS_LIMIT = 16_384
"""Most classes counted in a dense ``(C, C)`` matrix: 16384² int64 cells take 2 GiB."""


def check_dense_classes(size: int, what: str = "classes") -> int:
    """``size`` classes must fit a dense matrix (at most ``DENSE_CLASS_LIMIT``).

    Examples:
        >>> check_dense_classes(10)
        10
    """
    if size > DENSE_CLASS_LIMIT:
        gib = size * size * 8 / 2**30
        raise ClassesError(
            f"{what}: {size} classes need a dense {size} x {size} matrix ({gib:,.0f} GiB of "
            f"int64 counts); it holds at most {DENSE_CLASS_LIMIT} classes "
            "(confmat.DENSE_CLASS_LIMIT). Leave sparse=None (the size rule) or "
            "pass sparse=True to count many classes sparse"
        )
    return size


def fits_int64(value: int) -> bool:
    """Whether a Python integer is an int64."""
    return INT64_MIN <= value <= INT64_MAX


def check_class_values(values: tuple[int, ...]) -> tuple[int, ...]:
    """Integer class values must be int64 (labels are compared as int64).

    Examples:
        >>> check_class_values((3, -1))
        (3, -1)
    """
    for value in values:
        if not fits_int64(value):
            raise ClassesError(
                "classes must be integers within int64 (labels are counted as int64: the "
                f"int64 range [{INT64_MIN}, {INT64_MAX}]), got {value}",
                argument="classes",
            )
    return values


def check_ignore_index(ignore_index: object, strings: bool) -> int | str | None:
    """``ignore_index``: a label value, never a bool; an int64 for numeric labels.

    Returns it as an ``int`` for numeric labels (whole floats included), as a ``str`` for
    string labels.

    Examples:
        >>> check_ignore_index(-100, strings=False), check_ignore_index("?", strings=True)
        (-100, '?')
    """
    if ignore_index is None:
        return None
    if isinstance(ignore_index, (bool, np.bool_)):
        raise OptionError(
            "ignore_index must be a whole number within int64 (a label) or a class name, got "
            f"the bool {ignore_index!r}, which would drop the label {int(ignore_index)}: pass "
            "the label itself",
            argument="ignore_index",
        )
    if strings:
        return str(ignore_index)
    if isinstance(ignore_index, str):
        raise OptionError(
            f"ignore_index must be a number for numeric labels, got {ignore_index!r}",
            argument="ignore_index",
        )
    whole = isinstance(ignore_index, (int, np.integer)) or (
        isinstance(ignore_index, (float, np.floating)) and float(ignore_index).is_integer()
    )
    value: int | None = int(ignore_index) if whole else None  # type: ignore[call-overload]
    if value is None or not fits_int64(value):
        raise OptionError(
            "ignore_index must be a whole number within int64 for numeric labels, got "
            f"{ignore_index!r}",
            argument="ignore_index",
        )
    return value


def check_total(counts: torch.Tensor) -> None:
    """The total of int64 counts must itself be an int64 (else every sum would wrap around).

    Summed exactly as two int64 halves of 32 bits each, which cannot overflow.
    """
    if counts.is_floating_point():
        if not bool(torch.isfinite(counts.sum())):
            raise MatrixError(
                "counts must have a finite total, got one that overflows float64", argument="counts"
            )
        return
    high = int((counts >> 32).sum())
    low = int((counts & 0xFFFFFFFF).sum())
    total = (high << 32) + low
    if total > INT64_MAX:
        raise MatrixError(
            f"counts must add up to at most {INT64_MAX} (int64), got a total of {total}",
            argument="counts",
        )
