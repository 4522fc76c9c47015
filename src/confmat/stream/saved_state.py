"""What an Accumulator saves to resume: counts, class space, options and samples seen.

Tensors and plain Python values only, so ``torch.save`` / ``torch.load(..., weights_only=True)``
keep it. The counts are the Accumulator's whole grid (C[i, j] = samples of true class i predicted
as class j, plus the extra cells of refused samples, see :mod:`confmat.stream.deferred`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch

from confmat.core import checks as v
from confmat.core import limits
from confmat.core.codes import ClassSpace
from confmat.core.encode import resolve_positive
from confmat.exceptions import OptionError
from confmat.stream import batch_checks, deferred

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


def options(
    *,
    threshold: object = 0.5,
    positive: object = None,
    from_logits: object = False,
    ignore_index: object = None,
    validate: object = True,
    max_samples: object = None,
) -> Options:
    """Checked options in plain Python types (so that ``weights_only`` loading keeps them).

    Examples:
        >>> import numpy as np
        >>> options(positive=np.str_("yes"), ignore_index=np.int64(-1)).positive
        'yes'
    """
    if isinstance(positive, np.generic):
        positive = positive.item()
    return Options(
        threshold=v.check_threshold(threshold),  # type: ignore[arg-type]
        positive=positive,
        from_logits=bool(from_logits),
        ignore_index=limits.check_ignore_index(ignore_index, isinstance(ignore_index, str)),
        validate=bool(validate),
        max_samples=batch_checks.check_max_samples(max_samples),  # type: ignore[arg-type]
    )


def positive_index(positive: object, space: ClassSpace) -> int:
    """The index of the positive class of binary scores in ``space`` (default: the second)."""
    index = resolve_positive(positive, list(space.names))
    return 1 if index is None else index


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


def read(state: object) -> tuple[list[str] | None, list[int] | None, Options, Any, int]:
    """``(names, values, options, grid, samples_seen)`` of a saved state, else an OptionError.

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
        grid, seen = state["grid"], state["samples_seen"]
        saved = options(**config)
    except (KeyError, TypeError) as error:
        raise OptionError(f"state lacks {error} (it was not made by state_dict())") from None
    if isinstance(seen, bool) or not isinstance(seen, int) or seen < 0:
        raise OptionError(f"state's samples_seen must be a non-negative integer, got {seen!r}")
    if names is not None:
        names = v.check_class_names(names)
        if values is not None and [str(value) for value in values] != names:
            raise OptionError(
                f"state's class_values {list(values)[:5]} contradict its classes {names[:5]}"
            )
    return names, values, saved, grid, seen


def check_grid(grid: object, space: ClassSpace | None) -> None:
    """Saved counts: an int64 or float64 tensor of the saved classes' grid, finite, >= 0.

    Examples:
        >>> check_grid(torch.zeros(6, 6, dtype=torch.bool), ClassSpace(("a", "b")))
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: state counts must be int64 or float64, got torch.bool
    """
    if space is None or not isinstance(grid, torch.Tensor):
        raise OptionError("state holds counts but no classes")
    size = space.size + deferred.EXTRA
    if tuple(grid.shape) != (size, size):
        raise OptionError(f"state counts have shape {tuple(grid.shape)}, expected {size}")
    if grid.dtype not in (torch.int64, torch.float64):
        raise OptionError(f"state counts must be int64 or float64, got {grid.dtype}")
    if not bool((grid >= 0).all()):  # also False for NaN
        raise OptionError("state counts must be finite and non-negative")
    if grid.is_floating_point() and not bool(torch.isfinite(grid).all()):
        raise OptionError("state counts must be finite and non-negative")
