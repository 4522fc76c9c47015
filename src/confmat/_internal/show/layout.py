"""Sizes, fonts, labels, cell texts and colour scales of the heatmap: pure arithmetic.

No matplotlib here; :mod:`show.heatmap` draws with what these functions decide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from confmat._internal.core.types import Normalize
from confmat.exceptions import one_line, printable

ALL_CELLS_ANNOTATED = 30
"""Up to this many classes every cell is annotated; beyond, only the notable ones."""


class Layout(NamedTuple):
    """Sizes that adapt to the number of classes: cell side (inches) and font sizes (points)."""

    cell: float
    tick_font: float
    tick_step: int
    annotate_font: float


def shorten(name: str, max_length: int) -> str:
    """One line of at most ``max_length`` characters: the start and end around an ellipsis.

    Examples:
        >>> shorten("a very long class name", 9), shorten("", 9)
        ('a ve…name', "''")
    """
    text = one_line(name)  # control characters made visible: no raw bytes in a figure
    if not text:
        return repr(name)
    if len(text) <= max_length:
        return text
    head = math.ceil((max_length - 1) / 2)
    tail = max_length - 1 - head
    return text[:head].rstrip() + "…" + (text[-tail:].lstrip() if tail else "")


def title_text(title: str) -> str:
    r"""A figure's title as drawn: each of its lines with control characters made visible.

    The title may come from a file or the command line (``--title``): escape sequences, CR and
    bidirectional overrides are written as ``\x1b``, ``\r``, ``\u202e`` (the one rule,
    :func:`confmat.exceptions.printable`); line breaks stay line breaks.

    Examples:
        >>> print(title_text("Run \x1b[31m7\rok\nvalidation"))
        Run \x1b[31m7\rok
        validation
    """
    return "\n".join(printable(line) for line in title.split("\n"))


def shorten_labels(names: Sequence[str], max_length: int) -> list[str]:
    r"""Class names made fit for an axis: one line, at most ``max_length`` characters, unique.

    Long names keep their start and end around an ellipsis; names that become equal get their
    position appended.

    Examples:
        >>> shorten_labels(["cat", "a very long class name indeed", "two\nlines", ""], 12)
        ['cat', 'a very…ndeed', 'two lines', "''"]
        >>> shorten_labels(["prefix_aaaa_end", "prefix_bbbb_end"], 8)
        ['pref…end [0]', 'pref…end [1]']
    """
    shown = [shorten(name, max_length) for name in names]
    counts: dict[str, int] = {}
    for label in shown:
        counts[label] = counts.get(label, 0) + 1
    return [f"{label} [{i}]" if counts[label] > 1 else label for i, label in enumerate(shown)]


def figure_size(size: int, labels: Sequence[str]) -> tuple[float, float]:
    """Figure inches: the grid, plus room for the labels and the colour bars."""
    grid = grid_inches(size)
    cell_points = grid * 72 / size
    font = tick_font(cell_points)
    label_inches = min(max(len(t) for t in labels) * 0.6 * font / 72, 3.0)
    return grid + label_inches + 2.6, grid + label_inches + 1.2


def grid_inches(size: int) -> float:
    """Inches of the grid side: 0.55 a cell to 18 classes, 10 to 62, then 0.16 a cell to 30."""
    return min(max(3.2, 0.55 * size), max(10.0, 0.16 * size), 30.0)


def tick_font(cell_points: float) -> float:
    """Points of the class names beside cells of ``cell_points``: 4 to 11."""
    return max(4.0, min(11.0, cell_points * 0.62))


def layout(cell: float) -> Layout:
    """Fonts and tick spacing for cells of ``cell`` inches.

    Examples:
        >>> layout(0.55).tick_font, layout(0.16).tick_step
        (11.0, 1)
    """
    cell_points = cell * 72
    font = tick_font(cell_points)
    full_font = cell_points * 0.62
    step = max(1, math.ceil(4.5 / full_font))
    annotate_font = min(12.0, cell_points * 0.45)
    return Layout(cell, font, step, annotate_font)


def cells_to_annotate(values: np.ndarray) -> list[tuple[int, int]]:
    """The cells worth a number: up to 30 classes all (off-diagonal zeros only up to 12).

    Beyond 30 classes: the defined diagonal and the largest non-zero off-diagonal cells, as many
    as there are classes.
    """
    size = values.shape[0]
    defined = ~np.isnan(values)
    diagonal = np.eye(size, dtype=bool)
    if size <= 12:
        keep = defined
    elif size <= ALL_CELLS_ANNOTATED:
        keep = defined & (diagonal | (values > 0))
    else:
        off = np.where(defined & ~diagonal & (values > 0), values, -np.inf).reshape(-1)
        count = min(size, int(np.isfinite(off).sum()))
        largest = np.argsort(-off, kind="stable")[:count]
        keep = defined & diagonal
        keep.reshape(-1)[largest] = True
    rows, cols = np.nonzero(keep)
    return list(zip(rows.tolist(), cols.tolist(), strict=True))


def cell_text(
    value: float, row_share: float, normalize: Normalize | None, percent: bool, compact: bool
) -> str:
    """A cell's number; ``compact`` drops the leading zero of shares (``.85``)."""
    if value == 0:
        return "0"
    if normalize is not None:
        if percent:
            return percent_text(value)
        return share_text(value).removeprefix("0") if compact else share_text(value)
    count = f"{value:.0f}" if value == int(value) else f"{value:.3g}"
    if not percent or math.isnan(row_share):
        return count
    return f"{count}\n{percent_text(row_share)}"


def share_text(value: float) -> str:
    """A share with two decimals; ``<.01`` rather than a misleading ``0.00``."""
    if 0 < value < 0.005:
        return "<.01"
    return f"{value:.2f}"


def percent_text(value: float) -> str:
    """A share as a percentage with two significant digits (``5.7%``, ``94%``, ``<0.1%``)."""
    points = value * 100
    if 0 < points < 0.1:
        return "<0.1%"
    return f"{points:.1f}%" if points < 10 else f"{points:.0f}%"


def colour_scale_top(values: np.ndarray, normalize: Normalize | None) -> float:
    """The top of the colour scale: 1 for shares of a row or a column, else the largest value.

    The largest finite value, that is; 1 if there is none above zero.

    Examples:
        >>> colour_scale_top(np.array([[3.0, np.nan], [0.0, 7.0]]), None)
        7.0
        >>> colour_scale_top(np.array([[0.2, 0.1], [0.0, 0.3]]), "pred")
        1.0
    """
    if normalize in ("true", "pred"):
        return 1.0
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def square_root_ticks(top: float, integer: bool = False) -> list[float]:
    """Colour-bar ticks for a square-root scale on ``[0, top]``, evenly spread along the bar.

    Round values of three ranges (to ``top / 16``, ``top / 4`` and ``top``), keeping those at
    least an eighth of the bar apart; whole numbers only if ``integer``.

    Examples:
        >>> square_root_ticks(150.0, integer=True)
        [0.0, 4.0, 16.0, 32.0, 60.0, 90.0, 150.0]
        >>> square_root_ticks(1.0)
        [0.0, 0.03, 0.1, 0.2, 0.4, 0.6, 1.0]
    """
    from matplotlib.ticker import MaxNLocator

    locator = MaxNLocator(nbins=5, integer=integer)
    candidates = np.unique(
        np.concatenate([locator.tick_values(0.0, top * part) for part in (1 / 16, 1 / 4, 1.0)])
    )
    if integer:
        candidates = candidates[candidates == np.floor(candidates)]
    kept = [0.0]
    for tick in candidates[(candidates > 0) & (candidates <= top * (1 + 1e-9))].tolist():
        if math.sqrt(tick / top) - math.sqrt(kept[-1] / top) >= 0.125:
            kept.append(round(tick, 10))
    return kept
