"""The parts of the HTML report its script enhances: the matrix table, the samples, the data.

The matrix is an HTML table (readable without script: counts in cells, shaded by CSS classes),
the kept samples are grouped by cell in the markup, and the numbers the script needs (shares of
the true and of the predicted class, shade levels of each view) travel in a JSON block. Nothing
here computes a statistic: counts and shares are read from the matrix.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from confmat._internal.core import sparse
from confmat._internal.report import _format, numbers
from confmat._internal.report.model import GalleryItem, Report, matrix_view

LEVELS = 8
"""Shades of a cell's colour (CSS classes ``d1``..``d8`` on the diagonal, ``e1``..``e8`` off)."""

HEATMAP_FULL_MAX = 100
"""Up to this many classes the HTML report shows the whole matrix."""

HEATMAP_TOP = 20
"""Beyond :data:`HEATMAP_FULL_MAX` classes it shows the sub-matrix of this many most confused."""


class MatrixCell(NamedTuple):
    """A cell of the matrix table: its text (the count) and its CSS class (its shade)."""

    text: str
    css: str


MODES = {None: "counts", "true": "row", "pred": "col", "all": "all"}
"""The script's view of the matrix for each ``normalize`` of a report (its first view)."""


class MatrixTable(NamedTuple):
    """The matrix table: the classes shown (indices and names), rows of cells, a caption.

    ``mode`` is the script's view the cells show (:data:`MODES`), ``unit`` what they show in
    words; ``caption`` says the rest (rows and columns, classes left out).
    A bounded table ends with the (other) row and column, index ``-1`` in ``order``.
    """

    order: list[int]
    names: list[str]
    rows: list[list[MatrixCell]]
    caption: str
    mode: str
    unit: str


class SampleGroup(NamedTuple):
    """The kept samples of one cell (``cell`` is ``"i-j"``), or of none (``cell`` empty)."""

    cell: str
    heading: str
    items: list[tuple[GalleryItem, list[str]]]


def matrix_table(report: Report) -> MatrixTable:
    """The table of the matrix: all classes, or the most confused ones beyond the limit.

    The classes shown are :func:`report.model.matrix_view`'s, as in the other reports;
    its cells are the counts, or the shares of a normalized report.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> table = matrix_table(build_report(ConfusionMatrix([[5, 1], [0, 4]], ["a", "b"])))
        >>> [[tuple(cell) for cell in row] for row in table.rows]
        [[('5', 'd8'), ('1', 'e8')], [('0', 'z'), ('4', 'd7')]]
    """
    size = report.summary.num_classes
    view = matrix_view(report, size if size <= HEATMAP_FULL_MAX else HEATMAP_TOP)
    order = list(view.indices) + ([-1] if view.left_out else [])
    axes = report.terms.axes_sentence
    caption = " ".join((axes[:1].lower() + axes[1:], _format.matrix_note(report, view))).strip()
    values = view.counts if view.shares is None else view.shares
    text = numbers.count if view.shares is None else numbers.share
    css = _css(shade_levels(np.array(values, dtype=np.float64), bool(view.left_out)))
    rows = [
        [MatrixCell(text(value), style) for value, style in zip(line, styles, strict=True)]
        for line, styles in zip(values, css, strict=True)
    ]
    classes = report.matrix.classes  # the view indexes every class; the table may list fewer
    mode, unit = MODES[report.normalize], _format.MATRIX_UNITS[report.normalize]
    names = [classes[i] if i >= 0 else sparse.OTHER for i in order]
    return MatrixTable(order, names, rows, caption, mode, unit)


def shade_levels(values: np.ndarray, other: bool = False) -> str:
    """One character per cell, row by row: ``0`` empty, ``1``..``8`` the shade, ``n`` undefined.

    The diagonal and the other cells are shaded separately, each relative to its largest value
    among the classes shown: with ``other``, the last row and column (the (other) sums) do not
    set the scale, and cells beyond it saturate at the darkest shade (as the PNG heatmap).

    Examples:
        >>> shade_levels(np.array([[8.0, 1.0], [2.0, float("nan")]]))
        '848n'
        >>> shade_levels(np.array([[4.0, 1.0, 9.0], [2.0, 2.0, 0.0], [30.0, 0.0, 90.0]]), True)
        '848840808'
    """
    size = values.shape[0]
    finite = np.where(np.isfinite(values), values, 0.0).astype(np.float64)
    diagonal = np.eye(size, dtype=bool)
    shown = np.ones(values.shape, dtype=bool)
    if other:
        shown[-1, :] = shown[:, -1] = False
    levels = np.zeros(values.shape, dtype=np.int64)
    for part in (diagonal, ~diagonal):
        top = finite[part & shown].max(initial=0.0)
        if top <= 0:  # nothing shown in this part: the (other) cells alone set the scale
            top = finite[part].max(initial=0.0)
        if top > 0:
            scaled = np.ceil(LEVELS * finite / top).clip(0, LEVELS).astype(np.int64)
            levels = np.where(part, scaled, levels)
    codes = (levels + ord("0")).astype(np.uint8)
    codes[np.isnan(values)] = ord("n")
    return codes.tobytes().decode("ascii")


def _css(levels: str) -> list[list[str]]:
    """The CSS class of each cell from its shade level (the script's ``shade`` twin)."""
    size = round(len(levels) ** 0.5)
    names = {"0": "z", "n": "na"}
    return [
        [
            names.get(code) or ("d" if i == j else "e") + code
            for j, code in enumerate(levels[i * size : (i + 1) * size])
        ]
        for i in range(size)
    ]


def page_data(report: Report, view: MatrixTable) -> str:
    r"""The script's data as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\u003c``, ``\u003e``, ``\u0026``, so no text can
    close the element or start markup.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> report = build_report(ConfusionMatrix([[1, 0], [0, 1]], ["</script>", "b"]))
        >>> block = page_data(report, matrix_table(report))
        >>> "<" in block, json.loads(block)["classes"]
        (False, ['</script>', 'b'])
    """
    other = bool(view.order) and view.order[-1] < 0
    index = torch.tensor(view.order[:-1] if other else view.order, dtype=torch.int64)
    matrix = report.matrix.counts.detach().cpu()  # dense or sparse: only the shown block
    classes = report.matrix.classes
    counts = sparse.block(matrix, index, other).numpy()
    shares = {
        MODES[how]: sparse.block_shares(matrix, index, how, other).numpy()
        for how in ("true", "pred", "all")
    }
    data = {
        "classes": [_format.printable(classes[i]) for i in view.order if i >= 0],  # shown
        "other": sparse.OTHER,
        "order": view.order,
        "mode": view.mode,
        "units": {MODES[how]: unit for how, unit in _format.MATRIX_UNITS.items()},
        "counts": [[numbers.count(x) for x in row] for row in counts.tolist()],
        **{mode: _shares(values) for mode, values in shares.items()},
        "shade": {
            "counts": shade_levels(counts, other),
            **{mode: shade_levels(values, other) for mode, values in shares.items()},
        },
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _shares(values: np.ndarray) -> list[list[float | None]]:
    rounded = np.round(values.astype(np.float64), 5)
    return [[None if x != x else x for x in row] for row in rounded.tolist()]


def sample_groups(report: Report) -> list[SampleGroup]:
    """The gallery grouped by cell, in the order of first appearance; samples of no cell last.

    Each item comes with the lines of its caption (pair, confidence and loss, dataset index).
    """
    where = {name: i for i, name in enumerate(report.matrix.classes)}
    counts = report.matrix.counts.detach().cpu()
    groups: dict[str, SampleGroup] = {}
    loose: list[tuple[GalleryItem, list[str]]] = []
    for item in report.gallery:
        sample = item.sample
        if sample is None or sample.true not in where or sample.pred not in where:
            loose.append((item, [item.caption]))
            continue
        i, j = where[sample.true], where[sample.pred]
        key = f"{i}-{j}"
        if key not in groups:
            total = numbers.count(counts[i, j].item())
            heading = f"{sample.true} \u2192 {sample.pred}: {total} in the cell"
            groups[key] = SampleGroup(key, heading, [])
        groups[key].items.append((item, _lines(item)))
    found = list(groups.values())
    if loose:
        found.append(SampleGroup("", "Samples not placed in a cell", loose))
    return found


def _lines(item: GalleryItem) -> list[str]:
    s = item.sample
    assert s is not None
    return [
        f"{s.true} \u2192 {s.pred}",
        f"confidence {numbers.number(s.confidence, 2)}",
        f"loss {numbers.number(s.loss, 2)}",
        f"index {s.index}",
    ]


def left_out(report: Report, groups: Sequence[SampleGroup]) -> str:
    """What the gallery shows and what it leaves out, in words."""
    cells_of = sparse.cells(report.matrix.counts.detach().cpu())  # dense or sparse
    non_empty = int((cells_of.diagonal > 0).sum()) + cells_of.values.numel()
    cells = sum(1 for g in groups if g.cell)
    shown = sum(len(g.items) for g in groups if g.cell)
    if cells == 0:
        return f"{len(report.gallery)} samples, not placed in cells."
    text = f"{shown} kept samples of {cells} of the {non_empty} non-empty cells"
    if cells < non_empty:
        text += "; the samples of the other cells are left out of this file to keep it small"
    return text + ". A cell keeps a random sample of its samples; thumbnails are reduced."
