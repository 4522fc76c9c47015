"""What an Accumulator saves to resume: counts, class space, options and samples seen.

Tensors and plain Python values only, so ``torch.save`` / ``torch.load(..., weights_only=True)``
keep it. The counts are the Accumulator's whole grid (C[i, j] = samples of true class i predicted
as class j, plus the extra cells of refused samples, see :mod:`stream.deferred`), as its store
saves them (:meth:`stream.grid.CountGrid.saved`): a dense tensor under ``"grid"``, or for the
sparse store its sorted cell codes and their counts under ``"codes"`` and ``"counts"``; the
other keys hold None. Saved counts load into a store of their kind, which adds them into the
Accumulator's store of either kind. The options are those of
:mod:`stream.options`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import torch

from confmat._internal.core import checks as v
from confmat._internal.core.codes import ClassSpace
from confmat._internal.stream import deferred
from confmat._internal.stream.dense_grid import DenseGrid
from confmat._internal.stream.grid import CountGrid
from confmat._internal.stream.options import Options, check_options
from confmat._internal.stream.sparse_grid import SparseGrid
from confmat.exceptions import MergeError, OptionError

VERSION = 3
"""The version of the saved state; bumped when its keys change (1: no sparse store; 2: no
``score_of`` and ``zero_division``, and ``positive`` named the class binary scores describe)."""

COUNTS = ("grid", "codes", "counts")
"""The keys of the saved counts: a store fills its own (see :meth:`CountGrid.saved`)."""


def check_same_classes(
    mine: Sequence[str],
    theirs: Sequence[str],
    what: str = "can only merge accumulators of the same classes",
) -> None:
    """Raise MergeError unless the other class names are this accumulator's."""
    if list(mine) != list(theirs):
        raise MergeError(f"{what}, got {list(mine[:5])} and {list(theirs[:5])}")


def make(
    grid: CountGrid | None, space: ClassSpace | None, seen: int, options: Options
) -> dict[str, Any]:
    """The saved state of an accumulator.

    Examples:
        >>> state = make(None, ClassSpace(("a", "b")), 0, Options())
        >>> state["classes"], [state[key] for key in COUNTS]
        (['a', 'b'], [None, None, None])
    """
    return {
        "version": VERSION,
        **dict.fromkeys(COUNTS),
        **({} if grid is None else grid.saved()),
        "classes": None if space is None else list(space.names),
        "class_values": None if space is None or space.values is None else list(space.values),
        "samples_seen": seen,
        "config": asdict(options),
    }


def read(
    state: object,
) -> tuple[list[str] | None, list[int] | None, Options, dict[str, Any] | None, int]:
    """``(names, values, options, counts, samples_seen)`` of a saved state, else an OptionError.

    The counts are those of :data:`COUNTS` that the state holds (``{"grid": ...}`` or
    ``{"codes": ..., "counts": ...}``, unchecked: see :func:`check_counts`), or None.

    Examples:
        >>> read({"version": 0})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: state must be a dict made by Accumulator.state_dict()
    """
    if not isinstance(state, dict) or state.get("version") not in (1, 2, VERSION):
        raise OptionError("state must be a dict made by Accumulator.state_dict()", argument="state")
    try:
        names, values, config = state["classes"], state["class_values"], state["config"]
        grid, seen = state["grid"], state["samples_seen"]
        saved = check_options(**(config if state["version"] == VERSION else _older(config)))
        counts = None if grid is None else {"grid": grid}
        if state["version"] > 1 and state["codes"] is not None:
            if grid is not None:
                raise OptionError(
                    "state holds both a dense grid and sparse codes", argument="state"
                )
            counts = {"codes": state["codes"], "counts": state["counts"]}
    except (KeyError, TypeError) as error:
        raise OptionError(f"state lacks {error} (it was not made by state_dict())") from None
    if isinstance(seen, bool) or not isinstance(seen, int) or seen < 0:
        raise OptionError(f"state's samples_seen must be a non-negative integer, got {seen!r}")
    if names is not None:
        names = v.check_class_names(names)
        if values is not None and v.class_values(names) != tuple(values):
            raise OptionError(
                f"state's class_values {list(values)[:5]} contradict its classes {names[:5]}"
            )
    return names, values, saved, counts, seen


def check_counts(saved: dict[str, Any], space: ClassSpace | None) -> CountGrid:
    """Saved counts (of :func:`read`) must fit the saved classes; returns them as their store.

    A dense ``"grid"``: an int64 or float64 ``(C + EXTRA, C + EXTRA)`` tensor, finite, >= 0.
    Sparse ``"codes"`` and ``"counts"``: 1-d int64 codes, sorted, unique and below
    ``(C + EXTRA)^2``, and as many int64 or float64 counts, finite, >= 0.

    Examples:
        >>> check_counts({"grid": torch.zeros(6, 6, dtype=torch.bool)}, ClassSpace(("a", "b")))
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: state counts must be int64 or float64, got torch.bool
        >>> check_counts(
        ...     {"codes": torch.tensor([3, 1]), "counts": torch.tensor([1, 1])},
        ...     ClassSpace(("a", "b")),
        ... )
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: state codes must be sorted and unique
    """
    if space is None:
        raise OptionError("state holds counts but no classes", argument="state")
    side = space.size + deferred.EXTRA
    if "grid" in saved:
        return DenseGrid(_checked_grid(saved["grid"], side))
    codes, counts = _checked_cells(saved["codes"], saved["counts"], side)
    return SparseGrid.of(space.size, codes, counts)


_NOT_TENSORS = "state counts must be a tensor, or tensors of sparse codes and counts"


def _checked_grid(grid: object, side: int) -> torch.Tensor:
    if not isinstance(grid, torch.Tensor):
        raise OptionError(_NOT_TENSORS)
    if tuple(grid.shape) != (side, side):
        raise OptionError(f"state counts have shape {tuple(grid.shape)}, expected {side}")
    _check_values(grid)
    return grid


def _checked_cells(codes: object, counts: object, side: int) -> tuple[torch.Tensor, torch.Tensor]:
    if not (isinstance(codes, torch.Tensor) and isinstance(counts, torch.Tensor)):
        raise OptionError(_NOT_TENSORS)
    if codes.dtype != torch.int64 or codes.ndim != 1 or counts.shape != codes.shape:
        raise OptionError(
            f"state codes must be 1-d int64 with as many counts, got {codes.dtype} codes of "
            f"shape {tuple(codes.shape)} and counts of shape {tuple(counts.shape)}"
        )
    if not bool((codes[1:] > codes[:-1]).all()):
        raise OptionError("state codes must be sorted and unique")
    if codes.numel() and not (int(codes[0]) >= 0 and int(codes[-1]) < side * side):
        classes = side - deferred.EXTRA
        raise OptionError(f"state codes must lie in [0, {side * side}) for {classes} classes")
    _check_values(counts)
    return codes, counts


def _check_values(counts: torch.Tensor) -> None:
    if counts.dtype not in (torch.int64, torch.float64):
        raise OptionError(f"state counts must be int64 or float64, got {counts.dtype}")
    if not bool((counts >= 0).all()):  # also False for NaN
        raise OptionError("state counts must be finite and non-negative")
    if counts.is_floating_point() and not bool(torch.isfinite(counts).all()):
        raise OptionError("state counts must be finite and non-negative")


def _older(config: dict[str, Any]) -> dict[str, Any]:
    """The options of a state saved before version 3, as they counted then.

    ``positive`` named the class binary scores describe (it is ``score_of`` now, and still
    names the binary block), and the threshold was always given (0.5 meant the default).

    Examples:
        >>> _older({"threshold": 0.5, "positive": "sick"})
        {'threshold': None, 'positive': 'sick', 'score_of': 'sick'}
    """
    older = dict(config)
    if older.get("threshold") == 0.5:
        older["threshold"] = None
    older.setdefault("score_of", older.get("positive"))
    return older
