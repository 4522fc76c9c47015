"""MultilabelAccumulator: multilabel counts batch by batch, on the batches' device, without syncs.

Per label l the counts are ``[[tn, fp], [fn, tp]]``; the co-confusion ``[i, j]`` counts samples
where label i is missed while label j is predicted without being true (see
:mod:`core.multilabel_kernels`). The options are those of
:meth:`MultilabelConfusion.from_predictions`, checked by the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from confmat._internal.core import checks as v
from confmat._internal.core import multilabel as ml
from confmat._internal.core import multilabel_kernels as kernels
from confmat._internal.core.codes import ClassSpace
from confmat._internal.core.types import ZeroDivision
from confmat._internal.results.multilabel import MultilabelConfusion, counted
from confmat._internal.stream import batch_checks, distributed, multilabel_state
from confmat._internal.stream.multilabel_chunk import Chunk, Rows
from confmat.exceptions import DistributedError, LabelError, MergeError, ScoreError, ShapeError

PROBLEMS = (
    "y_true value(s) other than 0/1 (or ignore_index)",
    "y_pred value(s) that are not 0/1, or scores that are NaN, infinite or (without "
    "from_logits) outside [0, 1]",
    "sample_weight value(s) that are negative or not finite",
)
"""What the deferred value checks count, per sample (in the order of the problems tensor)."""


class MultilabelAccumulator:
    """Multilabel counts accumulated over batches: ``update`` per batch, ``compute`` at the end.

    Each update counts its ``(B, L)`` batch on the batch's device with a few matrix products
    and never waits for the device: shapes are checked at once, values (non-0/1 targets, bad
    scores, bad weights) are counted on the device and raised by ``compute``, naming each
    problem and how many samples had it; refused samples are never counted. Under
    torch.distributed, ``compute`` sums over the ranks of ``process_group``; ``max_samples``
    drops DistributedSampler's padding (:func:`stream.distributed.real_samples_on_rank`).
    Without sample weights every running sum is a whole number (the samples averages' too, see
    :mod:`core.multilabel_kernels`), so any batching, ``merge`` order or number of
    ranks gives the same result to the last bit; sums of float sample weights are equal up to
    float rounding. :meth:`state_dict` / :meth:`load_state_dict` save and resume.

    Args:
        num_classes: L (default: the width of the first batch); alias ``num_labels``.
        classes: the label names, one per column in column order (fix L too), as in
            :meth:`MultilabelConfusion.from_predictions`; alias ``labels``.
        device: where the counts live (default: the device of the first batch).
        threshold: scores are positive iff ``probability >= threshold``; one number or one
            per label column.
        from_logits: the scores are logits (a sigmoid is applied before the threshold).
        ignore_index: a true indicator (not 0 or 1) whose (sample, label) cell is left out.
        zero_division: the value of 0/0 statistics of the result (default NaN).
        validate: run the deferred value checks (default True).
        max_samples: count at most this many samples on this rank; later ones are skipped.
        process_group: the group ``compute`` sums over (default: the whole world).
        num_labels: the older name of ``num_classes`` (not both).
        labels: the older name of ``classes`` (not both).

    Examples:
        >>> acc = MultilabelAccumulator(classes=["a", "b"])
        >>> acc.update([[1, 0], [1, 1]], [[0.9, 0.2], [0.3, 0.8]]).update([[0, 1]], [[0, 1]])
        MultilabelAccumulator(num_classes=2, samples=3)
        >>> result = acc.compute()
        >>> result.counts[:, 1, 1].tolist(), result.subset_accuracy
        ([1, 2], 0.6666666666666666)
    """

    def __init__(
        self,
        num_classes: int | None = None,
        classes: Sequence[Any] | None = None,
        device: torch.device | str | None = None,
        *,
        threshold: float | Sequence[float] | torch.Tensor = 0.5,
        from_logits: bool = False,
        ignore_index: int | None = None,
        zero_division: ZeroDivision = "nan",
        validate: bool = True,
        max_samples: int | None = None,
        process_group: Any = None,
        num_labels: int | None = None,
        labels: Sequence[Any] | None = None,
    ) -> None:
        size = v.check_num_classes(v.one_of(num_classes, num_labels, "num_classes", "num_labels"))
        given = v.one_of(classes, labels, "classes", "labels")
        self._labels: list[str] | None = None
        if given is not None:
            width = len(v.check_class_names(given))
            self._labels = ml.label_names(given, size, width)
        self._size = size if self._labels is None else len(self._labels)
        self._threshold_arg = threshold
        self._threshold: float | torch.Tensor | None = None
        if self._size is not None:
            self._threshold = v.check_thresholds(threshold, self._size)
        elif isinstance(threshold, (int, float)):
            self._threshold = v.check_threshold(threshold)
        self._from_logits = bool(from_logits)
        self._ignore = ml.check_ignore_index(ignore_index)
        self._zero_division = v.check_zero_division(zero_division)
        self._validate = bool(validate)
        self._max = batch_checks.check_max_samples(max_samples)
        self._device = None if device is None else torch.device(device)
        self.process_group = process_group
        self._sums: kernels.RunningSums | None = None
        self._chunk: Chunk | None = None
        self._space: kernels.Workspace | None = None  # buffers of the counting kernel
        self._weighted = False
        self._problems: torch.Tensor | None = None
        self._seen = 0
        self._placed: dict[torch.dtype, torch.Tensor] = {}  # per-label thresholds on the device

    @property
    def num_classes(self) -> int | None:
        """L, or None while it waits for the first batch (alias :attr:`num_labels`)."""
        return self._size

    num_labels = num_classes

    @property
    def samples_seen(self) -> int:
        """Samples offered to ``update`` (including refused and skipped ones)."""
        return self._seen

    def _start(self, width: int, device: torch.device) -> None:
        if self._size is None:
            self._size = width
            if self._threshold is None:  # one threshold per label: checked against L now
                self._threshold = v.check_thresholds(self._threshold_arg, width)
        elif width != self._size:
            raise ShapeError(
                f"every batch must have the accumulator's {self._size} label columns, got {width}"
            )
        if self._sums is None:
            self._device = self._device or device
            self._sums = kernels.zeros(self._size, self._device)
            self._problems = torch.zeros(len(PROBLEMS), dtype=torch.int64, device=self._device)

    @torch.inference_mode(False)
    def update(
        self, y_true: object, y_pred: object, sample_weight: object = None
    ) -> MultilabelAccumulator:
        """Count one batch: ``(B, L)`` 0/1 targets, ``(B, L)`` 0/1 decisions or scores.

        Raises:
            ShapeError: for shapes, widths or strings (at once; values are checked by
                ``compute``).
        """
        true_grid, pred_grid = ml.as_grid(y_true, "y_true"), ml.as_grid(y_pred, "y_pred")
        ml.check_pair(true_grid, pred_grid)
        rows = true_grid.shape[0]
        if self._from_logits and not pred_grid.is_floating_point():
            raise ScoreError("from_logits=True needs float scores as y_pred, got integer labels")
        self._start(true_grid.shape[1], true_grid.device)
        offered, self._seen = self._seen, self._seen + rows
        if rows == 0 or (self._max is not None and offered >= self._max):
            return self
        assert self._device is not None
        true_grid, pred_grid = true_grid.to(self._device), pred_grid.to(self._device)
        weight = None
        if sample_weight is not None:
            weight = batch_checks.check_weights_shape(sample_weight, rows, self._device)
            self._weighted = True
        if self._max is not None and offered + rows > self._max:  # the head of the stream
            head = self._max - offered
            true_grid, pred_grid = true_grid[:head], pred_grid[:head]
            weight = None if weight is None else weight[:head]
        ignored = ml.ignored_cells(true_grid, self._ignore)
        if true_grid.shape[0] >= kernels.CHUNK:
            self._flush()
            self._count(Rows(true_grid, pred_grid, weight, None, ignored))
            return self
        # small batches are copied into a fixed chunk buffer, counted together once it is full;
        # targets are checked now, while hot, and kept as bools (a small buffer)
        if self._chunk is None or not self._chunk.holds(pred_grid):
            self._flush()  # scores are compared in their own precision: never mix dtypes
            self._chunk = Chunk(true_grid, pred_grid, self._ignore is not None)
        bad = ml.invalid_target_rows(true_grid, self._ignore) if self._validate else None
        batch, start = Rows(true_grid, pred_grid, weight, bad, ignored), 0
        while start < true_grid.shape[0]:
            start += self._chunk.put(batch, start)
            if self._chunk.filled == kernels.CHUNK:
                self._flush()
        return self

    def _flush(self) -> None:
        """Count the rows waiting in the chunk buffer."""
        if self._chunk is not None and self._chunk.filled:
            self._count(self._chunk.take())

    def _count(self, rows: Rows) -> None:
        assert self._sums is not None
        assert self._problems is not None
        keep = None
        if self._validate:  # refused rows are counted nowhere
            bad_true = rows.bad_true
            if bad_true is None:
                bad_true = ml.invalid_target_rows(rows.true, self._ignore)
            keep, problems = self._usable(bad_true, rows)
            self._problems += problems
        if self._space is None:
            self._space = kernels.workspace(self._sums.co.shape[0], self._sums.co.device)
        size = rows.true.shape[0]
        out = self._space.decided[:size] if size <= kernels.CHUNK else None
        pred = ml.decisions(rows.pred, self._threshold_for(rows.pred), self._from_logits, out)
        kernels.add(self._sums, rows.true, pred, rows.weight, keep, self._space, rows.ignored)

    def _threshold_for(self, pred: torch.Tensor) -> float | torch.Tensor:
        """The threshold, per-label ones copied once to the device in the scores' precision."""
        threshold = self._threshold
        assert threshold is not None
        if not isinstance(threshold, torch.Tensor) or not pred.is_floating_point():
            return threshold
        dtype = torch.float64 if self._from_logits else pred.dtype  # logits: sigmoid in float64
        if dtype not in self._placed:  # a copy to the device waits for it: once, not per batch
            self._placed[dtype] = threshold.to(device=pred.device, dtype=dtype)
        return self._placed[dtype]

    def _usable(self, bad_true: torch.Tensor, rows: Rows) -> tuple[torch.Tensor, torch.Tensor]:
        """Which rows to count ``(B,)`` and the problems found, counted on the device."""
        bad = [bad_true, ml.invalid_prediction_rows(rows.pred, self._from_logits, rows.ignored)]
        weight = rows.weight
        if weight is not None:
            bad.append(~(torch.isfinite(weight) & (weight >= 0)))
        problems = torch.stack([b.sum() for b in bad])
        if weight is None:
            problems = torch.cat((problems, problems.new_zeros(1)))
        refused = bad[0] | bad[1] if weight is None else bad[0] | bad[1] | bad[2]
        return ~refused, problems

    def compute(self, *, timeout: float | None = None) -> MultilabelConfusion:
        """The result so far (summed over the ranks under torch.distributed).

        Raises:
            LabelError: when ``update`` saw invalid values (with ``validate=True``).
            DistributedError: when ranks disagree on L or do not all join in time.
        """
        self._flush()
        sums, problems, weighted = self._sums, self._problems, self._weighted
        if distributed.is_active(self.process_group):
            sums, problems, weighted = self._sum_over_ranks(timeout)
        if sums is None or problems is None:
            raise ShapeError("no batch was counted yet: compute needs at least one update")
        if self._validate and bool(problems.any()):
            found = [
                f"{int(k)} sample(s) with {p}" for k, p in zip(problems, PROBLEMS, strict=True) if k
            ]
            raise LabelError(
                "invalid input seen by update: " + "; ".join(found) + "; they are not counted"
            )
        state = kernels.finish(sums, weighted)
        names = self._labels or [str(i) for i in range(state.counts.shape[0])]
        return counted(state, names, self._zero_division)

    def _sum_over_ranks(
        self, timeout: float | None
    ) -> tuple[kernels.RunningSums | None, torch.Tensor | None, bool]:
        group = self.process_group
        space = None
        if self._size is not None:  # labels are columns: the ranks must list them alike
            space = ClassSpace(tuple(self._labels or map(str, range(self._size))))
        limit = distributed.check_timeout(timeout)
        agreed = distributed.agree_on_space(space, self._weighted, True, group, limit)
        if agreed is None:
            return None, None, False
        size, weighted = agreed[0].size, agreed[2]
        if self._size is not None and self._size != size:
            raise DistributedError(
                f"the ranks disagree on the number of labels ({self._size} and {size}): create "
                "every rank's MultilabelAccumulator with the same num_classes or classes"
            )
        device = self._device or torch.device("cpu")
        sums = self._sums or kernels.zeros(size, device)
        problems = self._problems
        if problems is None:
            problems = torch.zeros(len(PROBLEMS), dtype=torch.int64, device=device)
        summed = kernels.RunningSums(*(distributed.all_reduce_sum(t, group) for t in sums))
        return summed, distributed.all_reduce_sum(problems, group), weighted

    def reset(self) -> MultilabelAccumulator:
        """Forget every sample (labels and options stay)."""
        self._sums, self._problems, self._seen, self._weighted = None, None, 0, False
        self._chunk = None
        return self

    def merge(self, *others: MultilabelAccumulator) -> MultilabelAccumulator:
        """Add other accumulators' counts (same number of labels) into this one."""
        self._flush()
        for other in others:
            other._flush()
            if other._sums is None or other._problems is None:
                continue
            if self._size is not None and other._size != self._size:
                raise MergeError(f"cannot merge {other._size} labels into {self._size}")
            self._start(other._sums.co.shape[0], other._sums.co.device)
            assert self._sums is not None
            assert self._problems is not None
            for mine, theirs in zip(self._sums, other._sums, strict=True):
                mine.add_(theirs.to(mine.device))
            self._problems += other._problems.to(self._problems.device)
            self._seen += other._seen
            self._weighted = self._weighted or other._weighted
        return self

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume: running sums, labels, options, samples seen.

        Tensors and plain Python values only, so ``torch.save`` / ``torch.load(...,
        weights_only=True)`` keep it; rows waiting in the chunk buffer are counted first.

        Examples:
            >>> acc = MultilabelAccumulator(classes=["a", "b"]).update([[1, 0]], [[1, 1]])
            >>> state = acc.state_dict()
            >>> state["labels"], state["samples_seen"], state["sums"]["total"].item()
            (['a', 'b'], 1, 1.0)
        """
        self._flush()
        config = multilabel_state.options(
            self._threshold if self._threshold is not None else self._threshold_arg,
            self._from_logits,
            self._validate,
            self._max,
            ignore_index=self._ignore,
            zero_division=self._zero_division,
        )
        return multilabel_state.make(
            multilabel_state.Saved(
                self._size,
                self._labels,
                config,
                self._sums,
                self._problems,
                self._weighted,
                self._seen,
            )
        )

    def load_state_dict(self, state: dict[str, Any]) -> MultilabelAccumulator:
        """Restore what :meth:`state_dict` saved; returns ``self``.

        The saved labels and options replace this accumulator's; its device and process group
        stay. The whole state is checked first.

        Raises:
            OptionError: when ``state`` was not made by :meth:`state_dict` or is corrupted
                (shapes, dtypes, negative or contradictory sums).
            MergeError: when this accumulator's labels are fixed and differ from the saved ones.

        Examples:
            >>> saved = MultilabelAccumulator().update([[1, 0]], [[1, 1]]).state_dict()
            >>> resumed = MultilabelAccumulator().load_state_dict(saved).update([[0, 1]], [[0, 1]])
            >>> resumed.compute().counts[:, 1, 1].tolist()
            [1, 1]
        """
        saved = multilabel_state.read(state)
        if self._size is not None and saved.num_labels is not None:
            mine = self._labels or [str(i) for i in range(self._size)]
            theirs = saved.labels or [str(i) for i in range(saved.num_labels)]
            if mine != theirs:
                raise MergeError(
                    f"the saved labels {theirs[:5]} differ from this accumulator's {mine[:5]}"
                )
        device, group = self._device, self.process_group
        self.__init__(  # type: ignore[misc]
            saved.num_labels, None, device, process_group=group, **saved.options
        )
        self._labels = saved.labels
        if saved.sums is not None and saved.problems is not None:
            device = self._device or saved.sums.co.device
            self._device = device
            self._sums = kernels.RunningSums(*(t.to(device).clone() for t in saved.sums))
            self._problems = saved.problems.to(device).clone()
        self._weighted, self._seen = saved.weighted, saved.seen
        return self

    def __repr__(self) -> str:
        return f"MultilabelAccumulator(num_classes={self._size}, samples={self._seen})"
