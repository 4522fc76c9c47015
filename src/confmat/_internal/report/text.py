"""The text report: for a terminal (rich, with colour) and as plain text (files, pipes, logs).

It shows, for two classes, the positive class's counts and statistics first; then a summary
block, the matrix (up to :data:`MATRIX_MAX_CLASSES` classes, else the most confused ones), the
per-class table, the most confused pairs and the findings. A multilabel result's report has
the same parts: its overall figures, its label co-confusion, the per-label table (with the
samples averages) and the labels most often predicted instead of a missed one. Without colour
it is plain text. Every line fits the width (the terminal's, or :data:`PLAIN_WIDTH`): column
headers are abbreviated, class names shortened, then columns or matrix classes left out, and
the report says what it left out. Every user-provided string is shown as text (never as rich
markup) with control characters made visible, so a class name cannot restyle or clear the
terminal.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from confmat._internal.core.types import MatrixLike, MultilabelLike, Normalize
from confmat._internal.report import _format
from confmat._internal.report.model import Report, build_report, matrix_view
from confmat._internal.show.layout import shorten_labels

MATRIX_MAX_CLASSES = 12
"""The terminal report prints the matrix itself only up to this many classes."""

NAME_WIDTH = 28
"""Longer class names are shortened in the middle in the terminal's tables."""

MATRIX_NAME_WIDTH = 10
"""Column headers of the matrix are shortened further."""

PLAIN_WIDTH = 100
"""The width of plain-text reports (files, pipes)."""

MIN_NAME_WIDTH = 8
"""Class names are never shortened below this many characters to fit the width."""

MIN_MATRIX_CLASSES = 2
"""A narrow terminal shows the matrix of at least this many (most confused) classes."""

ABBREVIATIONS = {
    "support": "n",
    "predicted": "pred",
    "precision": "prec",
    "recall": "rec",
    "specificity": "spec",
    "recall 95% CI": "rec CI",
    "of true class": "share",
    "predicted as": "pred as",
    "true class": "true",
}
"""Shorter column headers, used when a table does not fit the width."""

_GAP = "  "
"""Between the columns of a table."""

_SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def render_text(
    cm: MatrixLike | MultilabelLike,
    *,
    title: str | None = None,
    source: str | None = None,
    color: bool = False,
    width: int | None = None,
    normalize: Normalize | None = None,
) -> str:
    """The report as text: plain by default, with ANSI colours when ``color`` is true.

    Args:
        cm: the confusion matrix (rows true class, columns predicted class), or a multilabel
            result (:class:`~confmat.MultilabelConfusion`).
        title: the report's title.
        source: where the predictions came from, e.g. a file name.
        color: add ANSI colour codes (for a terminal).
        width: the line width (default :data:`PLAIN_WIDTH`).
        normalize: the matrix as percent of each true class (``"true"``, rows), of each
            predicted class (``"pred"``, columns) or of all samples (``"all"``); None: counts.

    Returns:
        The report, ending with a newline.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> print(render_text(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])).splitlines()[0])
        Confusion matrix report: 16 samples, 2 classes (positive class: yes)
    """
    report = build_report(cm, title=title, source=source, normalize=normalize)
    return text_from_report(report, color=color, width=width)


def print_report(
    cm: MatrixLike | MultilabelLike,
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
        cm: the confusion matrix, or a multilabel result.
        console: where to print.
        title: the report's title.
        source: where the predictions came from, e.g. a file name.
        normalize: the matrix as shares, as :func:`render_text`.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> console = Console(file=io.StringIO(), width=100)
        >>> print_report(ConfusionMatrix([[1, 0], [0, 1]]), console)
        >>> console.file.getvalue().splitlines()[0]
        'Confusion matrix report: 2 samples, 2 classes (positive class: 1)'
    """
    report = build_report(cm, title=title, source=source, normalize=normalize)
    console = console or Console(highlight=False)
    console.print(renderable(report, console.width), crop=False)


def text_from_report(report: Report, *, color: bool = False, width: int | None = None) -> str:
    """Render a built :class:`~report.model.Report` as text (see :func:`render_text`).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> report = build_report(ConfusionMatrix([[5, 1], [2, 8]]), source="p.csv")
        >>> text_from_report(report).splitlines()[1]
        'source: p.csv'
    """
    console = Console(
        file=io.StringIO(),
        width=width or PLAIN_WIDTH,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(renderable(report, console.width), crop=False)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in str(text).splitlines()) + "\n"


def renderable(report: Report, width: int = PLAIN_WIDTH) -> RenderableType:
    """The whole report as one rich renderable, every line at most ``width`` wide."""
    sections: list[tuple[str, RenderableType]] = []
    terms = report.terms
    if report.binary is not None:
        sections.append((_format.binary_heading(report), _binary(report, width)))
    sections.append(("Summary", _summary(report)))
    if report.matrix_shown:
        sections.append((f"{terms.matrix_short} ({terms.axes})", _matrix(report, width)))
    if report.distributions:
        sections.append((_format.DISTRIBUTION_HEADING, _distributions(report, width)))
    sections += [
        (terms.per_item, _per_class(report, width)),
        (terms.pairs, _pairs(report, width)),
    ]
    if report.top_k is not None:
        sections.append((f"Top-{report.top_k.k}", _top_k(report, width)))
    sections.append(("Findings", _findings(report)))
    parts: list[RenderableType] = [_header(report)]
    for heading, block in sections:
        parts += [Text(""), _text(heading, "bold underline"), block]
    return Group(*parts)


def _text(value: str, style: str = "") -> Text:
    return Text(_format.printable(value), style=style)


def _header(report: Report) -> Text:
    header = Text()
    header.append(_format.printable(report.title), style="bold")
    header.append(f": {_format.printable(_format.subtitle(report))}")
    if report.source is not None:
        header.append("\nsource: " + _format.printable(report.source), style="dim")
    return header


Cell = str | tuple[str, str]
"""A table cell: its text, or its text and a rich style."""

Row = Sequence[Cell] | None
"""A table row; None is a blank line."""


def _table(
    header: Sequence[str],
    rows: Sequence[Row],
    *,
    left: int = 1,
    width: int = PLAIN_WIDTH,
    drop: bool = True,
) -> Text:
    """Aligned columns under a bold header and an ASCII rule; ``None`` rows are blank lines.

    The first ``left`` columns are text (left-aligned), the rest numbers (right-aligned). Too
    wide for ``width``, the headers are abbreviated, then the text columns shortened (to
    :data:`MIN_NAME_WIDTH`), then (if ``drop``) the last columns left out, with a line saying
    which. Drawn as one styled text rather than a rich Table: a thousand rows take
    milliseconds, not seconds.
    """
    head = [_format.printable(h) for h in header]
    cells = [[_cell(c) for c in row] if row is not None else None for row in rows]
    if _total(head, cells) > width:
        head = [ABBREVIATIONS.get(h, h) for h in head]
    cells = _shorten_text_columns(head, cells, left, width)
    dropped: list[str] = []
    while drop and _total(head, cells) > width and len(head) > left + 1:
        dropped.insert(0, head.pop())
        cells = [row[:-1] if row is not None else None for row in cells]
    widths = _widths(head, cells)
    out = Text(no_wrap=True, overflow="ignore")
    out.append(_line(head, widths, left), style="bold")
    out.append("\n" + "-" * _total(head, cells))
    for row in cells:
        out.append("\n")
        for index, (text, style) in enumerate(row or []):
            gap = "" if index == 0 else _GAP
            out.append(gap + _pad(text, widths[index], index < left), style=style)
    if dropped:
        out.append("\n" + _wrap(f"(left out to fit {width} columns: {', '.join(dropped)})", width))
    return out


def _wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` (a note under a table)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) if width > 0 else text


Cells = list[list[tuple[str, str]] | None]


def _widths(head: Sequence[str], cells: Cells) -> list[int]:
    texts = [[t for t, _ in row] for row in cells if row is not None]
    return [max(cell_len(r[i]) for r in [head, *texts]) for i in range(len(head))]


def _total(head: Sequence[str], cells: Cells) -> int:
    return sum(_widths(head, cells)) + len(_GAP) * (len(head) - 1)


def _shorten_text_columns(head: list[str], cells: Cells, left: int, width: int) -> Cells:
    """Shorten the widest text column in turn until the table fits (or all are at the minimum)."""
    while (excess := _total(head, cells) - width) > 0:
        widths = _widths(head, cells)
        column = max(range(left), key=lambda i: widths[i])
        target = max(MIN_NAME_WIDTH, cell_len(head[column]), widths[column] - excess)
        if target >= widths[column]:
            return cells
        names = [row[column][0] for row in cells if row is not None]
        short = iter(shorten_labels(names, target))
        cells = [
            None
            if row is None
            else [*row[:column], (next(short), row[column][1]), *row[column + 1 :]]
            for row in cells
        ]
        if _widths(head, cells)[column] >= widths[column]:  # names kept apart by a suffix
            return cells
    return cells


def _cell(cell: Cell) -> tuple[str, str]:
    text, style = (cell, "") if isinstance(cell, str) else cell
    return _format.printable(text), style


def _pad(text: str, width: int, left: bool) -> str:
    space = " " * (width - cell_len(text))
    return text + space if left else space + text


def _line(cells: Sequence[str], widths: Sequence[int], left: int) -> str:
    return _GAP.join(
        _pad(c, w, i < left) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def _short(names: Sequence[str], width: int) -> list[str]:
    """Names on one line, made visible and at most ``width`` long (the findings keep them whole)."""
    return shorten_labels([_format.printable(n) for n in names], width)


def _summary(report: Report) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    for label, value in _format.summary_rows(report):
        table.add_row(label, Text(value, style="bold" if label == "accuracy" else ""))
    return table


def _binary(report: Report, width: int) -> Group:
    counts = Text("   ".join(f"{name} {value}" for name, value in _format.binary_counts(report)))
    rows: list[Row] = [
        [(label, "bold"), value, ci, (method, "dim")]
        for label, value, ci, method in _format.binary_rows(report)
    ]
    return Group(counts, _table(_format.BINARY_HEADER, rows, left=1, width=width))


def _matrix(report: Report, width: int) -> Text:
    """The matrix of as many classes as fit (at most :data:`MATRIX_MAX_CLASSES`).

    Too wide, the columns are numbered (row ``k`` is the class of column ``k``), then the least
    confused classes left out (down to :data:`MIN_MATRIX_CLASSES`); a line says what is left out.
    """
    limit = min(report.summary.num_classes, MATRIX_MAX_CLASSES)
    while True:
        view = matrix_view(report, limit)
        header, rows = _format.matrix_rows(report, view)
        for numbered in (False, True):
            table = _matrix_table(header, rows, numbered, width)
            fits = _widest(table) <= width
            if fits:
                break
        if fits or limit <= MIN_MATRIX_CLASSES:
            break
        limit -= 1
    note = _format.matrix_note(report, view)
    if note:
        table.append("\n" + _wrap(note, width), style="dim")
    if report.normalize is None:
        return table
    unit = Text(_wrap(_format.matrix_unit(report), width) + "\n", style="dim")
    return unit.append_text(table)


def _matrix_table(header: list[str], rows: list[list[str]], numbered: bool, width: int) -> Text:
    """The matrix table; ``numbered``: columns headed 1, 2, ... and rows named ``1 name``."""
    names = [f"{i} {row[0]}" for i, row in enumerate(rows, 1)] if numbered else [r[0] for r in rows]
    columns = [str(i) for i in range(1, len(rows) + 1)] if numbered else header[1:]
    styled: list[Row] = [
        [name, *(_count_cell(x, i == j) for j, x in enumerate(row[1:]))]
        for i, (name, row) in enumerate(zip(names, rows, strict=True))
    ]
    head = [header[0], *_short(columns, MATRIX_NAME_WIDTH)]
    return _table(head, styled, width=width, drop=False)


def _widest(text: Text) -> int:
    return max(cell_len(line) for line in text.plain.splitlines())


def _count_cell(text: str, diagonal: bool) -> tuple[str, str]:
    if text == "n/a":  # a share of a class without samples
        return text, "dim"
    return text, "bold green" if diagonal else ("red" if text != "0" else "dim")


def _per_class(report: Report, width: int) -> Text:
    header, rows = _format.class_table(report)
    for row, name in zip(rows, _short(report.classes, NAME_WIDTH), strict=True):
        row[0] = name
    averages: list[Row] = [[(c, "dim") for c in r] for r in _format.average_rows(report)]
    return _table(header, [*rows, None, *averages], width=width)


def _pairs(report: Report, width: int) -> RenderableType:
    if not report.pairs:
        return Text(f"none: {report.terms.no_pairs}")
    header = list(report.terms.pair_header)
    rows = _format.pair_rows(report)
    for row in rows:
        row[:2] = _short(row[:2], NAME_WIDTH)
    table = _table(header, rows, left=2, width=width)
    note = _format.pairs_note(report)
    return Group(table, _text(_wrap(note, width))) if note else table


def _top_k(report: Report, width: int) -> RenderableType:
    section = report.top_k
    assert section is not None
    header, rows = _format.top_k_rows(section)
    for row in rows:
        row[0] = _short([row[0]], NAME_WIDTH)[0]
    table = _table(header, rows, left=1, width=width)
    return Group(_text(_wrap(_format.top_k_line(section), width)), table)


def _distributions(report: Report, width: int) -> RenderableType:
    header, rows, sentences = _format.distribution_rows(report)
    table = _table(header, rows, left=1, width=width)
    return Group(table, *(_text(_wrap(sentence, width)) for sentence in sentences))


def _findings(report: Report) -> RenderableType:
    if not report.findings:
        return Text("nothing to flag")
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column()
    for finding in report.findings:
        style = _SEVERITY_STYLE[finding.severity]
        table.add_row(Text(f"{finding.severity}:", style=style), _text(finding.message))
    return table
