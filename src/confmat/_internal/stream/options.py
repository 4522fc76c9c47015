"""The Accumulator's constructor options, checked once.

The options are kept in plain Python types, so that its saved state (:mod:`stream.saved_state`)
keeps them under ``torch.load(..., weights_only=True)``. They mean what the same options mean
everywhere (``threshold`` and ``score_of`` describe one score column, ``positive`` only names
the binary block).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from confmat._internal.core import checks as v
from confmat._internal.core import limits
from confmat._internal.core import sparse as store
from confmat._internal.core.types import ZeroDivision
from confmat._internal.stream import batch_checks


@dataclass(frozen=True)
class Options:
    """An Accumulator's options, checked once (see :class:`confmat.Accumulator`)."""

    threshold: float | None = None
    score_of: object = None
    positive: object = None
    from_logits: bool = False
    ignore_index: int | str | None = None
    zero_division: ZeroDivision = "nan"
    validate: bool = True
    max_samples: int | None = None
    sparse: bool | None = None


def check_options(
    *,
    threshold: object = None,
    score_of: object = None,
    positive: object = None,
    from_logits: object = False,
    ignore_index: object = None,
    zero_division: object = "nan",
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
    return Options(
        threshold=None if threshold is None else v.check_threshold(threshold),  # type: ignore[arg-type]
        score_of=_plain(score_of),
        positive=_plain(positive),
        from_logits=bool(from_logits),
        ignore_index=limits.check_ignore_index(ignore_index, isinstance(ignore_index, str)),
        zero_division=v.check_zero_division(zero_division),  # type: ignore[arg-type]
        validate=bool(validate),
        max_samples=batch_checks.check_max_samples(max_samples),  # type: ignore[arg-type]
        sparse=None if sparse is None else store.use_sparse(0, sparse),  # type: ignore[arg-type]
    )


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (``np.str_("yes")`` -> ``"yes"``)."""
    return value.item() if isinstance(value, np.generic) else value
