"""evaluate_multilabel(): run a multilabel model over a loader and count its predictions.

The multilabel twin of :func:`confmat.evaluate`, sharing its batch plumbing
(:mod:`evaluation.batches`) and model handling (:mod:`evaluation.models`):
the model runs in eval mode under ``torch.inference_mode()`` (its train/eval modes restored
afterwards), batches move to its device, and a :class:`~confmat.MultilabelAccumulator` counts
there without waiting for the device. Under torch.distributed with a ``DistributedSampler``
each sample counts once (the sampler's padding is dropped) and every rank gets the sum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch

from confmat._internal.core import checks
from confmat._internal.core.types import ZeroDivision
from confmat._internal.evaluation import batches, models
from confmat._internal.results.multilabel import MultilabelConfusion
from confmat._internal.stream import distributed
from confmat._internal.stream.multilabel import MultilabelAccumulator
from confmat.exceptions import ShapeError


def evaluate_multilabel(
    model: Callable[..., Any],
    loader: Iterable[Any],
    classes: Sequence[Any] | None = None,
    device: torch.device | str | None = None,
    *,
    num_classes: int | None = None,
    threshold: float | Sequence[float] | torch.Tensor = 0.5,
    from_logits: bool = True,
    ignore_index: int | None = None,
    zero_division: ZeroDivision = "nan",
    batch_fn: Callable[[Any], Any] | None = None,
    input_key: str | None = None,
    target_key: str | None = None,
    output_transform: Callable[[Any], Any] | None = None,
    autocast: bool | torch.dtype = False,
    labels: Sequence[Any] | None = None,
) -> MultilabelConfusion:
    """Run a model with one output per label over a loader; count its ``(N, L)`` predictions.

    Batches are unpacked as :func:`confmat.evaluate` does; targets are ``(N, L)`` 0/1 label
    indicators and outputs ``(N, L)`` scores, **logits by default** (a sigmoid is applied; pass
    ``from_logits=False`` for probabilities). A label is predicted iff its probability is
    ``>= threshold`` (one threshold, or one per label). The options are those of
    :meth:`MultilabelConfusion.from_predictions`, but ``from_logits`` defaults to True.

    Args:
        model: a module (or any callable) whose outputs are ``(N, L)`` scores.
        loader: an iterable of batches, typically a ``torch.utils.data.DataLoader``.
        classes: the label names, one per output column, in column order; alias ``labels``.
        device: where batches go (default: the model's device; must agree with it).
        num_classes: L, checked against the outputs' columns.
        threshold: the probability threshold, one number or one per label.
        from_logits: the outputs are logits (default) rather than probabilities.
        ignore_index: a target value (not 0 or 1, e.g. -100) whose (sample, label) cell is
            left out of everything.
        zero_division: the value of 0/0 statistics of the result (default NaN).
        batch_fn: unpacks a batch into ``(inputs, targets)``.
        input_key: the inputs' key in dict batches.
        target_key: the targets' key in dict batches.
        output_transform: turns the model's outputs into the score tensor.
        autocast: run the model under ``torch.autocast`` (True, or the dtype to use).
        labels: the older name of ``classes`` (not both).

    Returns:
        The :class:`~confmat.MultilabelConfusion` of every sample (of every rank).

    Raises:
        ConfmatError: for unusable batches, outputs, targets or options.

    Examples:
        >>> import torch
        >>> model = torch.nn.Linear(4, 3)
        >>> data = [(torch.randn(8, 4), torch.randint(0, 2, (8, 3))) for _ in range(3)]
        >>> result = evaluate_multilabel(model, data, classes=["a", "b", "c"])
        >>> result.n, result.classes, model.training
        (24, ['a', 'b', 'c'], True)
    """
    classes = checks.one_of(classes, labels, "classes", "labels")
    named = models.named_models(model)
    run_device = models.device_of(named, device)
    sampler = getattr(loader, "sampler", None)
    limit = None
    if isinstance(sampler, torch.utils.data.DistributedSampler):
        limit = distributed.real_samples_on_rank(sampler)
    accumulator = MultilabelAccumulator(
        num_classes,
        classes,
        run_device,
        threshold=threshold,
        from_logits=bool(from_logits),
        ignore_index=ignore_index,
        zero_division=zero_division,
        max_samples=limit,
    )
    (network,) = named.values()
    with (
        models.eval_mode(named.values()),
        torch.inference_mode(),
        models.autocast_context(run_device, autocast),
    ):
        for raw in loader:
            batch = batches.unpack(
                batches.to_device(raw, run_device),
                batch_fn=batch_fn,
                input_key=input_key,
                target_key=target_key,
            )
            outputs = batches.call_model(network, batch.inputs)
            scores = output_transform(outputs) if output_transform else batches.logits_of(outputs)
            accumulator.update(_grid(batch.targets, scores), scores.float())
    return accumulator.compute()


def _grid(targets: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
    """The targets as ``(N, L)`` like the scores (batch unpacking flattens them)."""
    if scores.ndim != 2 or targets.numel() != scores.numel():
        raise ShapeError(
            f"multilabel targets and outputs must both be (N, L), got {targets.numel()} target "
            f"values and outputs of shape {tuple(scores.shape)}"
        )
    return targets.reshape(scores.shape)
