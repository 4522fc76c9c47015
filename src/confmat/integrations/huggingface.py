"""Hugging Face: ``compute_metrics`` for ``Trainer``, and counting in an Accelerate loop.

``ComputeMetrics`` is a ``compute_metrics`` for ``transformers.Trainer`` (and any
``evaluate``-style caller of ``fn(EvalPrediction)``): it returns the scalar statistics of
:func:`confmat.integrations._logged.scalars` and keeps the matrix in ``.matrix``. The Trainer
has already gathered the predictions of every process and dropped its padding, so the matrix
is counted where it is called, without a further sum. With ``batch_eval_metrics=True`` it is
called per batch and adds the batches up, returning the statistics on the last one.

:func:`update` counts one batch of an Accelerate loop into a :class:`confmat.Accumulator`
without gathering the predictions: it drops the samples Accelerate repeats to even out the
last batch (the ones ``Accelerator.gather_for_metrics`` drops), so ``accumulator.compute()``,
which sums the counts over the processes, counts every sample once.

Neither imports transformers nor accelerate: they read the objects they are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from confmat._internal.core.types import ZeroDivision
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stream.accumulator import Accumulator
from confmat.exceptions import ShapeError
from confmat.integrations import _logged as logged

__all__ = ["ComputeMetrics", "update"]


class ComputeMetrics:
    """``compute_metrics`` for ``transformers.Trainer``: scalar statistics, the matrix kept.

    Predictions are the model's logits ``(N, C)`` (argmax) or ``(N,)`` binary scores; for
    token classification, ``(N, T, C)`` logits and ``(N, T)`` labels are flattened, and the
    positions labelled ``ignore_index`` (-100, the Trainer's padding) are left out. When the
    model returns several outputs, the first is the logits.

    Args:
        num_classes: C (integer labels ``0..C-1``); needed with ``batch_eval_metrics`` unless
            the logits say C.
        classes: the class names, in order (e.g. from ``model.config.id2label``).
        threshold: one score column: the scored class iff ``score >= threshold`` (0.5).
        score_of: the class one score column is the score of (default label 1).
        positive: the class the binary report calls positive (never changes a count).
        from_logits: the predictions are logits (default: the Trainer hands over the model's
            raw outputs).
        ignore_index: labels to leave out (default -100, the Trainer's padding).
        zero_division: the value of 0/0 statistics (default NaN).
        per_class: also per-class precision, recall and F1 (default: up to 20 classes).

    Attributes:
        matrix: the last evaluation's :class:`confmat.ConfusionMatrix` (None before one).

    Examples:
        >>> import numpy as np
        >>> metrics = ComputeMetrics(classes=["neg", "pos"])
        >>> logits = np.array([[2.0, 0.1], [0.3, 1.0], [1.5, 0.2]])
        >>> metrics((logits, np.array([0, 1, 1])))["accuracy"]
        0.6666666666666666
        >>> metrics.matrix.counts.tolist()
        [[1, 0], [1, 1]]
    """

    def __init__(
        self,
        num_classes: int | None = None,
        classes: Sequence[Any] | None = None,
        *,
        threshold: float | None = None,
        score_of: object = None,
        positive: object = None,
        from_logits: bool = True,
        ignore_index: int | None = -100,
        zero_division: ZeroDivision = "nan",
        per_class: bool | None = None,
    ) -> None:
        self.options: dict[str, Any] = {
            "classes": classes,
            "num_classes": num_classes,
            "threshold": threshold,
            "score_of": score_of,
            "positive": positive,
            "from_logits": from_logits,
            "ignore_index": ignore_index,
            "zero_division": zero_division,
        }
        self.per_class = per_class
        self.matrix: ConfusionMatrix | None = None
        self._batches: ConfusionMatrix | None = None

    def __call__(self, eval_pred: Any, compute_result: bool | None = None) -> dict[str, float]:
        """The statistics of ``eval_pred`` (``(predictions, label_ids)``, an ``EvalPrediction``).

        Args:
            eval_pred: the predictions and the labels.
            compute_result: given by the Trainer with ``batch_eval_metrics=True``: False for a
                batch to add, True for the last one (then the statistics of all of them).

        Returns:
            :func:`confmat.integrations._logged.scalars` of the matrix (the Trainer prefixes
            them with ``eval_``); empty for a batch with ``compute_result=False``.
        """
        predictions, labels = eval_pred[0], eval_pred[1]
        if isinstance(predictions, tuple | list):
            predictions = predictions[0]
        y_true, y_pred = _flatten(_tensor(labels), _tensor(predictions))
        cm = ConfusionMatrix.from_predictions(y_true, y_pred, **self.options)
        if compute_result is None:
            self.matrix = cm
            return logged.scalars(cm, self.per_class)
        self._batches = cm if self._batches is None else self._batches + cm
        if not compute_result:
            return {}
        self.matrix, self._batches = self._batches, None
        return logged.scalars(self.matrix, self.per_class)


def _tensor(values: Any) -> torch.Tensor:
    if isinstance(values, torch.Tensor):
        return values.detach()
    return torch.as_tensor(np.asarray(values))


def _flatten(y_true: torch.Tensor, y_pred: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Token classification: ``(N, T)`` labels and ``(N, T, C)`` logits to one row per token."""
    if y_true.ndim <= 1:
        return y_true, y_pred
    if y_pred.shape[: y_true.ndim] != y_true.shape:
        raise ShapeError(
            f"labels of shape {tuple(y_true.shape)} need predictions of the same leading shape "
            f"(plus the classes), got {tuple(y_pred.shape)}",
            argument="labels",
        )
    return y_true.reshape(-1), y_pred.reshape(y_true.numel(), *y_pred.shape[y_true.ndim :])


def update(accelerator: Any, accumulator: Accumulator, y_true: Any, y_pred: Any) -> Accumulator:
    """Count one batch of an Accelerate-prepared loader on this process, padding left out.

    On the last batch, Accelerate (with ``even_batches``, its default) fills every process's
    batch to the same size by repeating samples; ``gather_for_metrics`` keeps the first
    ``gradient_state.remainder`` of the gathered batch. Process ``r`` of a batch of ``n``
    therefore keeps its first ``min(n, max(0, remainder - r * n))`` samples here.

    Args:
        accelerator: the ``accelerate.Accelerator`` that prepared the loader.
        accumulator: where to count (create it with ``num_classes`` or ``classes``).
        y_true: this process's labels ``(n,)``.
        y_pred: this process's labels or scores ``(n,)`` / ``(n, C)``.

    Returns:
        ``accumulator``; its ``compute()`` sums over the processes (call it on all of them).
    """
    state = accelerator.gradient_state
    if accelerator.num_processes > 1 and state.end_of_dataloader and state.remainder > 0:
        n = len(y_true)
        keep = min(n, max(0, state.remainder - accelerator.process_index * n))
        y_true, y_pred = y_true[:keep], y_pred[:keep]
    return accumulator.update(y_true, y_pred)
