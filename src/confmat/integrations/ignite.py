"""Ignite: a ``Metric`` whose value is the exact confusion matrix of an evaluator's epoch.

``ConfusionMatrixMetric`` counts each iteration's ``(y_pred, y)`` into a
:class:`confmat.Accumulator` on the batches' device. Its distributed sync is confmat's own:
``compute`` sums the counts over the ranks (every rank calls it, as Ignite's ``completed``
does), after each rank dropped the samples a ``DistributedSampler`` repeated to pad the ranks
(read from ``engine.state.dataloader`` when the epoch starts). The value in
``engine.state.metrics[name]`` is a :class:`confmat.ConfusionMatrix`.

The class is built on first use from ``ignite.metrics.Metric``, so importing this module does
not import Ignite; its logic is :class:`ConfusionMatrixMetricLogic`.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

from confmat._internal.core.types import ZeroDivision
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stream.accumulator import Accumulator
from confmat._internal.stream.distributed import real_samples_on_rank
from confmat.exceptions import OptionError

# ConfusionMatrixMetric is made by the module's __getattr__ on first access.
__all__ = ["ConfusionMatrixMetric", "ConfusionMatrixMetricLogic"]  # noqa: F822


class ConfusionMatrixMetricLogic:
    """The logic of ``ConfusionMatrixMetric`` (which adds Ignite's ``Metric`` base).

    Args:
        num_classes: C (integer labels ``0..C-1``).
        classes: the class names, in order.
        output_transform: turns the engine's output into ``(y_pred, y)`` (or a mapping with
            ``y_pred`` and ``y``), as for every Ignite metric.
        device: where the counts live (default: the batches' device).
        threshold: one score column: the scored class iff ``score >= threshold`` (0.5).
        score_of: the class one score column is the score of (default label 1).
        positive: the class the binary report calls positive (never changes a count).
        from_logits: the model's scores are logits (default, as a model's raw outputs are).
        ignore_index: samples whose true label equals it are left out.
        zero_division: the value of 0/0 statistics (default NaN).
    """

    def __init__(
        self,
        num_classes: int | None = None,
        classes: Sequence[Any] | None = None,
        output_transform: Callable[[Any], Any] = lambda output: output,
        device: str | torch.device | None = None,
        *,
        threshold: float | None = None,
        score_of: object = None,
        positive: object = None,
        from_logits: bool = True,
        ignore_index: int | str | None = None,
        zero_division: ZeroDivision = "nan",
    ) -> None:
        self._make = functools.partial(
            Accumulator,
            num_classes,
            classes,
            device,
            threshold=threshold,
            score_of=score_of,
            positive=positive,
            from_logits=from_logits,
            ignore_index=ignore_index,
            zero_division=zero_division,
        )
        self._accumulator = self._make()  # checks the options now
        base: Any = super()
        base.__init__(output_transform=output_transform, device=device or "cpu")

    def reset(self, max_samples: int | None = None) -> None:
        """Forget every sample; count at most ``max_samples`` on this rank from now on."""
        self._accumulator = self._make(max_samples=max_samples)

    def started(self, engine: Any) -> None:
        """At each epoch's start: reset, leaving out the DistributedSampler's padding."""
        sampler = getattr(getattr(engine.state, "dataloader", None), "sampler", None)
        if isinstance(sampler, torch.utils.data.DistributedSampler):
            self.reset(real_samples_on_rank(sampler))
        else:
            self.reset()

    def update(self, output: Any) -> None:
        """Count one iteration's ``(y_pred, y)`` (labels, or scores as ``from_predictions``)."""
        if isinstance(output, Mapping) and "y_pred" in output and "y" in output:
            y_pred, y_true = output["y_pred"], output["y"]
        elif isinstance(output, Sequence) and len(output) == 2:
            y_pred, y_true = output
        else:
            raise OptionError(
                "ConfusionMatrixMetric needs (y_pred, y) or a dict with 'y_pred' and 'y' from "
                f"output_transform, got {type(output).__name__}"
            )
        self._accumulator.update(y_true, y_pred)

    def compute(self) -> ConfusionMatrix:
        """The matrix of every sample counted since the last reset, summed over the ranks."""
        return self._accumulator.compute()


@functools.cache
def _metric_class() -> type:
    try:
        from ignite.metrics import Metric
    except ImportError:
        raise ImportError(
            'ConfusionMatrixMetric needs Ignite: pip install "confmat[ignite]"'
        ) from None

    def body(namespace: dict[str, Any]) -> None:
        namespace.update(__doc__=ConfusionMatrixMetricLogic.__doc__, __module__=__name__)

    return types.new_class("ConfusionMatrixMetric", (ConfusionMatrixMetricLogic, Metric), {}, body)


def __getattr__(name: str) -> Any:
    """``ConfusionMatrixMetric``, built from Ignite's ``Metric`` on first access."""
    if name == "ConfusionMatrixMetric":
        return _metric_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
