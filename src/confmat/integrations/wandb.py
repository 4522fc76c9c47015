"""Weights & Biases: a confusion matrix as scalars, a table of its non-zero cells and a heatmap.

W&B's own chart needs the raw predictions and stops near 100 classes; here the matrix is
logged from its counts, as a ``wandb.Table`` with one row per non-zero cell (``true``,
``predicted``, ``count``: at most min(N, C^2) rows at any C), which W&B tables filter, sort and
compare across runs. Works online, offline (``WANDB_MODE=offline``) and with Lightning's
``WandbLogger.experiment``.
"""

from __future__ import annotations

import io as _io
from typing import Any

from confmat._internal.core.types import MatrixLike
from confmat.exceptions import OptionError
from confmat.integrations import _logged as logged

__all__ = ["CELL_COLUMNS", "log"]

CELL_COLUMNS = ("true", "predicted", "count")
"""The columns of the cells table."""


def log(
    cm: MatrixLike,
    run: Any = None,
    step: int | None = None,
    *,
    prefix: str = "confusion_matrix",
    scalars: bool = True,
    per_class: bool | None = None,
    heatmap: bool = True,
    commit: bool | None = None,
) -> None:
    """Log ``cm`` (rows true class, columns predicted) to a W&B run, in one ``run.log`` call.

    Keys under ``prefix/``: the scalars of :func:`confmat.integrations._logged.scalars`,
    ``cells`` (a ``wandb.Table`` of the non-zero cells) and ``heatmap`` (a ``wandb.Image``,
    the 30 most confused classes at most).

    Args:
        cm: the confusion matrix.
        run: a ``wandb`` run (default: ``wandb.run``, the one ``wandb.init`` started).
        step: W&B's step (default: W&B's own counter).
        prefix: the keys' prefix.
        scalars: log the scalar statistics.
        per_class: also per-class precision, recall and F1 (default: up to 20 classes).
        heatmap: log the heatmap image (needs matplotlib).
        commit: passed to ``run.log``.

    Raises:
        OptionError: when there is no run to log to.
    """
    import wandb

    if run is None:
        run = wandb.run
    if run is None or not hasattr(run, "log"):
        raise OptionError(
            f"no W&B run to log to: call wandb.init() first or pass run= (got {type(run).__name__})"
        )
    data: dict[str, Any] = {}
    if scalars:
        data |= {f"{prefix}/{k}": v for k, v in logged.scalars(cm, per_class).items()}
    data[f"{prefix}/cells"] = wandb.Table(columns=list(CELL_COLUMNS), data=logged.cells(cm))
    if heatmap:
        data[f"{prefix}/heatmap"] = wandb.Image(_image(logged.heatmap_png(cm)))
    run.log(data, step=step, commit=commit)


def _image(png: bytes) -> Any:
    """PNG bytes as a PIL image (W&B stores it as PNG again)."""
    from PIL import Image

    with Image.open(_io.BytesIO(png)) as image:
        return image.convert("RGB")
