"""Lightning: a callback that counts validation and test predictions exactly, also under DDP.

``ConfusionMatrixCallback`` counts each batch into a :class:`confmat.Accumulator` on the
module's device (no host sync per batch), drops the samples ``DistributedSampler`` repeats to
pad the ranks (:func:`stream.distributed.real_samples_on_rank`), sums the counts over
the ranks at epoch end, logs the scalar statistics through ``pl_module.log`` (so checkpoints
and early stopping can monitor ``val/macro_f1``) and the matrix, heatmap and report to each
attached logger: TensorBoard, MLflow and W&B by :mod:`confmat.integrations`' ``log``; any
other logger with a ``log_dir`` (CSVLogger) gets the JSON document.

The callback class is built on first use from ``lightning.pytorch.Callback`` (or
``pytorch_lightning.Callback`` when only that package is installed), so importing this module
does not import Lightning; its logic is :class:`ConfusionMatrixHooks`.
"""

from __future__ import annotations

import functools
import importlib
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from confmat._internal.core.types import ZeroDivision
from confmat._internal.io import writing as output
from confmat._internal.report.json import render_json
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stream.accumulator import Accumulator
from confmat._internal.stream.distributed import real_samples_on_rank
from confmat.exceptions import OptionError
from confmat.integrations import _logged as logged

# ConfusionMatrixCallback is made by the module's __getattr__ on first access.
__all__ = ["ConfusionMatrixCallback", "ConfusionMatrixHooks", "default_select"]  # noqa: F822

Select = Callable[[Any, Any], tuple[Any, Any]]
"""``select(outputs, batch) -> (y_true, y_pred)``: what to count from one step."""

_PRED_KEYS = ("preds", "y_pred", "logits", "scores", "probs")
_TRUE_KEYS = ("target", "targets", "y_true", "labels", "label", "y")
_PREFIXES = {"validate": "val", "test": "test"}


def default_select(outputs: Any, batch: Any) -> tuple[Any, Any]:
    """``(y_true, y_pred)`` of one step, from what the step returned and the batch.

    ``y_pred``: ``outputs`` itself (a tensor of labels or scores) or its first key among
    ``preds``, ``y_pred``, ``logits``, ``scores``, ``probs``. ``y_true``: the first of
    ``target``, ``targets``, ``y_true``, ``labels``, ``label``, ``y`` in ``outputs``, else in
    the batch (a mapping), else the batch's second item (an ``(x, y)`` sequence).

    Raises:
        OptionError: when either is not found (pass ``select=`` to the callback).

    Examples:
        >>> import torch
        >>> default_select(torch.tensor([1, 0]), (torch.zeros(2, 3), torch.tensor([1, 1])))
        (tensor([1, 1]), tensor([1, 0]))
        >>> default_select({"logits": "L", "labels": "T"}, None)
        ('T', 'L')
    """
    y_pred = _first(outputs, _PRED_KEYS) if isinstance(outputs, Mapping) else outputs
    y_true = _first(outputs, _TRUE_KEYS) if isinstance(outputs, Mapping) else None
    if y_true is None and isinstance(batch, Mapping):
        y_true = _first(batch, _TRUE_KEYS)
    elif y_true is None and isinstance(batch, Sequence) and len(batch) >= 2:
        y_true = batch[1]
    if y_pred is None or y_true is None:
        raise OptionError(
            "ConfusionMatrixCallback found no "
            + ("predictions" if y_pred is None else "targets")
            + f" in the step's outputs ({type(outputs).__name__}) and batch "
            f"({type(batch).__name__}): return the scores or a dict with 'preds' and 'target' "
            "from validation_step/test_step, or pass select=lambda outputs, batch: (y_true, y_pred)"
        )
    return y_true, y_pred


def _first(mapping: Mapping[str, Any], keys: Sequence[str]) -> Any:
    return next((mapping[k] for k in keys if k in mapping), None)


class ConfusionMatrixHooks:
    """The logic of ``ConfusionMatrixCallback`` (which adds Lightning's ``Callback`` base).

    Args:
        num_classes: C (integer labels ``0..C-1``).
        classes: the class names, in order.
        select: ``select(outputs, batch) -> (y_true, y_pred)``; default :func:`default_select`.
        stages: ``"validate"`` and/or ``"test"``.
        threshold: one score column: the scored class iff ``score >= threshold`` (0.5).
        score_of: the class one score column is the score of (default label 1).
        positive: the class the binary report calls positive (never changes a count).
        from_logits: the step's scores are logits (default, as a model's raw outputs are).
        ignore_index: samples whose true label equals it are left out.
        zero_division: the value of 0/0 statistics (default NaN).
        scalars: log the scalar statistics with ``pl_module.log`` as ``val/accuracy``, ...
        per_class: also per-class precision, recall and F1 (default False: each
            ``pl_module.log`` call costs about a millisecond at the epoch's end).
        heatmap: log the heatmap image to the loggers (needs matplotlib).
        report: log the report to the loggers.

    Attributes:
        matrices: the last matrix of each stage and dataloader, by prefix (``"val"``,
            ``"test"``, ``"val/dataloader_1"``, ...), the same on every rank.
    """

    def __init__(
        self,
        num_classes: int | None = None,
        classes: Sequence[Any] | None = None,
        *,
        select: Select | None = None,
        stages: Sequence[str] = ("validate", "test"),
        threshold: float | None = None,
        score_of: object = None,
        positive: object = None,
        from_logits: bool = True,
        ignore_index: int | str | None = None,
        zero_division: ZeroDivision = "nan",
        scalars: bool = True,
        per_class: bool = False,
        heatmap: bool = True,
        report: bool = True,
    ) -> None:
        unknown = sorted(set(stages) - set(_PREFIXES))
        if isinstance(stages, str) or unknown:
            raise OptionError(
                f"stages must hold 'validate' and/or 'test', got {stages!r}", argument="stages"
            )
        self.stages = tuple(stages)
        self.select = select or default_select
        self.scalars, self.per_class, self.heatmap, self.report = (
            scalars,
            per_class,
            heatmap,
            report,
        )
        self.accumulator = functools.partial(
            Accumulator,
            num_classes,
            classes,
            threshold=threshold,
            score_of=score_of,
            positive=positive,
            from_logits=from_logits,
            ignore_index=ignore_index,
            zero_division=zero_division,
        )
        self.accumulator()  # checks the options now
        self.matrices: dict[str, ConfusionMatrix] = {}
        self._counting: list[Accumulator] = []

    # -- Lightning's hooks ------------------------------------------------------------------

    def on_validation_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        """Start counting (not during the sanity check)."""
        self._start("validate", trainer, pl_module, trainer.val_dataloaders)

    def on_validation_batch_end(
        self,
        trainer: Any,
        pl_module: Any,
        outputs: Any,
        batch: Any,
        batch_idx: int,
        dataloader_idx: int = 0,
    ) -> None:
        """Count the batch."""
        self._update(outputs, batch, dataloader_idx)

    def on_validation_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        """Sum over the ranks and log."""
        self._finish("validate", trainer, pl_module)

    def on_test_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        """Start counting."""
        self._start("test", trainer, pl_module, trainer.test_dataloaders)

    def on_test_batch_end(
        self,
        trainer: Any,
        pl_module: Any,
        outputs: Any,
        batch: Any,
        batch_idx: int,
        dataloader_idx: int = 0,
    ) -> None:
        """Count the batch."""
        self._update(outputs, batch, dataloader_idx)

    def on_test_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        """Sum over the ranks and log."""
        self._finish("test", trainer, pl_module)

    # -- counting ---------------------------------------------------------------------------

    def _start(self, stage: str, trainer: Any, pl_module: Any, loaders: Any) -> None:
        self._counting = []
        if stage not in self.stages or getattr(trainer, "sanity_checking", False):
            return
        self._counting = [
            self.accumulator(device=pl_module.device, max_samples=_real_samples(loader))
            for loader in _as_list(loaders)
        ] or [self.accumulator(device=pl_module.device)]

    def _update(self, outputs: Any, batch: Any, dataloader_idx: int) -> None:
        if self._counting:
            y_true, y_pred = self.select(outputs, batch)
            self._counting[dataloader_idx].update(y_true, y_pred)

    def _finish(self, stage: str, trainer: Any, pl_module: Any) -> None:
        counting, self._counting = self._counting, []
        for index, accumulator in enumerate(counting):
            name = _PREFIXES[stage] + (f"/dataloader_{index}" if len(counting) > 1 else "")
            cm = accumulator.compute()  # on every rank: sums the counts over the ranks
            self.matrices[name] = cm
            if self.scalars:
                for key, value in logged.scalars(cm, self.per_class).items():
                    # the same value on every rank: "max" keeps it exact (a mean may round)
                    pl_module.log(f"{name}/{key}", value, sync_dist=True, reduce_fx="max")
            if trainer.is_global_zero:
                for logger in trainer.loggers:
                    self._to_logger(logger, cm, name, int(trainer.global_step))

    def _to_logger(self, logger: Any, cm: ConfusionMatrix, name: str, step: int) -> None:
        kind = type(logger).__name__
        options: dict[str, Any] = {"prefix": name, "scalars": False, "heatmap": self.heatmap}
        if kind == "TensorBoardLogger":
            from confmat.integrations import tensorboard

            tensorboard.log(cm, logger.experiment, step, report=self.report, **options)
        elif kind == "MLFlowLogger":
            from confmat.integrations import mlflow

            run = logger.run_id
            mlflow.log(cm, run, step, client=logger.experiment, report=self.report, **options)
        elif kind == "WandbLogger":
            from confmat.integrations import wandb

            wandb.log(cm, logger.experiment, **options)
        elif isinstance(getattr(logger, "log_dir", None), str):
            path = Path(logger.log_dir, "confusion_matrix", f"{name}-step_{step}.json")
            path.parent.mkdir(parents=True, exist_ok=True)
            output.write_atomic(path, render_json(cm))


def _as_list(loaders: Any) -> list[Any]:
    if loaders is None:
        return []
    if isinstance(loaders, Mapping):
        return list(loaders.values())
    if isinstance(loaders, list | tuple):
        return list(loaders)
    return [loaders]


def _real_samples(loader: Any) -> int | None:
    """The samples of this rank that are not DistributedSampler's padding (None: all)."""
    from torch.utils.data import DistributedSampler

    sampler = getattr(loader, "sampler", None)
    return real_samples_on_rank(sampler) if isinstance(sampler, DistributedSampler) else None


@functools.cache
def _callback_class() -> type:
    for package in ("lightning.pytorch", "pytorch_lightning"):  # the older name comes second
        try:
            base = importlib.import_module(package).Callback
            break
        except ImportError:
            continue
    else:
        raise ImportError(
            'ConfusionMatrixCallback needs Lightning: pip install "confmat[lightning]"'
        )

    def body(namespace: dict[str, Any]) -> None:
        namespace.update(__doc__=ConfusionMatrixHooks.__doc__, __module__=__name__)

    return types.new_class("ConfusionMatrixCallback", (ConfusionMatrixHooks, base), {}, body)


def __getattr__(name: str) -> Any:
    """``ConfusionMatrixCallback``, built from Lightning's ``Callback`` on first access."""
    if name == "ConfusionMatrixCallback":
        return _callback_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
