"""The annotated heatmap of a confusion matrix (matplotlib, imported only when drawing).

Rows are true classes, columns predicted classes: C[i, j] counts samples of true class i
predicted as class j. The diagonal (correct) and the off-diagonal cells (errors) are drawn with
two colour maps, each with its own colour bar, so errors stay visible next to a large diagonal.

The figure is created through matplotlib's object API, without pyplot, unless the program has
imported ``matplotlib.pyplot`` itself (then ``plt.show()`` and notebooks display it as usual).
"""

from __future__ import annotations

import io as _io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from confmat import io
from confmat.core import checks
from confmat.core.types import MatrixLike, Normalize
from confmat.exceptions import OptionError
from confmat.show import layout as hl
from confmat.stats import confusions

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.image import AxesImage


IMAGE_FORMATS = ("png", "svg", "pdf")
"""The file formats of :func:`save`, chosen by the file's extension."""

DIAGONAL_CMAP = "Blues"
OFF_DIAGONAL_CMAP = "Reds"

_NAN_COLOUR = "#d9d9d9"
_DESCRIPTIONS = {
    None: ("counts", "count"),
    "true": ("normalized by true class (recall on the diagonal)", "share of the true class"),
    "pred": ("normalized by predicted class (precision on the diagonal)", "share of the predicted"),
    "all": ("normalized by all samples", "share of all samples"),
}


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
) -> Axes:
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
            (:func:`confmat.stats.confusions.confusion_order`).
        top: show only the ``top`` classes most involved in confusions.
        cmap: one colour map for every cell (the diagonal is then outlined) instead of the two
            default ones (``Blues`` for the diagonal, ``Reds`` for the errors).
        title: the title; default says what is shown, with n and the accuracy.
        max_label_length: longer class names are shortened in the middle with an ellipsis
            (default 24 characters, 14 beyond 30 classes).

    Returns:
        The axes. ``ax.confmat_classes`` holds the full class names in display order and
        ``ax.confmat_order`` their indices in ``cm.classes``.

    Raises:
        OptionError: for an invalid option.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[50, 3], [4, 43]], ["healthy", "sick"])
        >>> ax = heatmap(cm, percent=True)
        >>> [t.get_text() for t in ax.texts]
        ['50\n94%', '3\n5.7%', '4\n8.5%', '43\n91%']
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('Predicted class', 'True class')
    """
    _check_options(normalize, top, cmap, title, max_label_length)
    order = _display_order(cm, top, reorder)
    index = torch.tensor(order, dtype=torch.long)
    values = _values(cm, normalize)[index][:, index].numpy()
    row_shares = cm.normalized("true")[index][:, index].numpy()
    names = [cm.classes[i] for i in order]
    size = len(order)
    limit = max_label_length or (24 if size <= hl.ALL_CELLS_ANNOTATED else 14)
    labels = shorten_labels(names, limit)
    if ax is None:
        ax = _new_axes(hl.figure_size(size, labels))
        layout = hl.layout(hl.grid_inches(size) / size)
    else:
        layout = hl.layout(_cell_inches(ax, size))
    images = _draw_cells(ax, values, normalize, cmap)
    if annotate:
        _annotate(ax, images, values, row_shares, normalize, percent, layout)
    _decorate(ax, labels, layout)
    ax.set_title(
        title if title is not None else _default_title(cm, normalize, size, reorder, top),
        parse_math=False,
        fontsize=12 if size <= hl.ALL_CELLS_ANNOTATED else 15,
    )
    ax.confmat_classes = names  # type: ignore[attr-defined]
    ax.confmat_order = order  # type: ignore[attr-defined]
    return ax


def _check_options(
    normalize: object, top: object, cmap: object, title: object, max_label_length: object
) -> None:
    if normalize is not None:
        checks.check_option_choice(normalize, ("true", "pred", "all"), "normalize")
    if top is not None:
        checks.check_positive_count(top, "top")
    if cmap is not None and not isinstance(cmap, str):
        raise OptionError(f"cmap must be the name of a matplotlib colour map, got {cmap!r}")
    if title is not None and not isinstance(title, str):
        raise OptionError(f"title must be a string, got {title!r}")
    if max_label_length is not None:
        length = checks.check_positive_count(max_label_length, "max_label_length")
        if length < 4:
            raise OptionError(f"max_label_length must be at least 4, got {length}")


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
        chosen = [chosen[i] for i in confusions.confusion_order(counts[index][:, index])]
    return chosen


def _values(cm: MatrixLike, normalize: Normalize | None) -> torch.Tensor:
    if normalize is None:
        return cm.counts.detach().to("cpu", torch.float64)
    return cm.normalized(normalize).detach().cpu()


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
    shown = [hl.shorten(name, max_length) for name in names]
    counts: dict[str, int] = {}
    for label in shown:
        counts[label] = counts.get(label, 0) + 1
    return [f"{label} [{i}]" if counts[label] > 1 else label for i, label in enumerate(shown)]


def _cell_inches(ax: Axes, size: int) -> float:
    """The side of a cell in axes given by the caller (before the colour bars take their room)."""
    box = ax.get_position()
    width, height = _root(ax).get_size_inches()
    return float(min(box.width * width * 0.8, box.height * height)) / size


def _new_axes(figsize: tuple[float, float]) -> Axes:
    if "matplotlib.pyplot" in sys.modules:  # the program uses pyplot: let it show the figure
        import matplotlib.pyplot as plt

        figure: Figure = plt.figure(figsize=figsize, layout="constrained")
    else:
        from matplotlib.figure import Figure

        figure = Figure(figsize=figsize, layout="constrained")
    return figure.add_subplot()


def _draw_cells(
    ax: Axes, values: np.ndarray, normalize: Normalize | None, cmap: str | None
) -> list[AxesImage]:
    """The cells as one image (``cmap`` given) or two: the diagonal and the errors.

    The two share one square-root colour scale (the same value, the same depth of colour, and
    small errors stay visible); off-diagonal zeros are left white; undefined cells (NaN) are
    hatched grey.
    """
    size = values.shape[0]
    diagonal = np.eye(size, dtype=bool)
    undefined = np.isnan(values)
    from matplotlib.colors import PowerNorm

    unit = _DESCRIPTIONS[normalize][1]
    figure = ax.figure  # the figure or subfigure holding the axes
    bar: dict[str, Any] = {
        "shrink": 0.8 if size <= hl.ALL_CELLS_ANNOTATED else 0.5,
        "pad": 0.01,
        "aspect": 30,
    }
    ax.set_facecolor("white")
    if cmap is not None:
        image = ax.imshow(
            np.ma.masked_where(undefined, values), cmap=cmap, vmin=0.0, interpolation="nearest"
        )
        figure.colorbar(image, ax=ax, label=unit, **bar)
        _outline_diagonal(ax, size)
        images = [image]
    else:
        top = 1.0 if normalize in ("true", "pred") else _finite_max(values)
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
        finite = values[np.isfinite(values)]
        ticks = hl.square_root_ticks(top, integer=bool(np.all(finite == np.floor(finite))))
        figure.colorbar(image, ax=ax, label=f"correct (diagonal): {unit}", ticks=ticks, **bar)
        figure.colorbar(errors, ax=ax, label=f"errors (off-diagonal): {unit}", ticks=ticks, **bar)
        images = [image, errors]
    _hatch_undefined(ax, undefined)
    return images


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


def _finite_max(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


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
) -> None:
    """Write the values of the chosen cells, in black or white by the cell's darkness."""
    cells = hl.cells_to_annotate(values)
    compact = values.shape[0] > hl.ALL_CELLS_ANNOTATED
    texts = [
        hl.cell_text(values[i, j], row_shares[i, j], normalize, percent, compact) for i, j in cells
    ]
    if not texts:
        return
    longest = max(max(len(line) for line in t.split("\n")) for t in texts)
    lines = max(t.count("\n") + 1 for t in texts)
    cell_points = layout.cell * 72
    font = min(layout.annotate_font, cell_points * 0.9 / (0.62 * longest), cell_points / lines)
    if font < 3.5:
        return
    for (i, j), text in zip(cells, texts, strict=True):
        image = images[0] if len(images) == 1 or i == j else images[1]
        red, green, blue, _ = image.cmap(image.norm(values[i, j]))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=font,
            parse_math=False,
            color="#9a9a9a" if values[i, j] == 0 else "white" if dark else "black",
        )


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
        notes.append(f"the {shown} most confused of {cm.num_classes} classes")
    if reorder:
        notes.append("confused classes side by side")
    return f"Confusion matrix, {what}\n" + ", ".join(notes)


def image_format(path: str | Path) -> str:
    """The image format of a path by its extension: ``"png"``, ``"svg"`` or ``"pdf"``.

    Raises:
        OptionError: for any other extension.

    Examples:
        >>> image_format("heatmap.SVG")
        'svg'
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in IMAGE_FORMATS:
        raise OptionError(
            f"{path}: the image format is chosen by the extension .png, .svg or .pdf, "
            f"got {Path(path).suffix or 'none'!r}"
        )
    return suffix


def save(figure: Axes | Figure | SubFigure, path: str | Path, *, dpi: float | None = None) -> None:
    """Write the figure of ``figure`` to ``path`` as PNG, SVG or PDF (by extension), atomically.

    Args:
        figure: a figure, or axes (such as the result of :func:`heatmap`) on it.
        path: the file; its directory must exist. An existing file is replaced.
        dpi: resolution of a PNG; default 150, less for very large figures.

    Raises:
        OptionError: for an unsupported extension (nothing is written).

    Examples:
        >>> import tempfile, pathlib
        >>> from confmat import ConfusionMatrix
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "cm.svg"
        >>> save(heatmap(ConfusionMatrix([[3, 1], [0, 4]])), path)
        >>> path.read_text()[:5]
        '<?xml'
    """
    fmt = image_format(path)
    io.write_atomic(path, _render(_root(figure), fmt, dpi))


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
    figure = _root(heatmap(cm, **kwargs))
    try:
        text = _render(figure, "svg", None).decode("utf-8")
    finally:
        close(figure)
    return text[text.index("<svg") :]


def close(figure: Axes | Figure | SubFigure) -> None:
    """Release a figure made by :func:`heatmap` (also from pyplot's list, if it is there).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> close(heatmap(ConfusionMatrix([[1, 0], [0, 1]])))
    """
    root = _root(figure)
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close(root)
    root.clear()


def _root(figure: Axes | Figure | SubFigure) -> Figure:
    from matplotlib.figure import Figure

    if isinstance(figure, Figure):
        return figure
    node: Any = figure
    while not isinstance(node, Figure):  # axes -> (subfigures ->) the figure
        node = node.figure
    return node


def _render(figure: Figure, fmt: str, dpi: float | None) -> bytes:
    """The figure's file in ``fmt``, without timestamps (same input, same bytes)."""
    import matplotlib

    if dpi is None:
        dpi = min(150.0, 4000.0 / max(figure.get_size_inches()))
    metadata: dict[str, Any] = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
    buffer = _io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "confmat", "svg.fonttype": "path"}):
        figure.savefig(
            buffer, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight", pad_inches=0.15
        )
    return buffer.getvalue()
