"""The annotated heatmap of a confusion matrix (matplotlib, imported only when drawing).

Rows are true classes, columns predicted classes: C[i, j] counts samples of true class i
predicted as class j. The diagonal (correct) and the off-diagonal cells (errors) are drawn with
two colour maps, each with its own colour bar, so errors stay visible next to a large diagonal.

:func:`heatmap` returns a :class:`HeatmapDisplay` that keeps the artists it drew; saving and
closing are in :mod:`show.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from confmat._internal.core import checks, sparse
from confmat._internal.core.types import MatrixLike, Normalize
from confmat._internal.show import figures
from confmat._internal.show import layout as hl
from confmat._internal.stats import confusions
from confmat.exceptions import OptionError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colorbar import Colorbar
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.image import AxesImage
    from matplotlib.text import Text


DIAGONAL_CMAP = "Blues"
OFF_DIAGONAL_CMAP = "Reds"

_NAN_COLOUR = "#d9d9d9"
_DESCRIPTIONS = {
    None: ("counts", "count"),
    "true": ("normalized by true class (recall on the diagonal)", "share of the true class"),
    "pred": ("normalized by predicted class (precision on the diagonal)", "share of the predicted"),
    "all": ("normalized by all samples", "share of all samples"),
}


@dataclass(frozen=True)
class HeatmapDisplay:
    """A drawn heatmap and the artists it is made of, as :func:`heatmap` returns it.

    Save or close it with :func:`show.figures.save` and :func:`~show.figures.close`.

    Attributes:
        ax: the axes drawn on.
        figure: the figure (or subfigure) holding ``ax``.
        images: the cells: the diagonal and the errors, or one image with a single ``cmap``.
        colorbars: the colour bars, one per image, in the same order.
        texts: the values written into the cells, row by row (none without ``annotate``, or
            when the cells are too small to hold them).
        classes: the full names of the classes shown, in display order.
        order: the indices of the classes shown in ``cm.classes``, in display order. When
            ``top`` leaves classes out, a last row and column, ``(other)``, follow them.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[9, 1, 0], [2, 7, 1], [0, 3, 8]], ["cat", "dog", "fox"])
        >>> display = heatmap(cm, top=2)
        >>> display.classes, display.order  # dog and fox are confused most (1 + 3 times)
        (('dog', 'fox'), (1, 2))
        >>> [t.get_text() for t in display.texts], len(display.colorbars)  # then (other): cat
        (['7', '1', '2', '3', '8', '0', '1', '0', '9'], 2)
    """

    ax: Axes
    figure: Figure | SubFigure
    images: tuple[AxesImage, ...]
    colorbars: tuple[Colorbar, ...]
    texts: tuple[Text, ...]
    classes: tuple[str, ...]
    order: tuple[int, ...]

    def _repr_png_(self) -> bytes | None:  # in a notebook, as its axes made without pyplot
        return getattr(self.ax, "_repr_png_", lambda: None)()


def heatmap(
    cm: MatrixLike,
    *,
    normalize: Normalize | None = None,
    ax: Axes | None = None,
    annotate: bool = True,
    percent: bool = False,
    reorder: bool = False,
    top: int | None = None,
    cmap: str | None = None,
    title: str | None = None,
    max_label_length: int | None = None,
) -> HeatmapDisplay:
    r"""Draw the confusion matrix as an annotated heatmap: rows true, columns predicted.

    Args:
        cm: the confusion matrix.
        normalize: ``None`` for counts, or shares of the true class (``"true"``, rows), of the
            predicted class (``"pred"``, columns) or of all samples (``"all"``). Undefined
            shares (a class with no samples) are drawn hatched grey and left blank.
        ax: the axes to draw into; default a new figure sized for the number of classes.
        annotate: write the values into the cells (all of them up to 30 classes, beyond that
            the diagonal and the largest off-diagonal cells).
        percent: shares as percentages; with counts, add the share of the true class.
        reorder: put classes confused with each other side by side
            (:func:`stats.confusions.confusion_order`).
        top: show only the ``top`` classes most involved in confusions, and a last row and
            column ``(other)`` summing the classes left out (so every count is kept; the cell
            (other, other) holds their correct predictions too).
        cmap: one colour map for every cell (the diagonal is then outlined) instead of the two
            default ones (``Blues`` for the diagonal, ``Reds`` for the errors).
        title: the title; default says what is shown, with n and the accuracy.
        max_label_length: longer class names are shortened in the middle with an ellipsis
            (default 24 characters, 14 beyond 30 classes).

    Returns:
        The display: the axes, the artists drawn, and the classes shown in display order.

    Raises:
        OptionError: for an invalid option.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[50, 3], [4, 43]], ["healthy", "sick"])
        >>> display = heatmap(cm, percent=True)
        >>> [t.get_text() for t in display.texts]
        ['50\n94%', '3\n5.7%', '4\n8.5%', '43\n91%']
        >>> display.ax.get_xlabel(), display.ax.get_ylabel()
        ('Predicted class', 'True class')
    """
    _check_options(normalize, top, cmap, title, max_label_length)
    order = _display_order(cm, top, reorder)
    index = torch.tensor(order, dtype=torch.long)
    other = len(order) < cm.num_classes  # the (other) row and column keep every count
    counts = cm.counts.detach().cpu()  # dense or sparse: only the shown block becomes dense
    values = sparse.block_shares(counts, index, normalize, other).numpy()
    row_shares = sparse.block_shares(counts, index, "true", other).numpy()
    names = tuple(cm.classes[i] for i in order)
    size = len(order) + other
    limit = max_label_length or (24 if size <= hl.ALL_CELLS_ANNOTATED else 14)
    labels = hl.shorten_labels([*names, *([sparse.OTHER] if other else [])], limit)
    if ax is None:
        ax = figures.new_axes(hl.figure_size(size, labels))
        layout = hl.layout(hl.grid_inches(size) / size)
    else:
        layout = hl.layout(_cell_inches(ax, size))
    images, bars = _draw_cells(ax, values, normalize, cmap, other)
    texts = []
    if annotate:
        texts = _annotate(ax, images, values, row_shares, normalize, percent, layout)
    _decorate(ax, labels, layout)
    ax.set_title(
        hl.title_text(title)
        if title is not None
        else _default_title(cm, normalize, len(order), reorder, top),
        parse_math=False,
        fontsize=12 if size <= hl.ALL_CELLS_ANNOTATED else 15,
    )
    return HeatmapDisplay(
        ax, ax.figure, tuple(images), tuple(bars), tuple(texts), names, tuple(order)
    )


def _check_options(
    normalize: object, top: object, cmap: object, title: object, max_label_length: object
) -> None:
    if normalize is not None:
        checks.check_option_choice(normalize, ("true", "pred", "all"), "normalize")
    if top is not None:
        checks.check_positive_count(top, "top")
    if cmap is not None and not isinstance(cmap, str):
        raise OptionError(
            f"cmap must be the name of a matplotlib colour map, got {cmap!r}", argument="cmap"
        )
    if title is not None and not isinstance(title, str):
        raise OptionError(f"title must be a string, got {title!r}", argument="title")
    if max_label_length is not None:
        length = checks.check_positive_count(max_label_length, "max_label_length")
        if length < 4:
            raise OptionError(
                f"max_label_length must be at least 4, got {length}", argument="max_label_length"
            )


def _display_order(cm: MatrixLike, top: int | None, reorder: bool) -> list[int]:
    """Indices of the classes shown, in display order."""
    counts = cm.counts.detach().cpu()
    chosen = (
        list(range(cm.num_classes))
        if top is None
        else confusions.most_confused_classes(counts, top)
    )
    if reorder and len(chosen) > 2:
        index = torch.tensor(chosen, dtype=torch.long)
        chosen = [chosen[i] for i in confusions.confusion_order(sparse.block(counts, index))]
    return chosen


def _cell_inches(ax: Axes, size: int) -> float:
    """The side of a cell in axes given by the caller (before the colour bars take their room)."""
    box = ax.get_position()
    width, height = figures.root_figure(ax).get_size_inches()
    return float(min(box.width * width * 0.8, box.height * height)) / size


def _draw_cells(
    ax: Axes, values: np.ndarray, normalize: Normalize | None, cmap: str | None, other: bool
) -> tuple[list[AxesImage], list[Colorbar]]:
    """The cells as one image (``cmap`` given) or two: the diagonal and the errors.

    Each image gets its colour bar. Off-diagonal zeros are left white (two images), undefined
    cells (NaN) hatched grey; the classes shown set the scale, the ``(other)`` sums saturate it.
    """
    size = values.shape[0]
    unit = _DESCRIPTIONS[normalize][1]
    shrink = 0.8 if size <= hl.ALL_CELLS_ANNOTATED else 0.5
    bar: dict[str, Any] = {"shrink": shrink, "pad": 0.01, "aspect": 30}
    ax.set_facecolor("white")
    top = hl.colour_scale_top(values[:-1, :-1] if other else values, normalize)
    if cmap is not None:
        masked = np.ma.masked_where(np.isnan(values), values)
        images = [ax.imshow(masked, cmap=cmap, vmin=0.0, vmax=top, interpolation="nearest")]
        bars = [ax.figure.colorbar(images[0], ax=ax, label=unit, **bar)]
        _outline_diagonal(ax, size)
    else:
        images = _diagonal_and_errors(ax, values, top)
        finite = values[np.isfinite(values)]
        bar["ticks"] = hl.square_root_ticks(top, integer=bool(np.all(finite == np.floor(finite))))
        whats = ("correct (diagonal)", "errors (off-diagonal)")
        bars = [
            ax.figure.colorbar(image, ax=ax, label=f"{what}: {unit}", **bar)
            for image, what in zip(images, whats, strict=True)
        ]
    _hatch_undefined(ax, np.isnan(values))
    return images, bars


def _diagonal_and_errors(ax: Axes, values: np.ndarray, top: float) -> list[AxesImage]:
    """The diagonal and the non-zero errors as two images on one square-root colour scale.

    The same value gets the same depth of colour in both, and small errors stay visible.
    """
    from matplotlib.colors import PowerNorm

    diagonal = np.eye(values.shape[0], dtype=bool)
    undefined = np.isnan(values)
    image = ax.imshow(
        np.ma.masked_where(~diagonal | undefined, values),
        cmap=DIAGONAL_CMAP,
        norm=PowerNorm(0.5, vmin=0.0, vmax=top),
        interpolation="nearest",
    )
    errors = ax.imshow(
        np.ma.masked_where(diagonal | undefined | (values == 0), values),
        cmap=_error_colours(),
        norm=PowerNorm(0.5, vmin=0.0, vmax=top),
        interpolation="nearest",
    )
    return [image, errors]


def _error_colours() -> Colormap:
    """Reds without its palest tenth, so that one error stands out from the white zeros."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    reds = colormaps[OFF_DIAGONAL_CMAP]
    return ListedColormap(reds(np.linspace(0.12, 1.0, 256)), name="confmat_errors")


def _hatch_undefined(ax: Axes, undefined: np.ndarray) -> None:
    """Grey hatched boxes over the undefined cells, one box per run of cells in a row."""
    if not undefined.any():
        return
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    boxes = []
    for row in np.flatnonzero(undefined.any(axis=1)):  # a loop over classes, not samples
        edges = np.flatnonzero(np.diff(np.concatenate([[0], undefined[row].astype(int), [0]])))
        for start, stop in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            boxes.append(Rectangle((start - 0.5, row - 0.5), stop - start, 1.0))
    collection = PatchCollection(
        boxes, facecolor=_NAN_COLOUR, edgecolor="#ffffff", hatch="////", linewidth=0.0
    )
    collection.set_gid("undefined")
    ax.add_collection(collection)


def _outline_diagonal(ax: Axes, size: int) -> None:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    boxes = [Rectangle((i - 0.5, i - 0.5), 1.0, 1.0) for i in range(size)]
    width = 1.5 if size <= hl.ALL_CELLS_ANNOTATED else 0.6
    ax.add_collection(
        PatchCollection(boxes, facecolor="none", edgecolor="#222222", linewidth=width)
    )


def _annotate(
    ax: Axes,
    images: list[AxesImage],
    values: np.ndarray,
    row_shares: np.ndarray,
    normalize: Normalize | None,
    percent: bool,
    layout: hl.Layout,
) -> list[Text]:
    """Write the values of the chosen cells, in black or white by the cell's darkness."""
    cells = hl.cells_to_annotate(values)
    compact = values.shape[0] > hl.ALL_CELLS_ANNOTATED
    texts = [
        hl.cell_text(values[i, j], row_shares[i, j], normalize, percent, compact) for i, j in cells
    ]
    if not texts:
        return []
    longest = max(max(len(line) for line in t.split("\n")) for t in texts)
    lines = max(t.count("\n") + 1 for t in texts)
    cell_points = layout.cell * 72
    font = min(layout.annotate_font, cell_points * 0.9 / (0.62 * longest), cell_points / lines)
    if font < 3.5:
        return []
    written = []
    for (i, j), text in zip(cells, texts, strict=True):
        image = images[0] if len(images) == 1 or i == j else images[1]
        red, green, blue, _ = image.cmap(image.norm(values[i, j]))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        cell = ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=font,
            parse_math=False,
            color="#9a9a9a" if values[i, j] == 0 else "white" if dark else "black",
        )
        written.append(cell)
    return written


def _decorate(ax: Axes, labels: list[str], layout: hl.Layout) -> None:
    size = len(labels)
    positions = list(range(0, size, layout.tick_step))
    shown = [labels[i] for i in positions]
    rotation = 0 if max(len(t) for t in shown) * 0.62 * layout.tick_font < layout.cell * 60 else 90
    ax.set_xticks(positions)
    ax.set_yticks(positions)
    ax.set_xticklabels(shown, rotation=rotation, fontsize=layout.tick_font, parse_math=False)
    ax.set_yticklabels(shown, fontsize=layout.tick_font, parse_math=False)
    axis_font = 10 if size <= hl.ALL_CELLS_ANNOTATED else 13
    ax.set_xlabel("Predicted class", fontsize=axis_font)
    ax.set_ylabel("True class", fontsize=axis_font)
    ax.tick_params(length=2 if size > hl.ALL_CELLS_ANNOTATED else 3.5)
    if size <= hl.ALL_CELLS_ANNOTATED:  # thin white lines between the cells
        ax.set_xticks(np.arange(-0.5, size, 1.0), minor=True)
        ax.set_yticks(np.arange(-0.5, size, 1.0), minor=True)
        ax.grid(which="minor", color="white", linewidth=1.0 if size <= 12 else 0.5)
        ax.tick_params(which="minor", length=0)
    else:  # faint guide lines every ten classes
        guides = np.arange(9.5, size - 1, 10.0)
        ax.set_xticks(guides, minor=True)
        ax.set_yticks(guides, minor=True)
        ax.grid(which="minor", color="#d0d0d0", linewidth=0.6)
        ax.tick_params(which="minor", length=0)
    ax.set_xlim(-0.5, size - 0.5)
    ax.set_ylim(size - 0.5, -0.5)


def _default_title(
    cm: MatrixLike, normalize: Normalize | None, shown: int, reorder: bool, top: int | None
) -> str:
    what = _DESCRIPTIONS[normalize][0]
    notes = [f"n = {cm.n:g}", f"accuracy {cm.accuracy:.3f}"]
    if top is not None:
        rest = f", the rest as {sparse.OTHER}" if shown < cm.num_classes else ""
        notes.append(f"the {shown} most confused of {cm.num_classes} classes{rest}")
    if reorder:
        notes.append("confused classes side by side")
    return f"Confusion matrix, {what}\n" + ", ".join(notes)


def heatmap_svg(cm: MatrixLike, **kwargs: Any) -> str:
    """The heatmap as an ``<svg>`` element, for inlining into HTML; ``kwargs`` go to heatmap.

    Text is drawn as paths, so class names are never markup in the result.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> heatmap_svg(ConfusionMatrix([[3, 1], [0, 4]], ["<b>", "&"]))[:4]
        '<svg'
    """
    if "ax" in kwargs:
        raise OptionError("heatmap_svg draws its own figure; ax= is not accepted")
    display = heatmap(cm, **kwargs)
    try:
        text = figures.render(display, "svg").decode("utf-8")
    finally:
        figures.close(display)
    return text[text.index("<svg") :]


def co_confusion_heatmap(co: MatrixLike, n: int | float, **kwargs: Any) -> Axes:
    """The heatmap of a multilabel result's co-confusion, drawn as a matrix's.

    Rows are the label missed, columns the label predicted instead (its diagonal is always 0:
    a label cannot be missed and wrongly predicted at once). Keyword arguments are those of
    :func:`heatmap`; by default one red colour map and a title naming ``n``, the samples.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> ax = co_confusion_heatmap(ConfusionMatrix([[0, 2], [1, 0]], ["a", "b"]), 5)
        >>> ax.get_ylabel(), ax.get_title()
        ('Label missed', 'Predicted instead of a missed label (n=5)')
    """
    kwargs.setdefault("title", f"Predicted instead of a missed label (n={n:g})")
    kwargs.setdefault("cmap", OFF_DIAGONAL_CMAP)
    ax = heatmap(co, **kwargs).ax
    ax.set_ylabel("Label missed")
    ax.set_xlabel("Label predicted instead")
    return ax
