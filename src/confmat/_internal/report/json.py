"""Text renderings of a confusion matrix: the terminal report (rich) and the JSON document.

Every user-provided string is shown as text (never as rich markup) with control characters
made visible, so a class name cannot restyle or clear the terminal. rich is imported only when a
terminal report is rendered (:mod:`report.text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from confmat._internal.core.types import MatrixLike, Normalize
from confmat._internal.report.model import build_report
from confmat._internal.results.document import json_text

if TYPE_CHECKING:
    from rich.console import Console


def render_json(cm: MatrixLike) -> str:
    """The JSON document of INTERFACE.md, indented, NaN as null.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> print(render_json(ConfusionMatrix([[1, 0], [0, 1]]))[:24])
        {
          "schema_version": 1,
    """
    return json_text(cm.to_dict()) + "\n"


def render_text(
    cm: MatrixLike,
    *,
    title: str | None = None,
    source: str | None = None,
    color: bool = False,
    width: int | None = None,
    normalize: Normalize | None = None,
) -> str:
    """The report as text: plain by default, with ANSI colours when ``color`` is true.

    Args:
        cm: the confusion matrix (rows true class, columns predicted class).
        title: the report's title.
        source: where the predictions came from, e.g. a file name.
        color: add ANSI colour codes (for a terminal).
        width: the line width (default ``report.text.PLAIN_WIDTH``).
        normalize: the matrix as percent of each true class (``"true"``, rows), of each
            predicted class (``"pred"``, columns) or of all samples (``"all"``); None: counts.

    Returns:
        The report, ending with a newline.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> print(render_text(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])).splitlines()[0])
        Confusion matrix report: 16 samples, 2 classes (positive class: yes)
    """
    from confmat._internal.report.text import text_from_report

    report = build_report(cm, title=title, source=source, normalize=normalize)
    return text_from_report(report, color=color, width=width)


def print_report(
    cm: MatrixLike,
    console: Console | None = None,
    *,
    title: str | None = None,
    source: str | None = None,
    normalize: Normalize | None = None,
) -> None:
    """Print the report to a rich console (default: standard output, coloured on a terminal).

    Every line fits the console's width: on a narrow terminal, column headers are abbreviated,
    class names shortened and, if need be, columns or matrix classes left out (the report says
    which).

    Args:
        cm: the confusion matrix.
        console: where to print.
        title: the report's title.
        source: where the predictions came from, e.g. a file name.
        normalize: the matrix as shares, as :func:`render_text`.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> import io
        >>> from rich.console import Console
        >>> console = Console(file=io.StringIO(), width=100)
        >>> print_report(ConfusionMatrix([[1, 0], [0, 1]]), console)
        >>> console.file.getvalue().splitlines()[0]
        'Confusion matrix report: 2 samples, 2 classes (positive class: 1)'
    """
    from rich.console import Console

    from confmat._internal.report.text import renderable

    report = build_report(cm, title=title, source=source, normalize=normalize)
    console = console or Console(highlight=False)
    console.print(renderable(report, console.width), crop=False)
