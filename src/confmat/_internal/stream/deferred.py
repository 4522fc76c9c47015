"""Deferred checks of the Accumulator: extra rows and columns of its grid count bad samples.

A streaming accumulator counts into a grid of ``(C + EXTRA) x (C + EXTRA)`` cells. Rows and
columns ``0..C-1`` are the classes: C[i, j] counts samples of true class i predicted as j. The
extra rows and columns collect the samples that fail a *deferred* value check, so that checking
needs no host-device synchronization; :func:`problems` reads them once, when the result is asked
for. Row (true side) codes:

========  ==============================================================================
``C``     label too large, unknown, or not a whole number
``C+1``   ignored (true label equals ``ignore_index``): dropped without complaint
``C+2``   invalid sample weight (negative, NaN or infinite)
``-1``    negative label (negative indices wrap around to the last row, ``C+3``)
========  ==============================================================================

Column (predicted side) codes: ``C`` and ``-1`` as above for labels, ``C+1`` for invalid
scores (NaN, infinite, or outside [0, 1] for binary probabilities). Column ``C+2`` is never a
sample's code: with ``from_logits=True``, its cells ``[0, C+2]`` and ``[1, C+2]`` count the
binary logits and those in [0, 1], so that ``compute`` can warn when every "logit" looked like
a probability (:func:`tally_logits`); its cell ``[C+1, C+2]`` is non-zero once labels or scores
were counted by their position among the classes (:func:`mark_by_position`), which decides
whether ranks may be aligned by name. Like every cell, they merge, sum over ranks and are saved.

Either store of the grid (:class:`stream.grid.CountGrid`: the dense grid or the sparse store)
holds these cells; every function here takes either.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import torch

from confmat._internal.core import checks as v
from confmat._internal.core import codes, limits
from confmat._internal.core.codes import ClassSpace, LabelCoder
from confmat._internal.stream import batch_checks
from confmat._internal.stream.grid import CountGrid
from confmat.exceptions import (
    ClassesError,
    ConfmatError,
    FromLogitsWarning,
    LabelError,
    ScoreError,
    WeightError,
)

EXTRA = 4
"""Extra rows and columns of the grid beyond the C classes."""


def weighted_values(
    weight: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, size: int, validate: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """Float64 values to add and the rows to add them to, for weighted samples.

    Samples with an invalid weight go to row ``size + 2``; every sample routed to an extra
    row or column adds 1 (not its weight), so the extra cells count samples.

    Examples:
        >>> w, rows = torch.tensor([0.5, -1, 2]), torch.tensor([0, 1, 1])
        >>> cols = torch.tensor([0, 1, 4])
        >>> values, rows = weighted_values(w, rows, cols, 2, True)
        >>> values.tolist(), rows.tolist()
        ([0.5, 1.0, 1.0], [0, 4, 1])
    """
    weight = weight.to(torch.float64)
    if not validate:
        return weight, rows
    ok = (weight >= 0) & (weight < float("inf"))
    rows = torch.where(ok, rows, size + 2)
    counted = ok & (torch.minimum(rows, cols) >= 0) & (torch.maximum(rows, cols) < size)
    return torch.where(counted, weight, 1.0), rows


_PROBLEMS: dict[str, tuple[type[ConfmatError], str]] = {
    "y_true": (LabelError, "y_true label(s) out of range, unknown or not whole numbers"),
    "y_pred": (LabelError, "y_pred label(s) out of range, unknown or not whole numbers"),
    "scores": (ScoreError, "score row(s) with NaN or infinity (or probabilities outside [0, 1])"),
    "sample_weight": (WeightError, "sample weight(s) negative, NaN or infinite"),
}


def problems(grid: CountGrid) -> dict[str, int | float]:
    """How many samples each deferred check refused, read from the extra cells (one sync).

    Examples:
        >>> from confmat._internal.stream.dense_grid import DenseGrid
        >>> g = torch.zeros(2 + EXTRA, 2 + EXTRA, dtype=torch.int64)
        >>> g[2, 0] = 3; g[0, 3] = 1
        >>> problems(DenseGrid(g))
        {'y_true': 3, 'y_pred': 0, 'scores': 1, 'sample_weight': 0}
    """
    return dict(zip(_PROBLEMS, _read(grid), strict=False))


def _read(grid: CountGrid) -> list[int | float]:
    """The four problem counts, then the binary logits and those in [0, 1] (one sync)."""
    rows, cols, counts = grid.outside()
    size = grid.size

    def total(cells: torch.Tensor) -> torch.Tensor:
        return torch.where(cells, counts, 0).sum()

    true_rows = (rows <= size) | (rows == size + 3)  # the classes and the invalid true labels
    bad_true = total((rows == size) | (rows == size + 3))
    bad_pred = total(true_rows & ((cols == size) | (cols == size + 3)))
    bad_scores = total(true_rows & (cols == size + 1))
    bad_weight = total(rows == size + 2)
    logits = [total((rows == r) & (cols == size + 2)) for r in (0, 1)]
    values: list[int | float] = torch.stack(
        [bad_true, bad_pred, bad_scores, bad_weight, *logits]
    ).tolist()
    return values


def raise_problems(grid: CountGrid, names: Sequence[str]) -> None:
    """Raise one error naming every deferred problem and how many samples had it, if any.

    The error's type is that of the first problem (LabelError, ScoreError, WeightError).

    Examples:
        >>> from confmat._internal.stream.dense_grid import DenseGrid
        >>> g = torch.zeros(2 + EXTRA, 2 + EXTRA, dtype=torch.int64)
        >>> g[0, 3] = 2
        >>> raise_problems(DenseGrid(g), ["a", "b"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.ScoreError: invalid input seen by update: 2 score row(s) with NaN ...
    """
    *counts, logits, inside = _read(grid)
    bad = [(key, count) for key, count in zip(_PROBLEMS, counts, strict=True) if count]
    if not bad:
        if logits and inside == logits:
            _warn_logits(int(logits))
        return
    parts = "; ".join(f"{count:g} {_PROBLEMS[key][1]}" for key, count in bad)
    error_type = _PROBLEMS[bad[0][0]][0]
    raise error_type(f"invalid input seen by update: {parts} (classes: {list(names[:10])})")


def _warn_logits(n: int) -> None:
    warnings.warn(
        f"all {n} binary scores lie in [0, 1]: they look like probabilities, but this "
        "Accumulator reads them as logits (from_logits=True) and thresholds sigmoid(score), "
        "which lies in [0.5, 0.73] for them, so the matrix is wrong. Create it with "
        "from_logits=False for probabilities",
        FromLogitsWarning,
        stacklevel=4,
    )


def tally_logits(grid: CountGrid, logits: torch.Tensor) -> None:
    """Count binary logits, and those in [0, 1], into cells ``[0, 4]`` and ``[1, 4]`` (no sync).

    Column ``C+2`` (4 for two classes) is never a sample's code: its first two cells tell
    :func:`raise_problems` whether every logit looked like a probability.

    Examples:
        >>> from confmat._internal.stream.dense_grid import DenseGrid
        >>> grid = DenseGrid.zeros(2, None)
        >>> tally_logits(grid, torch.tensor([0.2, 3.0, 0.9]))
        >>> grid.cell(0, 4).item(), grid.cell(1, 4).item()
        (3, 2)
    """
    inside = (logits >= 0) & (logits <= 1)
    tally = torch.stack([torch.ones_like(inside).sum(), inside.sum()])
    grid.add_to_column(grid.size + 2, tally)


def by_position(true: v.Values, pred: v.Values, space: ClassSpace) -> bool:
    """Whether a batch is counted by position: scores, or numbers with classes that are names.

    Integer labels index the classes unless the classes are integer values; score columns are
    the classes in order. Only string labels (and integer class values) name their class.
    """
    numbers = not (v.is_strings(true) and v.is_strings(pred))
    return v.is_float(pred) or (numbers and space.values is None)


def mark_by_position(grid: CountGrid) -> None:
    """Mark the grid as counted by position: cell ``[C+1, C+2]``, which no sample reaches."""
    grid.mark(grid.size + 1, grid.size + 2)


def counted_by_position(grid: CountGrid) -> bool:
    """Whether :func:`mark_by_position` marked the grid (reads one cell: a sync)."""
    return bool(grid.cell(grid.size + 1, grid.size + 2) > 0)


def check_dense_space(space: ClassSpace | None, sparse: bool) -> None:
    """A dense grid's class space must fit ``DENSE_CLASS_LIMIT`` classes, else ``ClassesError``.

    The sparse store (``sparse=True``, or by the size rule) has no such limit.
    """
    if space is not None and not sparse:
        limits.check_dense_classes(space.size, "Accumulator(sparse=False)")


def infer_space(true: v.Values, pred: v.Values) -> ClassSpace:
    """The class space from the first batch of scores (labels cannot fix it)."""
    if v.is_float(pred) and pred.ndim == 2 and pred.shape[1] != 1:
        return ClassSpace(tuple(map(str, range(pred.shape[1]))))
    if v.is_float(pred):
        if v.is_strings(true):
            raise ClassesError(
                "y_true holds strings: pass classes=[negative, positive]", argument="y_true"
            )
        bools = isinstance(true, torch.Tensor) and true.dtype == torch.bool
        return ClassSpace(("False", "True") if bools else ("0", "1"))
    kind = "strings" if v.is_strings(true) or v.is_strings(pred) else "labels"
    raise ClassesError(
        f"an Accumulator fed {kind} needs its class space up front: pass classes=[...] "
        "(or num_classes= for integer labels); only scores can fix it"
    )


def batch_codes(
    coder: LabelCoder,
    grid: CountGrid,
    true: v.Values,
    pred: v.Values,
    *,
    threshold: float,
    scored: int,
    columns: torch.Tensor | None,
    from_logits: bool,
    ignore_index: object,
    validate: bool,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Row and column codes of one batch on the coder's device (no host sync).

    Scores follow the one rule of :func:`core.codes.score_labels`: ``(N, C)`` scores by
    argmax, column j being the class ``columns[j]`` (:func:`core.codes.column_classes`; None:
    class j); one score column is the score of class ``scored``. Invalid labels and scores get
    the extra codes of the grid; true labels equal to ``ignore_index`` get ``C+1``. Binary
    logits are tallied into ``grid`` (see :func:`tally_logits`).

    Examples:
        >>> from confmat._internal.stream.dense_grid import DenseGrid
        >>> coder = LabelCoder(ClassSpace(("a", "b")), torch.device("cpu"))
        >>> rows, cols = batch_codes(coder, DenseGrid.zeros(2, None), torch.tensor([0, 1, 5]),
        ...     torch.tensor([0.2, 0.9, 2.0]), threshold=0.5, scored=1, columns=None,
        ...     from_logits=False, ignore_index=None, validate=True)
        >>> rows.tolist(), cols.tolist()
        ([0, 1, 2], [0, 1, 3])
    """
    device = coder.device
    if isinstance(pred, torch.Tensor) and pred.is_floating_point():
        pred = pred.detach().to(device)
        if pred.ndim == 2 and pred.shape[1] != 1:
            batch_checks.check_score_width(pred.shape[1], coder.size)
            cols = codes.argmax_codes(pred, validate)
            if columns is not None:  # valid columns to their classes, invalid codes kept
                inside = cols < coder.size
                cols = torch.where(inside, columns[cols.clamp(max=coder.size - 1)], cols)
        else:
            batch_checks.check_binary_scores_fit(coder.size)
            cols = codes.binary_codes(pred.reshape(-1), threshold, scored, from_logits, validate)
            if from_logits and validate:
                tally_logits(grid, pred)
    else:
        cols = coder.codes(_to(pred, device), validate)
    true = _to(true, device)
    rows = coder.codes(true, validate)
    if ignore_index is None:
        return rows, cols
    if v.is_strings(true):
        ignored = torch.from_numpy(true == str(ignore_index)).to(rows.device)
    else:
        ignored = torch.as_tensor(true == ignore_index)
    return rows.masked_fill(ignored, coder.size + 1), cols


def _to(values: v.Values, device: torch.device) -> v.Values:
    if v.is_strings(values):
        return values
    assert isinstance(values, torch.Tensor)
    return values if values.device == device else values.to(device)
