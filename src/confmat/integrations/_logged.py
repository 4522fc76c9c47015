"""What every integration logs, computed once: scalars, non-zero cells, the heatmap, the grid.

C[i, j] counts the samples of true class i predicted as class j. The trackers' ``log`` functions
and the training-framework hooks all read a matrix through these functions, so a statistic is
named, a cell listed and a figure bounded the same way everywhere.

Large class counts stay bounded: the heatmap shows at most :data:`HEATMAP_TOP` classes (those
most involved in confusions, :func:`show.heatmap.heatmap` with ``top``); the cells are
the non-zero ones only (at most min(N, C^2) rows); the Markdown grid is written in full up to
:data:`GRID_MAX` classes and as the list of non-zero cells beyond; per-class scalars are logged
by default up to :data:`PER_CLASS_MAX` classes.
"""

from __future__ import annotations

import re
from typing import Any

from confmat._internal.core.types import MatrixLike
from confmat._internal.report.markdown import escape
from confmat._internal.show import figures
from confmat._internal.show.heatmap import heatmap

__all__ = [
    "AVERAGED",
    "GRID_MAX",
    "HEATMAP_TOP",
    "OVERALL",
    "PER_CLASS",
    "PER_CLASS_MAX",
    "cells",
    "grid_markdown",
    "heatmap_png",
    "metric_name",
    "scalars",
]

OVERALL = ("accuracy", "balanced_accuracy", "cohen_kappa", "mcc")
"""Whole-matrix statistics logged as scalars."""
AVERAGED = ("precision", "recall", "f1")
"""Statistics logged as their macro and weighted averages (``macro_f1``, ...)."""
PER_CLASS = ("precision", "recall", "f1")
"""Statistics logged per class (``f1/cat``, ...) when ``per_class`` is on."""
PER_CLASS_MAX = 20
"""``per_class=None`` logs per-class scalars up to this many classes."""
HEATMAP_TOP = 30
"""Beyond this many classes the heatmap shows only the classes most involved in confusions."""
GRID_MAX = 30
"""Beyond this many classes the Markdown grid lists the non-zero cells instead."""

_UNSAFE = re.compile(r"[^\w.\- /:]")


def metric_name(text: str) -> str:
    """A scalar's name that every tracker accepts: other characters become ``_``.

    Examples:
        >>> metric_name("f1/cat (big)+")
        'f1/cat _big__'
    """
    return _UNSAFE.sub("_", text)


def scalars(cm: MatrixLike, per_class: bool | None = None) -> dict[str, float]:
    """The scalar statistics of ``cm`` by name: overall, averaged, per class, and ``samples``.

    Args:
        cm: the confusion matrix.
        per_class: add ``precision/<class>``, ``recall/<class>``, ``f1/<class>``; default only
            up to :data:`PER_CLASS_MAX` classes.

    Returns:
        Names (safe for every tracker, :func:`metric_name`) to floats; NaN where undefined.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> values = scalars(ConfusionMatrix([[3, 1], [0, 4]], ["no", "yes"]))
        >>> values["accuracy"], values["macro_recall"], values["recall/yes"], values["samples"]
        (0.875, 0.875, 1.0, 8.0)
    """
    values = {name: float(getattr(cm, name)) for name in OVERALL}
    for method in ("macro", "weighted"):
        values.update({f"{method}_{s}": cm.average(s, method) for s in AVERAGED})
    if per_class if per_class is not None else len(cm.classes) <= PER_CLASS_MAX:
        for statistic in PER_CLASS:
            per = cm.per_class(statistic).tolist()
            values.update(
                {f"{statistic}/{c}": float(x) for c, x in zip(cm.classes, per, strict=True)}
            )
    values["samples"] = float(cm.n)
    return {metric_name(name): value for name, value in values.items()}


def cells(cm: MatrixLike) -> list[Any]:
    """The non-zero cells as ``[true class, predicted class, count]`` rows, row-major order.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cells(ConfusionMatrix([[3, 0], [1, 4]], ["no", "yes"]))
        [['no', 'no', 3], ['yes', 'no', 1], ['yes', 'yes', 4]]
    """
    where = cm.counts.nonzero()
    counts = cm.counts[where[:, 0], where[:, 1]].tolist()
    names = cm.classes
    return [
        [names[i], names[j], count] for (i, j), count in zip(where.tolist(), counts, strict=True)
    ]


def grid_markdown(cm: MatrixLike) -> str:
    r"""The matrix as a Markdown table: rows true, columns predicted (non-zero cells if large).

    Up to :data:`GRID_MAX` classes, the full grid; beyond, one row per non-zero cell.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> print(grid_markdown(ConfusionMatrix([[3, 0], [1, 4]], ["no", "yes"])))
        | true \ predicted | no | yes |
        |---|--:|--:|
        | no | 3 | 0 |
        | yes | 1 | 4 |
    """
    names = [escape(c) for c in cm.classes]
    if len(names) > GRID_MAX:
        lines = ["| true class | predicted class | count |", "|---|---|--:|"]
        lines += [f"| {escape(str(t))} | {escape(str(p))} | {n} |" for t, p, n in cells(cm)]
        return "\n".join(lines)
    lines = ["| true \\ predicted | " + " | ".join(names) + " |"]
    lines.append("|---|" + "--:|" * len(names))
    for name, row in zip(names, cm.counts.tolist(), strict=True):
        lines.append(f"| {name} | " + " | ".join(map(str, row)) + " |")
    return "\n".join(lines)


def heatmap_png(cm: MatrixLike, dpi: float | None = None) -> bytes:
    r"""The heatmap as PNG bytes (at most :data:`HEATMAP_TOP` classes); the figure is closed.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> heatmap_png(ConfusionMatrix([[3, 1], [0, 4]]))[:4]
        b'\x89PNG'
    """
    top = HEATMAP_TOP if len(cm.classes) > HEATMAP_TOP else None
    display = heatmap(cm, top=top)
    try:
        return figures.render(display, "png", dpi)
    finally:
        figures.close(display)
