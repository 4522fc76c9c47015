"""TensorBoard: a confusion matrix as scalars, a heatmap image and text tables of one step.

Works with ``torch.utils.tensorboard.SummaryWriter`` (package ``tensorboard``), tensorboardX's
writer, and Lightning's ``TensorBoardLogger.experiment``. Every step gets its own heatmap and
tables, so TensorBoard's step slider walks through the epochs and runs sit side by side.
"""

from __future__ import annotations

import io as _io
from typing import Any

from confmat._internal.core.types import MatrixLike
from confmat._internal.report.markdown import render_markdown
from confmat.exceptions import OptionError
from confmat.integrations import _logged as logged

__all__ = ["log"]


def log(
    cm: MatrixLike,
    writer: Any,
    step: int | None = None,
    *,
    prefix: str = "confusion_matrix",
    scalars: bool = True,
    per_class: bool | None = None,
    heatmap: bool = True,
    report: bool = True,
) -> None:
    """Write ``cm`` (rows true class, columns predicted) to a TensorBoard ``SummaryWriter``.

    Logs, under ``prefix/``: the scalars of :func:`confmat.integrations._logged.scalars`
    (``accuracy``, ``macro_f1``, ..., ``samples``), the image ``heatmap``, the text ``matrix``
    (the counts as a Markdown table; the non-zero cells beyond 30 classes) and the text
    ``report`` (:func:`report.render_markdown`).

    Args:
        cm: the confusion matrix.
        writer: a ``SummaryWriter`` (anything with ``add_scalar``, ``add_image``, ``add_text``).
        step: the global step (epoch or batch count).
        prefix: the tags' prefix.
        scalars: log the scalar statistics.
        per_class: also per-class precision, recall and F1 (default: up to 20 classes).
        heatmap: log the heatmap (needs matplotlib; the 30 most confused classes at most).
        report: log the Markdown report.

    Raises:
        OptionError: when ``writer`` is not a summary writer.

    Examples:
        >>> import tempfile
        >>> from torch.utils.tensorboard import SummaryWriter
        >>> from confmat import ConfusionMatrix
        >>> with SummaryWriter(tempfile.mkdtemp()) as writer:
        ...     log(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"]), writer, step=1)
    """
    missing = [m for m in ("add_scalar", "add_image", "add_text") if not hasattr(writer, m)]
    if missing:
        raise OptionError(
            "writer must be a TensorBoard SummaryWriter (with add_scalar, add_image and "
            f"add_text), got {type(writer).__name__}",
            argument="writer",
        )
    if scalars:
        for name, value in logged.scalars(cm, per_class).items():
            writer.add_scalar(f"{prefix}/{name}", value, step)
    if heatmap:
        writer.add_image(f"{prefix}/heatmap", _rgb(logged.heatmap_png(cm)), step, dataformats="HWC")
    writer.add_text(f"{prefix}/matrix", logged.grid_markdown(cm), step)
    if report:
        writer.add_text(f"{prefix}/report", render_markdown(cm), step)


def _rgb(png: bytes) -> Any:
    """PNG bytes as a ``(H, W, 3)`` uint8 array."""
    import numpy as np
    from PIL import Image

    with Image.open(_io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))
