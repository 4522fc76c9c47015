"""Accumulator: a confusion matrix counted batch by batch, on the batches' device, without syncs.

C[i, j] is the number (or total sample weight) of samples of true class i predicted as class j.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, NamedTuple

import torch

from confmat._internal.core import checks as v
from confmat._internal.core import codes, encode
from confmat._internal.core import sparse as store
from confmat._internal.core.types import ZeroDivision
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stream import batch_checks, deferred, distributed, saved_state
from confmat._internal.stream.dense_grid import DenseGrid
from confmat._internal.stream.grid import CountGrid
from confmat._internal.stream.options import Options, check_options
from confmat._internal.stream.sparse_grid import SparseGrid
from confmat.exceptions import ClassesError, MergeError


class _Scoring(NamedTuple):
    """How one kind of predictions becomes classes (see ``Accumulator._scoring_of``)."""

    kind: str  # "labels", "binary" (one score column) or "columns" (one per class)
    scored: int  # binary: the class the score is the score of
    columns: torch.Tensor | None  # columns: the class of each column, None for column j = j


class Accumulator:
    """A confusion matrix accumulated over batches: ``update`` per batch, ``compute`` at the end.

    Each update adds its samples into a kept ``(C, C)`` buffer (int64, float64 once weighted)
    with one scatter-add on the batch's device (:mod:`stream.dense_grid`): its cost does not
    grow with C^2 and it never waits for the device. Above :data:`core.sparse.DENSE_MAX_CLASSES`
    classes (or with ``sparse=True``) the counts are kept sparse (:mod:`stream.sparse_grid`):
    cell codes buffered per batch, merged by sort + reduce with one sync per ``BUFFER_SIZE``
    samples; ``compute`` then gives a sparse-store matrix. Either store is a
    :class:`stream.grid.CountGrid`. The class space is fixed up front by
    ``classes`` or ``num_classes``, or by the first batch of scores (``(N, C)`` scores give C
    classes, ``(N,)`` binary scores two). String labels need ``classes=``; integer labels
    without ``classes``/``num_classes`` raise :class:`~confmat.ClassesError`, since a stream's
    class space cannot grow.

    Shape and dtype errors are raised by ``update`` (:mod:`stream.batch_checks`); value
    errors are counted on the device and raised by ``compute``, naming each problem and how many
    samples had it (:mod:`stream.deferred`); refused samples are never counted.
    ``validate=False`` skips the deferred checks. Binary scores that all lie in [0, 1] under
    ``from_logits=True`` give a :class:`~confmat.FromLogitsWarning` at ``compute``. Under
    torch.distributed, ``compute`` agrees on the classes and sums over the ranks of
    ``process_group`` (:mod:`stream.distributed`); ``max_samples`` drops
    DistributedSampler's padding. Pickling keeps counts, classes and options, not the group.

    Args:
        num_classes: C; integer labels are indices ``0..C-1``.
        classes: the class names in order; integer classes are label values, other names are
            indexed by integer labels, strings are looked up by name.
        device: where the counts live (default: the device of the first batch).
        threshold: one score column: the scored class is predicted iff
            ``score >= threshold`` (default 0.5); refused for other predictions.
        score_of: the class one score column is the score of (default label 1 / ``True``;
            required for string labels).
        positive: the class the binary report calls positive (default: ``score_of``, else
            label 1 / ``True``, else the second class); it never changes a count.
        from_logits: scores are logits (a sigmoid is applied before the threshold).
        ignore_index: samples whose true label equals it are left out.
        zero_division: the value of 0/0 statistics of the computed matrix (default NaN).
        validate: run the deferred value checks (default True).
        max_samples: count at most this many samples on this rank; later ones are skipped.
        sparse: keep the counts sparse (True) or dense (False); default: sparse above
            :data:`core.sparse.DENSE_MAX_CLASSES` classes.
        process_group: the group ``compute`` sums over (default: the whole world).

    Examples:
        >>> acc = Accumulator(num_classes=3)
        >>> acc.update(torch.tensor([0, 1, 2]), torch.tensor([0, 2, 2])).update([1], [1])
        Accumulator(num_classes=3, device='cpu', samples=4, validate=True)
        >>> acc.compute().counts.tolist()
        [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
        >>> bad = Accumulator(num_classes=3).update([0, 7, 1], [0, 1, 1])
        >>> bad.compute()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.LabelError: invalid input seen by update: 1 y_true label(s) out of ...
    """

    def __init__(
        self,
        num_classes: int | None = None,
        classes: Sequence[Any] | None = None,
        device: torch.device | str | None = None,
        *,
        threshold: float | None = None,
        score_of: object = None,
        positive: object = None,
        from_logits: bool = False,
        ignore_index: int | str | None = None,
        zero_division: ZeroDivision = "nan",
        validate: bool = True,
        max_samples: int | None = None,
        sparse: bool | None = None,
        process_group: Any = None,
    ) -> None:
        self.process_group = process_group
        options = check_options(
            threshold=threshold,
            score_of=score_of,
            positive=positive,
            from_logits=from_logits,
            ignore_index=ignore_index,
            zero_division=zero_division,
            validate=validate,
            max_samples=max_samples,
            sparse=sparse,
        )
        self._configure(num_classes, classes, device, options)

    def _configure(
        self,
        num_classes: int | None,
        classes: Sequence[Any] | None,
        device: torch.device | str | None,
        options: Options,
    ) -> None:
        self._options = options
        self._device = None if device is None else torch.device(device)
        self._space = codes.class_space(num_classes, classes)
        deferred.check_dense_space(self._space, self._is_sparse())
        self._coder: codes.LabelCoder | None = None
        self._grid: CountGrid | None = None
        self._scoring: _Scoring | None = None  # how scores become classes, from the first
        self._seen = 0
        self._by_position = False
        if self._space is not None:
            self._check_class_options(self._space)
            if self._device is not None:
                self._allocate(self._device)

    def _check_class_options(self, space: codes.ClassSpace) -> None:
        """``positive`` and ``score_of`` must name classes of ``space`` (when given)."""
        codes.positive_index(self._options.positive, space.names)
        if self._options.score_of is not None:
            v.class_position(space.names, self._options.score_of, "score_of")

    # -- the class space and the state ------------------------------------------------------

    @property
    def num_classes(self) -> int | None:
        """C, or None while the class space waits for the first batch."""
        return None if self._space is None else self._space.size

    @property
    def classes(self) -> list[str] | None:
        """The class names, or None while the class space waits for the first batch."""
        return None if self._space is None else list(self._space.names)

    @property
    def device(self) -> torch.device | None:
        """Where the counts live (None before the first batch when no device was given)."""
        return self._device

    @property
    def samples_seen(self) -> int:
        """Samples offered to ``update`` (including ignored, refused and skipped ones)."""
        return self._seen

    def _is_sparse(self) -> bool:
        """Whether the counts of this class space are kept sparse (False while it is open)."""
        return self._space is not None and store.use_sparse(self._space.size, self._options.sparse)

    def _zeros(self, device: torch.device | None) -> CountGrid:
        assert self._space is not None
        return _empty_grid(self._space.size, self._is_sparse(), device)

    def _allocate(self, device: torch.device) -> None:
        self._device = device
        self._grid = self._zeros(device)
        assert self._space is not None
        self._coder = codes.LabelCoder(self._space, device)

    def reset(self) -> Accumulator:
        """Forget every sample (the class space and options stay)."""
        if self._grid is not None:
            self._grid = self._zeros(self._device)
        self._seen, self._by_position = 0, False
        return self

    # -- counting ---------------------------------------------------------------------------

    def update(self, y_true: object, y_pred: object, sample_weight: object = None) -> Accumulator:
        """Count one batch; returns ``self``.

        Args:
            y_true: true labels ``(N,)``: ints, bools or strings (tensor, array, list).
            y_pred: predicted labels ``(N,)``; or float scores ``(N, C)`` (argmax) or
                ``(N,)`` / ``(N, 1)`` binary probabilities (logits with ``from_logits``).
            sample_weight: non-negative weights ``(N,)``; counts become float64 sums.

        Raises:
            ConfmatError: at once for wrong shapes, dtypes, lengths or devices; value
                problems are raised by :meth:`compute`.
        """
        true = batch_checks.batch_values(y_true, "y_true")
        pred = batch_checks.batch_values(y_pred, "y_pred")
        batch_checks.check_stream_shapes(true, pred, self._options.ignore_index)
        n = true.shape[0]
        if n == 0:  # nothing to count, nor to infer the class space from
            return self
        self._seen += n
        if self._options.max_samples is not None and self._seen > self._options.max_samples:
            keep = max(0, n - (self._seen - self._options.max_samples))
            if keep == 0:
                return self
            true, pred, sample_weight = batch_checks.head(true, pred, sample_weight, keep)
        if self._grid is None:
            self._start(true, pred)
        grid = self._grid
        assert grid is not None
        assert self._space is not None
        if not self._by_position and deferred.by_position(true, pred, self._space):
            deferred.mark_by_position(grid)  # once: ranks that count so are not aligned by name
            self._by_position = True
        assert self._coder is not None
        scoring = self._scoring_of(true, pred)
        rows, cols = deferred.batch_codes(
            self._coder,
            grid,
            true,
            pred,
            threshold=0.5 if self._options.threshold is None else self._options.threshold,
            scored=scoring.scored,
            columns=scoring.columns,
            from_logits=self._options.from_logits,
            ignore_index=self._options.ignore_index,
            validate=self._options.validate,
        )
        if sample_weight is None:
            grid.add(rows, cols)
        else:
            grid.add(*self._weighted(rows, cols, sample_weight, grid.device))
        return self

    def _weighted(
        self, rows: torch.Tensor, cols: torch.Tensor, sample_weight: object, device: torch.device
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The rows, columns and float64 values of a weighted batch (refused samples add 1)."""
        assert self._coder is not None
        weight = batch_checks.check_weights_shape(sample_weight, rows.shape[0], device)
        values, rows = deferred.weighted_values(
            weight, rows, cols, self._coder.size, self._options.validate
        )
        return rows, cols, values

    def _start(self, true: v.Values, pred: v.Values) -> None:
        """Fix the class space (if still open) and the device from the first batch."""
        if self._space is None:
            self._space = deferred.infer_space(true, pred)
            deferred.check_dense_space(self._space, self._is_sparse())
            self._check_class_options(self._space)
        device = self._device
        if device is None:
            device = v.device_of(pred, true)
        self._allocate(device)

    def _scoring_of(self, true: v.Values, pred: v.Values) -> _Scoring:
        """How a batch's predictions become classes, by the one rule (checked once per kind).

        ``threshold`` and ``score_of`` describe one score column: refused at once for labels
        and for ``(N, C)`` scores, whose column j is label j (:func:`core.codes.column_classes`).
        """
        o = self._options
        kind = "labels"
        if v.is_float(pred):
            kind = "columns" if pred.ndim == 2 and pred.shape[1] != 1 else "binary"
        if self._scoring is not None and self._scoring.kind == kind:
            return self._scoring
        assert self._space is not None
        if kind != "binary":
            encode.one_column_options(o.threshold, o.score_of, scores=kind == "columns")
        scored, columns = 1, None
        if kind == "binary" and self._space.size == 2:
            scored = codes.scored_class(o.score_of, self._space.names, v.is_strings(true))
        elif kind == "columns":
            columns = codes.column_classes(self._space.names, self._space.size)
            if columns is not None:
                columns = columns.to(self._coder.device if self._coder else None)
        self._scoring = _Scoring(kind, scored, columns)
        return self._scoring

    # -- results ----------------------------------------------------------------------------

    def compute(self, *, timeout: float | None = None) -> ConfusionMatrix:
        """The confusion matrix of every sample counted so far (summed over all ranks).

        Args:
            timeout: seconds to wait for the other ranks under torch.distributed: a positive
                number, None for :data:`stream.distributed.DEFAULT_TIMEOUT`, or
                ``math.inf`` to wait as long as the process group's own timeout.

        Raises:
            ConfmatError: when a deferred check refused samples (naming each problem and how
                many), the class space is unknown, or ``timeout`` is not a positive number.
            DistributedError: when other ranks do not join in time or have other classes.
        """
        limit = distributed.check_timeout(timeout)
        space = self._space
        grid = self._zeros(self._device) if self._grid is None and space else self._grid
        if distributed.is_active(self.process_group):  # agree on the classes, then sum
            grid, space = self._sum_over_ranks(grid, limit)
            if self._space is None and space is not None:  # the other ranks' classes
                self._space = space
                self._check_class_options(space)
        if grid is None or space is None:
            raise ClassesError(
                "compute() before any update: the class space is unknown (pass num_classes= "
                "or classes= to get an empty matrix)"
            )
        deferred.raise_problems(grid, space.names)
        o = self._options
        return ConfusionMatrix(
            grid.class_counts(),
            list(space.names),
            positive=codes.reported_positive(o.positive, o.score_of),
            zero_division=o.zero_division,
        )

    def _sum_over_ranks(
        self, grid: CountGrid | None, timeout: datetime.timedelta
    ) -> tuple[CountGrid | None, codes.ClassSpace | None]:
        """Every rank's counts summed (a new grid) in the agreed class order, and that space.

        ``(None, None)`` when no rank knows its classes. A rank that counted nothing takes part
        with empty counts of the agreed size; the sum is float64 if any rank's counts are
        weighted, and sparse if any rank keeps them sparse (:mod:`stream.distributed`).
        """
        group = self.process_group
        weighted = grid is not None and grid.is_floating_point()
        marked = grid is not None and deferred.counted_by_position(grid)
        agreed = distributed.agree_on_space(
            self._space, weighted, marked, group, timeout, self._is_sparse()
        )
        if agreed is None:
            return None, None
        space, order, any_weighted, any_sparse = agreed
        if grid is None:
            grid = _empty_grid(space.size, any_sparse, self._device)
        dtype = torch.float64 if any_weighted else torch.int64
        return grid.summed_over_ranks(group, order, dtype, any_sparse), space

    def merge(self, *others: Accumulator) -> Accumulator:
        """Add the counts of other accumulators (same classes) into this one; returns ``self``.

        Examples:
            >>> a = Accumulator(num_classes=2).update([0, 1], [0, 0])
            >>> b = Accumulator(num_classes=2).update([1], [1])
            >>> a.merge(b).compute().counts.tolist()
            [[1, 0], [1, 1]]
        """
        for other in others:
            if not isinstance(other, Accumulator):
                raise MergeError(f"can only merge Accumulators, got {type(other).__name__}")
            if other._space is None or other._grid is None:
                self._seen += other._seen
                continue
            if self._space is None:
                self._space = other._space
                self._check_class_options(self._space)
            saved_state.check_same_classes(self._space.names, other._space.names)
            if self._grid is None:
                self._allocate(self._device or other._grid.device)
            assert self._grid is not None
            self._grid.add_counts(other._grid)
            self._seen += other._seen
        return self

    def to(self, device: torch.device | str) -> Accumulator:
        """Move the counts (and every later batch) to ``device``; returns ``self``.

        Examples:
            >>> Accumulator(num_classes=2).to("cpu").device
            device(type='cpu')
        """
        self._device = torch.device(device)
        self._scoring = None  # its tensors follow the device
        if self._grid is not None and self._space is not None:
            self._grid.to(self._device)
            self._coder = codes.LabelCoder(self._space, self._device)
        return self

    # -- persistence ------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume: counts, class space, options, samples seen.

        Tensors and plain Python values only, so ``torch.save`` / ``torch.load(...,
        weights_only=True)`` keep it; the counts include the cells of refused samples.

        Examples:
            >>> state = Accumulator(num_classes=2).update([0, 1], [1, 1]).state_dict()
            >>> state["classes"], state["samples_seen"]
            (['0', '1'], 2)
        """
        return saved_state.make(self._grid, self._space, self._seen, self._options)

    def load_state_dict(self, state: dict[str, Any]) -> Accumulator:
        """Restore what :meth:`state_dict` saved: counts, classes, options; returns ``self``.

        The saved options replace this accumulator's; its device and process group stay.

        Raises:
            OptionError: when ``state`` was not made by :meth:`state_dict`.
            MergeError: when this accumulator's classes are fixed and differ from the saved ones.

        Examples:
            >>> saved = Accumulator(classes=["no", "yes"]).update(["yes"], ["no"]).state_dict()
            >>> Accumulator().load_state_dict(saved).update(["no"], ["no"]).compute().counts
            tensor([[1, 0],
                    [1, 0]])
        """
        names, values, options, saved, seen = saved_state.read(state)
        if self._space is not None and names is not None:
            saved_state.check_same_classes(
                names, self._space.names, "the saved classes must be its"
            )
        self._configure(None, values or names, self._device, options)
        if saved is not None:
            counts = saved_state.check_counts(saved, self._space)
            if self._grid is None:
                self._allocate(self._device or counts.device)
            assert self._grid is not None
            self._grid.add_counts(counts)
        self._seen = seen
        return self

    def __getstate__(self) -> dict[str, Any]:
        state = self.state_dict()
        state["device"] = None if self._device is None else str(self._device)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._device = None if state["device"] is None else torch.device(state["device"])
        self.process_group = None  # process groups do not pickle: the default group is used
        self._space = None
        self.load_state_dict(state)

    def __repr__(self) -> str:
        device = None if self._device is None else str(self._device)
        weighted = ", weighted" if self._grid is not None and self._grid.is_floating_point() else ""
        return (
            f"Accumulator({_describe(self._space)}, device={device!r}, "
            f"samples={self._seen}{weighted}, validate={self._options.validate})"
        )


def _describe(space: codes.ClassSpace | None) -> str:
    """The class space as an Accumulator's repr shows it.

    Examples:
        >>> _describe(codes.ClassSpace(("0", "1"))), _describe(codes.ClassSpace(("a", "b")))
        ('num_classes=2', 'classes=[a, b]')
    """
    if space is None:
        return "classes=None"
    if space.names == tuple(map(str, range(space.size))):
        return f"num_classes={space.size}"
    shown = ", ".join(space.names[:6]) + (", ..." if space.size > 6 else "")
    return f"classes=[{shown}]"


def _empty_grid(size: int, sparse: bool, device: torch.device | None) -> CountGrid:
    """Empty int64 counts of ``size`` classes in the chosen store (:mod:`stream.grid`).

    Examples:
        >>> type(_empty_grid(3, False, None)).__name__, type(_empty_grid(3, True, None)).__name__
        ('DenseGrid', 'SparseGrid')
    """
    if sparse:
        return SparseGrid(size, device or torch.device("cpu"))
    return DenseGrid.zeros(size, device)
