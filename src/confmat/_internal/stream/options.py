"""The Accumulator's constructor options, checked once, and the positive class they name.

The options are kept in plain Python types, so that its saved state (:mod:`stream.saved_state`)
keeps them under ``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from confmat._internal.core import checks as v
from confmat._internal.core import limits
from confmat._internal.core import sparse as store
from confmat._internal.core.codes import ClassSpace
from confmat._internal.core.encode import resolve_positive
from confmat._internal.stream import batch_checks


@dataclass(frozen=True)
class Options:
    """An Accumulator's options, checked once (see :class:`confmat.Accumulator`)."""

    threshold: float = 0.5
    positive: object = None
    from_logits: bool = False
    ignore_index: int | str | None = None
    validate: bool = True
    max_samples: int | None = None
    sparse: bool | None = None


def check_options(
    *,
    threshold: object = 0.5,
    positive: object = None,
    from_logits: object = False,
    ignore_index: object = None,
    validate: object = True,
    max_samples: object = None,
    sparse: object = None,
) -> Options:
    """Checked options in plain Python types (so that ``weights_only`` loading keeps them).

    Examples:
        >>> import numpy as np
        >>> check_options(positive=np.str_("yes"), ignore_index=np.int64(-1)).positive
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
        sparse=None if sparse is None else store.use_sparse(0, sparse),  # type: ignore[arg-type]
    )


def positive_index(positive: object, space: ClassSpace) -> int:
    """The index of the positive class of binary scores in ``space`` (default: the second)."""
    index = resolve_positive(positive, list(space.names))
    return 1 if index is None else index
