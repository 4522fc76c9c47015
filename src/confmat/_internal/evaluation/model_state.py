"""The evaluation loop's per-run state: counts, kept samples, paired tables, dataset indices.

A thin stateful shell: counting is the Accumulator's, scoring is :mod:`evaluation.batches`',
keeping samples is :mod:`stream.reservoir`'s. Nothing here waits for the device except the
final gathering.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from typing import Any

import torch
import torch.distributed as dist
from torch.utils.data import BatchSampler, DataLoader, IterableDataset, SequentialSampler
from torch.utils.data.distributed import DistributedSampler

from confmat._internal.core import codes
from confmat._internal.evaluation.batches import Scored
from confmat._internal.evaluation.result import IndexSource, ModelSamples
from confmat._internal.stream import distributed
from confmat._internal.stream.accumulator import Accumulator
from confmat._internal.stream.distributed import real_samples_on_rank
from confmat._internal.stream.reservoir import GroupedTopK, Rows, concat, top_k_per_group
from confmat.exceptions import FromLogitsWarning, ScoreError


class Indexer:
    """The dataset index of the samples at stream positions ``start .. start + n - 1``.

    For a DataLoader over a map-style dataset with a sequential or distributed sampler the
    order is known up front ("sampler"); for a DataLoader whose sampler reorders in an unknown
    way the positions are kept but are not dataset indices ("unknown"); for anything else the
    position in the stream is the index ("position").
    """

    def __init__(self, loader: Any, device: torch.device) -> None:
        self.device = device
        self.order: torch.Tensor | None = None
        self.max_samples: int | None = None
        self.source: IndexSource = "position"
        if not isinstance(loader, DataLoader) or isinstance(loader.dataset, IterableDataset):
            return
        batches = loader.batch_sampler
        sampler = loader.sampler
        if batches is not None and type(batches) is not BatchSampler:
            self.source = "unknown"
        elif isinstance(sampler, SequentialSampler):
            self.source = "sampler"
        elif isinstance(sampler, DistributedSampler):
            self.source = "sampler"
            self.order = torch.tensor(list(iter(sampler)), dtype=torch.int64, device=device)
            self.max_samples = real_samples_on_rank(sampler)  # the rest is padding
        else:
            self.source = "unknown"

    def __call__(self, start: int, n: int) -> torch.Tensor:
        """Indices ``(n,)`` on the device."""
        if self.order is not None and start + n <= self.order.shape[0]:
            return self.order[start : start + n]
        return torch.arange(start, start + n, device=self.device)


class ModelTracker:
    """What one model's evaluation keeps: its Accumulator and two sample stores.

    The model's outputs speak labels (column j is label j), and so does the Accumulator (its
    classes look them up); the sample stores keep class indices, the order of ``classes``
    (:func:`core.codes.column_classes` maps labels to them, ``order``: None when they are the
    same).
    """

    def __init__(
        self,
        accumulator: Accumulator,
        keep_samples: int,
        keep_worst: int,
        generator: Any,
        from_logits: bool,
        names: list[str] | None = None,
        order: torch.Tensor | None = None,
        scored: int | None = None,
    ) -> None:
        self.accumulator = accumulator
        self.from_logits = from_logits
        self.names = names or list(map(str, range(accumulator.num_classes or 0)))
        self.order = order  # label (column) j -> class index, None when they are the same
        self.scored = scored  # the class one binary score is the score of
        self.scored_label = 1  # ... and its label
        if scored is not None:
            self.scored_label = scored if order is None else int((order == scored).nonzero()[0])
        self.multiclass = True
        self.num_classes = accumulator.num_classes or 0
        self.reservoir = GroupedTopK(keep_samples, groups=self.num_classes**2)
        self.worst = GroupedTopK(keep_worst, groups=1)
        self.generator = generator
        self.correct: torch.Tensor | None = None
        self.bad_scores: torch.Tensor | None = None
        self.range: torch.Tensor | None = None  # -min, max, largest |row sum - 1|: on device

    def add(
        self,
        labels: torch.Tensor,
        targets: torch.Tensor,
        scores: torch.Tensor,
        scored: Scored,
        index: torch.Tensor,
    ) -> torch.Tensor:
        """Count a batch and offer its samples to the stores; returns which were correct.

        ``labels`` are the targets as given (the Accumulator checks them), ``targets`` the
        same as int64. The Accumulator gets the predicted labels; invalid scores (NaN or
        infinite, probabilities outside [0, 1]) are counted here, on the device.
        """
        self.multiclass = codes.is_multiclass(scores)
        self.accumulator.update(labels, scored.pred)  # scored once, by the one rule
        true, pred = self.class_of(labels), self.class_of(scored.pred)  # for the stores
        if self.multiclass:  # a NaN or infinite row gives a NaN confidence: one cheap pass
            bad = torch.isnan(scored.confidence).sum()
        else:
            bad = codes.invalid_scores(scores, self.from_logits).sum()
        self.bad_scores = bad if self.bad_scores is None else self.bad_scores + bad
        self._track_range(scores.detach())
        correct = scored.pred == targets
        n = targets.shape[0]
        if self.order is not None:
            targets = true
        ints = torch.stack([index.to(torch.int64), targets, pred], dim=1)
        floats = torch.stack([scored.confidence, scored.loss], dim=1)
        if self.reservoir.k > 0:
            group = targets.clamp(0, self.num_classes - 1) * self.num_classes + pred
            key = torch.rand(n, generator=self.generator, device=targets.device)
            self.reservoir.push(Rows(group, key, ints, floats))
        if self.worst.k > 0:
            key = torch.nan_to_num(scored.loss, nan=float("inf"))
            self.worst.push(Rows(torch.zeros_like(targets), key, ints, floats))
        return correct

    def class_of(self, labels: torch.Tensor) -> torch.Tensor:
        """Class indices of labels (the outputs' columns); invalid labels stay invalid.

        Labels as given when the classes are in column order.

        Examples:
            >>> tracker = ModelTracker(Accumulator(num_classes=2), 0, 0, None, True, ["1", "0"],
            ...                        order=torch.tensor([1, 0]))
            >>> tracker.class_of(torch.tensor([0, 1, 5, -1])).tolist()
            [1, 0, 5, -1]
        """
        if self.order is None:
            return labels
        size = self.order.shape[0]
        values = codes.whole_labels(labels, size) if labels.is_floating_point() else labels.long()
        inside = (values >= 0) & (values < size)
        return torch.where(inside, self.order.to(values.device)[values.clamp(0, size - 1)], values)

    def _track_range(self, scores: torch.Tensor) -> None:
        """Keep the smallest and largest output and how far a row's sum is from 1 (no wait).

        Rows of ``(N, C)`` scores that sum to 1 are probabilities (a softmax); binary scores
        have no row sum (the gap is 0).
        """
        gap = scores.sum(dim=1, dtype=torch.float64).sub(1).abs().amax() if self.multiclass else 0
        found = torch.stack([-scores.amin().double(), scores.amax().double(), torch.as_tensor(gap)])
        self.range = found if self.range is None else torch.maximum(self.range, found)

    def check_range(self, name: str) -> None:
        """Warn once if the outputs contradict ``from_logits`` (one wait for the device)."""
        if self.range is None:
            return
        found = self.range.clone()
        if distributed.is_active():
            dist.all_reduce(found, op=dist.ReduceOp.MAX)
        low, high, gap = found.tolist()
        message = scale_advice(name, -low, high, gap, self.from_logits, self.multiclass)
        if message:
            warnings.warn(message, FromLogitsWarning, stacklevel=4)

    def count_correct(self, correct: torch.Tensor) -> None:
        """Add to the running count of correct predictions (for the progress bar)."""
        total = correct.sum()
        self.correct = total if self.correct is None else self.correct + total

    def check_scores(self) -> None:
        """Raise if some samples' scores were invalid (one wait for the device)."""
        if self.bad_scores is None:
            return
        total = self.bad_scores
        if distributed.is_active():
            total = total.clone()
            dist.all_reduce(total)
        if not int(total):
            return
        if self.multiclass:
            raise ScoreError(
                f"the model's outputs held NaN in {int(total)} sample(s) (rows of scores)"
            )
        advice = "" if self.from_logits else " (pass from_logits=True for logits)"
        raise ScoreError(
            f"the model's outputs held {int(total)} invalid binary score(s): NaN, infinite, "
            f"or probabilities outside [0, 1]{advice}"
        )

    def kept(self) -> ModelSamples:
        """The kept samples, gathered from every rank under torch.distributed."""
        return ModelSamples(
            _gathered(self.reservoir.rows(), self.reservoir.k),
            _gathered(self.worst.rows(), self.worst.k),
        )


def scale_advice(
    name: str, low: float, high: float, gap: float, from_logits: bool, multiclass: bool
) -> str:
    """Why outputs from ``low`` to ``high`` contradict ``from_logits``, or "" if they do not.

    Read as logits, binary outputs that all lie in [0, 1] and ``(N, C)`` outputs whose rows
    also sum to 1 (within ``gap`` <= 1e-3) look like probabilities; read as probabilities,
    ``(N, C)`` outputs outside [0, 1] look like logits (binary ones are refused already).

    Examples:
        >>> scale_advice("m", 0.01, 0.98, 0.0, True, False)[:60]
        "model 'm' gave outputs that all lie in [0, 1] (0.01 to 0.98)"
        >>> scale_advice("m", 0.01, 0.98, 0.3, True, True)  # not a softmax: no advice
        ''
    """
    seen = f"({low:.4g} to {high:.4g})"
    harm = (
        "the predictions (an argmax) are right, but the kept samples' confidences and losses "
        "are not"
    )
    if from_logits and low >= 0 and high <= 1 and gap <= 1e-3:
        if not multiclass:
            harm = (
                "every prediction thresholds sigmoid(output), which lies in [0.5, 0.73] for "
                "such outputs: the confusion matrix is wrong"
            )
        rows = " and sum to 1 in every row" if multiclass else ""
        return (
            f"model {name!r} gave outputs that all lie in [0, 1] {seen}{rows}: they look like "
            "probabilities, but evaluate() reads them as logits (from_logits=True, the "
            f"default), so {harm}. If the model ends in a sigmoid or softmax, pass "
            "from_logits=False"
        )
    if not from_logits and multiclass and (low < 0 or high > 1):
        return (
            f"model {name!r} gave outputs outside [0, 1] {seen}: they look like logits, but "
            f"from_logits=False reads them as probabilities, so {harm}. Pass from_logits=True "
            "(the default) for logits"
        )
    return ""


def _gathered(rows: Rows | None, k: int) -> Rows | None:
    local = None if rows is None else rows.cpu()
    if not distributed.is_active():
        return local
    parts: list[Rows | None] = [None] * dist.get_world_size()
    dist.all_gather_object(parts, local)
    found = [p for p in parts if p is not None]
    return top_k_per_group(concat(found), k) if found else None


class PairedTables:
    """The correctness table of every pair of models, accumulated on the device.

    Cell codes: 0 both right, 1 only the first, 2 only the second, 3 both wrong.
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.pairs = list(itertools.combinations(names, 2))
        self.tables: dict[tuple[str, str], torch.Tensor] = {}

    def add(self, correct: dict[str, torch.Tensor]) -> None:
        """Count one batch given each model's correctness ``(N,)``."""
        for a, b in self.pairs:
            code = (~correct[a]).long() * 2 + (~correct[b]).long()
            table = self.tables.get((a, b))
            if table is None:
                table = torch.zeros(4, dtype=torch.int64, device=code.device)
                self.tables[(a, b)] = table
            # a scatter-add: unlike bincount on CUDA, it never waits for the device
            table.index_put_((code,), torch.ones((), dtype=torch.int64, device=code.device), True)

    def totals(self) -> dict[tuple[str, str], list[int]]:
        """Each table as ``[both right, only a, only b, both wrong]``, for both orders.

        Summed over ranks under torch.distributed.
        """
        result: dict[tuple[str, str], list[int]] = {}
        for (a, b), table in self.tables.items():
            if distributed.is_active():
                table = table.clone()
                dist.all_reduce(table)
            both, only_a, only_b, wrong = table.tolist()
            result[(a, b)] = [both, only_a, only_b, wrong]
            result[(b, a)] = [both, only_b, only_a, wrong]
        return result
