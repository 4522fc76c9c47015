"""Figures shared by every picture: new axes, the root figure, rendering, saving and closing.

Figures are created through matplotlib's object API, without pyplot, unless the program has
imported ``matplotlib.pyplot`` itself (then ``plt.show()`` and notebooks display them as usual).
A figure made without pyplot, and its axes, show themselves as a PNG in Jupyter and IPython
(a ``_repr_png_`` method, :func:`displayable`): ``cm.plot()`` at the end of a notebook cell
displays the heatmap without importing pyplot first. Scripts are unaffected: nothing is drawn
until something asks for the picture. Matplotlib is imported only inside the functions.

Examples:
    >>> ax = new_axes((3.0, 2.0))
    >>> render(ax, "svg")[:5]
    b'<?xml'
    >>> close(ax)
"""

from __future__ import annotations

import io as _io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

from confmat._internal.io import writing as output
from confmat.exceptions import OptionError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

IMAGE_FORMATS = ("png", "svg", "pdf")
"""The file formats of :func:`save`, chosen by the file's extension."""

DISPLAY_DPI = 100.0
"""The resolution of the PNG a figure shows in a notebook."""


class Display(Protocol):
    """A drawing that keeps its axes, such as :class:`show.heatmap.HeatmapDisplay`.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.show.heatmap import heatmap
        >>> display = heatmap(ConfusionMatrix([[1, 0], [0, 1]]))
        >>> root_figure(display) is display.ax.figure
        True
        >>> close(display)
    """

    @property
    def ax(self) -> Axes:
        """The axes drawn on."""


Drawing: TypeAlias = "Axes | Figure | SubFigure | Display"
"""What the functions here accept: a figure, a subfigure, axes, or a display keeping its axes."""


def new_axes(figsize: tuple[float, float]) -> Axes:
    """Axes filling a new figure of ``figsize`` inches (width, height), constrained layout.

    The figure joins pyplot's list only if the program has imported ``matplotlib.pyplot``;
    otherwise the axes show themselves in a notebook (:func:`displayable`).

    Examples:
        >>> ax = new_axes((4.0, 3.0))
        >>> root_figure(ax).get_size_inches().tolist()
        [4.0, 3.0]
        >>> close(ax)
    """
    if "matplotlib.pyplot" in sys.modules:  # the program uses pyplot: let it show the figure
        import matplotlib.pyplot as plt

        figure: Figure = plt.figure(figsize=figsize, layout="constrained")
        return figure.add_subplot()
    return displayable(new_figure(figsize).add_subplot())


def new_figure(figsize: tuple[float, float]) -> Figure:
    r"""A figure of ``figsize`` inches outside pyplot's list that shows itself in a notebook.

    Examples:
        >>> figure = new_figure((2.0, 1.0))
        >>> figure.get_size_inches().tolist(), figure._repr_png_()[:4]
        ([2.0, 1.0], b'\x89PNG')
    """
    from matplotlib.figure import Figure

    return displayable(Figure(figsize=figsize, layout="constrained"))


Shown = TypeVar("Shown", "Axes", "Figure")


def displayable(drawing: Shown) -> Shown:
    r"""``drawing`` with a ``_repr_png_`` method: Jupyter and IPython display it as a PNG.

    For figures outside pyplot's list, which a notebook would otherwise show as a line of text
    such as ``<Axes: ...>``. The PNG is rendered only when something displays the object.

    Examples:
        >>> from matplotlib.figure import Figure
        >>> ax = displayable(Figure().add_subplot())
        >>> ax._repr_png_()[:4]
        b'\x89PNG'
    """

    def repr_png() -> bytes:
        return render(drawing, "png", dpi=DISPLAY_DPI)

    drawing.__dict__["_repr_png_"] = repr_png  # an instance method, as IPython looks it up
    return drawing


def root_figure(drawing: Drawing) -> Figure:
    """The top-level figure holding ``drawing`` (through any subfigures).

    Examples:
        >>> from matplotlib.figure import Figure
        >>> figure = Figure()
        >>> ax = figure.subfigures(1, 2)[1].add_subplot()
        >>> root_figure(ax) is figure
        True
    """
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

    node: Any = drawing if isinstance(drawing, Artist) else drawing.ax
    while not isinstance(node, Figure):  # display -> axes -> (subfigures ->) the figure
        node = node.figure
    return node


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


def render(drawing: Drawing, fmt: str, dpi: float | None = None) -> bytes:
    """The file of the figure holding ``drawing`` in ``fmt``, without timestamps.

    The same drawing gives the same bytes; text is drawn as paths in SVG.

    Args:
        drawing: a figure, axes on it, or a display.
        fmt: ``"png"``, ``"svg"`` or ``"pdf"``.
        dpi: resolution of a PNG; default 150, less for very large figures.

    Returns:
        The file's bytes.

    Examples:
        >>> ax = new_axes((2.0, 2.0))
        >>> render(ax, "pdf")[:5], render(ax, "svg") == render(ax, "svg")
        (b'%PDF-', True)
        >>> close(ax)
    """
    import matplotlib

    figure = root_figure(drawing)
    if dpi is None:
        dpi = min(150.0, 4000.0 / max(figure.get_size_inches()))
    metadata: dict[str, Any] = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
    buffer = _io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "confmat", "svg.fonttype": "path"}):
        figure.savefig(
            buffer, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight", pad_inches=0.15
        )
    return buffer.getvalue()


def save(drawing: Drawing, path: str | Path, *, dpi: float | None = None) -> None:
    """Write the figure holding ``drawing`` to ``path``, atomically: PNG, SVG or PDF by extension.

    Args:
        drawing: a figure, axes on it, or a display (such as the result of
            :func:`show.heatmap.heatmap`).
        path: the file; its directory must exist. An existing file is replaced.
        dpi: resolution of a PNG; default 150, less for very large figures.

    Raises:
        OptionError: for an unsupported extension (nothing is written).

    Examples:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "empty.svg"
        >>> ax = new_axes((2.0, 2.0))
        >>> save(ax, path)
        >>> path.read_text()[:5]
        '<?xml'
        >>> close(ax)
    """
    fmt = image_format(path)
    output.write_atomic(path, render(drawing, fmt, dpi))


def close(drawing: Drawing) -> None:
    """Release the figure holding ``drawing`` (also from pyplot's list, if it is there).

    Examples:
        >>> ax = new_axes((2.0, 2.0))
        >>> close(ax)
        >>> root_figure(ax).axes
        []
    """
    root = root_figure(drawing)
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close(root)
    root.clear()
