"""evaluate(model, loader): the evaluation loop every tutorial writes by hand, as one call.

The loop only: batches are moved and unpacked by :mod:`evaluation.batches`, counted by
:class:`confmat.Accumulator`, and samples are kept by :mod:`stream.reservoir`. C[i, j] of
each resulting matrix counts samples of true class i predicted as class j.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from confmat._internal.core import checks, codes, encode, limits
from confmat._internal.core.types import ZeroDivision
from confmat._internal.evaluation import batches, model_state, models
from confmat._internal.evaluation.coverage import Coverage
from confmat._internal.evaluation.result import EvaluationResult, table_from_cells
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stream import distributed
from confmat._internal.stream.accumulator import Accumulator
from confmat.exceptions import DistributedError, ShapeError

_PROGRESS_SECONDS = 0.5
"""Seconds between refreshes of the progress bar's accuracy (a refresh waits for the device)."""

_GATHER_SAMPLES = 8192
"""Outputs of this many samples at most are gathered before they are counted and sampled."""

_GATHER_SCORES = 1 << 20
"""... and at most this many scores (samples times classes), which bounds the memory used."""


def evaluate(
    model: Callable[..., Any] | Mapping[str, Callable[..., Any]],
    loader: Iterable[Any],
    classes: Sequence[Any] | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
    *,
    num_classes: int | None = None,
    threshold: float | None = None,
    score_of: object = None,
    positive: object = None,
    from_logits: bool = True,
    ignore_index: int | None = None,
    zero_division: ZeroDivision = "nan",
    batch_fn: Callable[[Any], Any] | None = None,
    input_key: str | None = None,
    target_key: str | None = None,
    index_key: str = "index",
    output_transform: Callable[[Any], Any] | None = None,
    autocast: bool | torch.dtype = False,
    keep_samples: int = 8,
    keep_worst: int = 32,
    seed: int = 0,
) -> EvaluationResult:
    """Run a model over a loader and count its confusion matrix, keeping examples of each cell.

    The model runs in eval mode under ``torch.inference_mode()``; the train/eval mode of each
    of its modules is restored afterwards, also on error. Batches (tensors nested in tuples,
    lists and dicts) move to the model's device; counts stay there, and nothing waits for the
    device per batch (the progress bar refreshes its running accuracy every 0.5 s). Outputs
    are counted in groups of up to 8192 samples (and 2^20 scores), on one CPU thread between
    forward passes: the loop adds a fraction of a percent to a small CNN's inference time.

    Batches are ``(inputs, targets, ...)``, or dicts (targets under ``target_key``, default the
    first of ``label, labels, target, targets, y``; inputs under ``input_key``, or all other
    entries as keyword arguments), or whatever ``batch_fn(batch)`` turns into ``(inputs,
    targets)`` or ``(inputs, targets, index)``. Targets are class indices ``0..C-1`` (the
    columns of the outputs). Inputs that are a dict are passed as ``model(**inputs)``.

    Outputs are ``(N, C)`` scores (argmax; column j is label j), or one binary score per
    sample ``(N,)`` / ``(N, 1)``, the score of ``score_of`` (default label 1), predicted iff its
    probability ``>= threshold``; a dict with ``"logits"`` or an object with ``.logits`` is
    unwrapped, or ``output_transform(outputs)`` gives the scores. Scores are **logits by
    default** (``from_logits=True``, as a model's raw outputs are, here and in the
    integrations); pass ``from_logits=False`` for probabilities. The options mean what they
    mean in :meth:`confmat.ConfusionMatrix.from_predictions`.

    Every confusion cell keeps a uniform random sample of at most ``keep_samples`` samples
    (reservoir sampling with seeded random keys), and the ``keep_worst`` highest-loss samples
    are kept: memory does not grow with the dataset. ``Sample.index`` is the dataset index:
    taken from the batches (``index_key`` of dict batches, or the third item of ``batch_fn``),
    else from a DataLoader's sequential or distributed sampler, else the position in the
    stream (see :attr:`EvaluationResult.index_source`).

    Under torch.distributed with a ``DistributedSampler``, each sample counts once (the
    sampler's padding is dropped) and the results, kept samples included, are combined over all
    ranks: every rank must call ``evaluate``.

    A dict of models, ``{"a": model_a, "b": model_b}``, runs every model on the same batches in
    one pass: ``result.matrices[name]`` per model and ``result.paired_table(("a", "b"))``, the
    paired correctness table of a McNemar test.

    Args:
        model: a module (or any callable), or a dict of them by name.
        loader: an iterable of batches, typically a ``torch.utils.data.DataLoader``.
        classes: the classes of the output columns (default ``"0"``, ``"1"``, ...): names,
            one per column in column order, or label values (``[1, 0]``: column j is the
            class of value j), looked up by value in the targets.
        device: where batches go (default: the model's device; must agree with it).
        progress: show a tqdm progress bar (only when standard error is a terminal).
        num_classes: C, which must be the outputs' width.
        threshold: one binary score per sample: the scored class iff its probability
            ``>= threshold`` (default 0.5); refused for ``(N, C)`` outputs.
        score_of: the class one binary score per sample is the score of (default label 1).
        positive: the class the binary report calls positive (default: the scored class);
            it never changes a count.
        from_logits: the outputs are logits (default) rather than probabilities.
        ignore_index: samples whose target equals it are left out (e.g. -100).
        zero_division: the value of 0/0 statistics (default NaN).
        batch_fn: unpacks a batch into ``(inputs, targets)`` or ``(inputs, targets, index)``.
        input_key: the inputs' key in dict batches.
        target_key: the targets' key in dict batches.
        index_key: the dataset indices' key in dict batches (used if present).
        output_transform: turns the model's outputs into the score tensor.
        autocast: run the model under ``torch.autocast`` (True, or the dtype to use).
        keep_samples: samples kept per confusion cell (0: none).
        keep_worst: highest-loss samples kept (0: none).
        seed: seed of the random sample kept per cell.

    Returns:
        An :class:`~confmat.EvaluationResult`.

    Raises:
        ConfmatError: for unusable batches, outputs, labels or options.

    Examples:
        >>> import torch, confmat
        >>> model = torch.nn.Linear(4, 3)
        >>> data = [(torch.randn(8, 4), torch.randint(0, 3, (8,))) for _ in range(3)]
        >>> result = confmat.evaluate(model, data, classes=["a", "b", "c"], progress=False)
        >>> result.matrix.n, result.matrix.classes, model.training
        (24, ['a', 'b', 'c'], True)
    """
    named = models.named_models(model)
    run_device = models.device_of(named, device)
    options = _Options(
        threshold=None if threshold is None else checks.check_threshold(threshold),
        from_logits=bool(from_logits),
        classes=None if classes is None else checks.check_class_names(classes),
        num_classes=checks.check_num_classes(num_classes),
        score_of=score_of,
        positive=positive,
        ignore_index=limits.check_ignore_index(ignore_index, False),
        zero_division=checks.check_zero_division(zero_division),
        keep_samples=checks.check_non_negative_count(keep_samples, "keep_samples"),
        keep_worst=checks.check_non_negative_count(keep_worst, "keep_worst"),
        seed=seed,
        output_transform=output_transform,
    )

    def unpack(batch: Any) -> batches.Batch:
        return batches.unpack(
            batch,
            batch_fn=batch_fn,
            input_key=input_key,
            target_key=target_key,
            index_key=index_key,
        )

    started = time.perf_counter()
    indexer = model_state.Indexer(loader, run_device)
    loop = _Loop(named, run_device, indexer, Coverage(loader), options)
    with (
        models.eval_mode(named.values()),
        torch.inference_mode(),
        models.autocast_context(run_device, autocast),
    ):
        for batch in _with_progress(loader, progress, loop):
            loop.step(unpack(batches.to_device(batch, run_device)))
        loop.flush()
    return loop.result(getattr(loader, "dataset", None), time.perf_counter() - started)


@dataclass(frozen=True)
class _Options:
    threshold: float | None
    from_logits: bool
    classes: list[str] | None
    num_classes: int | None
    score_of: object
    positive: object
    ignore_index: int | str | None
    zero_division: ZeroDivision
    keep_samples: int
    keep_worst: int
    seed: int
    output_transform: Callable[[Any], Any] | None


class _Loop:
    """One pass over the loader: the per-batch step and the final result."""

    def __init__(
        self,
        models: dict[str, Callable[..., Any]],
        device: torch.device,
        indexer: model_state.Indexer,
        coverage: Coverage,
        options: _Options,
    ) -> None:
        self.models = models
        self.device = device
        self.indexer = indexer
        self.coverage = coverage
        self.options = options
        self.trackers: dict[str, model_state.ModelTracker] = {}
        self.paired = model_state.PairedTables(list(models))
        self.seen = 0
        self.counted = 0
        self.from_batches = True
        self.track_correct = False
        self.gathered: list[tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]] = []
        self.gathered_samples = 0
        self.gathered_scores = 0

    def step(self, batch: batches.Batch) -> None:
        """Run every model on one batch and count it."""
        labels = batch.targets.to(self.device)  # as given: the Accumulator checks them
        n = int(labels.shape[0])
        start, self.seen = self.seen, self.seen + n
        keep = n if self.indexer.max_samples is None else min(n, self.indexer.max_samples - start)
        if keep <= 0:
            return  # distributed padding only
        outputs = {
            name: _own(self._scores(name, model, batch.inputs, n)[:keep])
            for name, model in self.models.items()
        }
        index = _own(self._index(batch.index, start, n)[:keep])
        self.gathered.append((outputs, _own(labels[:keep]), index))
        self.gathered_samples += keep
        self.gathered_scores += sum(scores[0].numel() for scores in outputs.values()) * keep
        full = self.gathered_samples >= _GATHER_SAMPLES or self.gathered_scores >= _GATHER_SCORES
        if full or not self.trackers:  # the first batch at once: its problems show early
            self.flush()

    def flush(self) -> None:
        """Count the gathered batches in one go (fewer, larger operations than per batch)."""
        if not self.gathered:
            return
        gathered, self.gathered = self.gathered, []
        self.gathered_samples = self.gathered_scores = 0
        if len(gathered) == 1:
            outputs, labels, index = gathered[0]
        else:
            outputs = {name: torch.cat([g[0][name] for g in gathered]) for name in self.models}
            labels = torch.cat([g[1] for g in gathered])
            index = torch.cat([g[2] for g in gathered])
        self._count(outputs, labels, index)

    def _count(
        self, outputs: dict[str, torch.Tensor], labels: torch.Tensor, index: torch.Tensor
    ) -> None:
        """Count one batch of every model's scores and keep its samples."""
        targets = labels.long()
        self.counted += labels.shape[0]
        self.coverage.add(index, targets)
        if self.options.ignore_index is not None:  # left out of everything but the coverage
            kept = targets != self.options.ignore_index
            outputs = {name: scores[kept] for name, scores in outputs.items()}
            labels, targets, index = labels[kept], targets[kept], index[kept]
        correct = {}
        for name, scores in outputs.items():
            tracker = self._tracker(name, scores)
            safe = targets.clamp(0, tracker.num_classes - 1)
            scored = batches.score(
                scores,
                safe,
                from_logits=self.options.from_logits,
                threshold=0.5 if self.options.threshold is None else self.options.threshold,
                scored=tracker.scored_label,
            )
            correct[name] = tracker.add(labels, targets, scores, scored, index)
            if self.track_correct:
                tracker.count_correct(correct[name])
        if len(correct) > 1:
            self.paired.add(correct)

    def _scores(self, name: str, model: Callable[..., Any], inputs: Any, n: int) -> torch.Tensor:
        outputs = batches.call_model(model, inputs)
        if self.options.output_transform is not None:
            outputs = self.options.output_transform(outputs)
        scores = batches.logits_of(outputs)
        batches.num_outputs(scores)
        if scores.shape[0] != n:
            raise ShapeError(f"model {name!r} gave {scores.shape[0]} outputs for {n} targets")
        return scores

    def _index(self, given: torch.Tensor | None, start: int, n: int) -> torch.Tensor:
        if given is not None:
            if given.shape[0] != n:
                raise ShapeError(f"the batch holds {n} targets but {given.shape[0]} indices")
            return given.to(self.device)
        self.from_batches = False
        return self.indexer(start, n)

    def _tracker(self, name: str, scores: torch.Tensor) -> model_state.ModelTracker:
        tracker = self.trackers.get(name)
        if tracker is not None:
            return tracker
        width = batches.num_outputs(scores)
        options = self.options
        classes = options.classes
        if classes is not None and len(classes) != width:
            raise ShapeError(
                f"model {name!r} gives scores for {width} classes, but {len(classes)} classes "
                f"were given: {classes[:10]}"
            )
        if options.num_classes not in (None, width):
            raise ShapeError(
                f"model {name!r} gives scores for {width} classes, but num_classes="
                f"{options.num_classes}",
                argument="num_classes",
            )
        names = classes or [str(i) for i in range(width)]
        order = codes.column_classes(names, width)  # column (label) j -> class index
        scored = None
        if codes.is_multiclass(scores):
            encode.one_column_options(options.threshold, options.score_of, scores=True)
        else:
            scored = codes.scored_class(options.score_of, names, strings=False)
        accumulator = Accumulator(
            num_classes=width,
            classes=names,
            device=self.device,
            max_samples=self.indexer.max_samples,
        )
        generator = torch.Generator(device=self.device)
        generator.manual_seed(self.options.seed + distributed.rank() * 7919 + len(self.trackers))
        tracker = model_state.ModelTracker(
            accumulator,
            self.options.keep_samples,
            self.options.keep_worst,
            generator,
            self.options.from_logits,
            names,
            None if order is None else order.to(self.device),
            scored,
        )
        self.trackers[name] = tracker
        return tracker

    def _matrix(self, tracker: model_state.ModelTracker) -> ConfusionMatrix:
        """One model's matrix, its classes named, as the options say."""
        counted = tracker.accumulator.compute()
        if counted.classes != tracker.names:  # ranks aligned value classes by name
            raise DistributedError(
                f"the ranks evaluate with the classes in other orders ({tracker.names[:5]} here, "
                f"{counted.classes[:5]} on the first rank): the kept samples are counted by "
                "position, so pass the same ordered classes= on every rank"
            )
        scored = None if tracker.scored is None else tracker.names[tracker.scored]
        return ConfusionMatrix(
            counted.counts,
            counted.classes,
            positive=codes.reported_positive(self.options.positive, scored),
            zero_division=self.options.zero_division,
        )

    def running_accuracy(self) -> str:
        """The accuracy of each model so far, for the progress bar (waits for the device)."""
        if self.counted == 0:
            return ""
        parts = [
            f"{name}={float(t.correct) / self.counted:.4f}"
            if len(self.trackers) > 1
            else f"{float(t.correct) / self.counted:.4f}"
            for name, t in self.trackers.items()
            if t.correct is not None
        ]
        return " ".join(parts)

    def result(self, dataset: Any, seconds: float) -> EvaluationResult:
        """Compute the matrices and gather the kept samples (over all ranks)."""
        if not self.trackers:
            raise ShapeError("the loader yielded no batches: nothing to evaluate")
        matrices = {name: self._matrix(t) for name, t in self.trackers.items()}
        for tracker in self.trackers.values():
            tracker.check_scores()
        for name, tracker in self.trackers.items():
            tracker.check_range(name)
        self.coverage.check(self.counted)
        kept = {name: t.kept() for name, t in self.trackers.items()}
        paired = {pair: table_from_cells(cells) for pair, cells in self.paired.totals().items()}
        source = "batch" if self.from_batches else self.indexer.source
        return EvaluationResult(matrices, kept, paired, source, dataset, seconds)


def _own(tensor: torch.Tensor) -> torch.Tensor:
    """The tensor, copied if it is a view into a larger one (which gathering would keep alive)."""
    if tensor.untyped_storage().nbytes() > 2 * tensor.numel() * tensor.element_size():
        return tensor.clone()
    return tensor


def _with_progress(loader: Iterable[Any], progress: bool, loop: _Loop) -> Iterator[Any]:
    """The batches, with a tqdm bar on a terminal showing the running accuracy."""
    if not progress or not sys.stderr.isatty() or distributed.rank() != 0:
        yield from loader
        return
    try:
        from tqdm import tqdm
    except ImportError:  # the progress extra is not installed
        yield from loader
        return
    total = len(loader) if hasattr(loader, "__len__") else None  # type: ignore[arg-type]
    loop.track_correct = True
    last = time.monotonic()
    with tqdm(total=total, unit="batch", desc="evaluate", leave=False) as bar:
        for batch in loader:
            yield batch
            bar.update(1)
            if time.monotonic() - last >= _PROGRESS_SECONDS:
                bar.set_postfix_str(f"accuracy {loop.running_accuracy()}")
                last = time.monotonic()
