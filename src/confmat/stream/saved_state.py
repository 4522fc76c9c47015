"""What an Accumulator saves to resume: counts, class space, options and samples seen.

Tensors and plain Python values only, so ``torch.save`` / ``torch.load(..., weights_only=True)``
keep it. The counts are the Accumulator's whole grid (C[i, j] = samples of true class i predicted
as class j, plus the extra cells of refused samples, see :mod:`confmat.stream.deferred`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch

from confmat.core.codes import ClassSpace
from confmat.exceptions import OptionError
from confmat.stream import deferred

VERSION = 1
"""The version of the saved state; bumped when its keys change."""


@dataclass(frozen=True)
class Options:
    """An Accumulator's options, checked once (see :class:`confmat.Accumulator`)."""

    threshold: float = 0.5
    positive: object = None
    from_logits: bool = False
    ignore_index: int | str | None = None
    validate: bool = True
    max_samples: int | None = None


def make(
    grid: torch.Tensor | None, space: ClassSpace | None, seen: int, options: Options
) -> dict[str, Any]:
    """The saved state of an accumulator.

    Examples:
        >>> make(None, ClassSpace(("a", "b")), 0, Options())["classes"]
        ['a', 'b']
    """
    return {
        "version": VERSION,
        "grid": None if grid is None else grid.detach().clone(),
        "classes": None if space is None else list(space.names),
        "class_values": None if space is None or space.values is None else list(space.values),
        "samples_seen": seen,
        "config": asdict(options),
    }


def read(state: object) -> tuple[Any, Any, dict[str, Any], Any, int]:
    """``(names, values, config, grid, samples_seen)`` of a saved state, else an OptionError.

    Examples:
        >>> read({"version": 2})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: state must be a dict made by Accumulator.state_dict()
    """
    if not isinstance(state, dict) or state.get("version") != VERSION:
        raise OptionError("state must be a dict made by Accumulator.state_dict()")
    try:
        names, values, config = state["classes"], state["class_values"], state["config"]
        grid, seen = state["grid"], int(state["samples_seen"])
    except (KeyError, TypeError, ValueError) as error:
        raise OptionError(f"state lacks {error} (it was not made by state_dict())") from None
    return names, values, config, grid, seen


def check_grid(grid: object, space: ClassSpace | None) -> None:
    """Saved counts must be a tensor of the grid's shape for the saved classes."""
    if space is None or not isinstance(grid, torch.Tensor):
        raise OptionError("state holds counts but no classes")
    size = space.size + deferred.EXTRA
    if tuple(grid.shape) != (size, size):
        raise OptionError(f"state counts have shape {tuple(grid.shape)}, expected {size}")
