"""The terminal report, drawn with rich (imported only when a text report is rendered).

It shows a summary block, the matrix (for a few classes), the
per-class table, the most confused pairs and the findings. Without colour it is plain text, for
files and pipes. Every user-provided string is shown as text (never as rich markup) with control
characters made visible, so a class name cannot restyle or clear the terminal.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from confmat.report import _format
from confmat.report.model import Report
from confmat.show.layout import shorten_labels

MATRIX_MAX_CLASSES = 12
"""The terminal report prints the matrix itself only up to this many classes."""

NAME_WIDTH = 28
"""Longer class names are shortened in the middle in the terminal's tables."""

MATRIX_NAME_WIDTH = 10
"""Column headers of the matrix are shortened further."""

PLAIN_WIDTH = 100
"""The width of plain-text reports (files, pipes)."""

_GAP = "  "
"""Between the columns of a table."""

_SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def text_from_report(report: Report, *, color: bool = False, width: int | None = None) -> str:
    """Render a built :class:`~confmat.report.model.Report` as text (see :func:`render_text`).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat.report.model import build_report
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
    console.print(renderable(report), crop=False)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in str(text).splitlines()) + "\n"


def renderable(report: Report) -> RenderableType:
    """The whole report as one rich renderable: a heading and a block per section."""
    sections: list[tuple[str, RenderableType]] = [("Summary", _summary(report))]
    if report.summary.num_classes <= MATRIX_MAX_CLASSES:
        sections.append(("Matrix (rows: true class, columns: predicted class)", _matrix(report)))
    sections += [
        ("Per class", _per_class(report)),
        ("Most confused pairs", _pairs(report)),
        ("Findings", _findings(report)),
    ]
    parts: list[RenderableType] = [_header(report)]
    for heading, block in sections:
        parts += [Text(""), Text(heading, style="bold underline"), block]
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


def _table(header: Sequence[str], rows: Sequence[Sequence[Cell] | None], *, left: int = 1) -> Text:
    """Aligned columns under a bold header and an ASCII rule; ``None`` rows are blank lines.

    The first ``left`` columns are text (left-aligned), the rest numbers (right-aligned). Drawn
    as one styled text rather than a rich Table: a thousand rows take milliseconds, not seconds.
    """
    cells = [[_cell(c) for c in row] for row in rows if row is not None]
    texts = [[text for text, _ in row] for row in cells]
    head = [_format.printable(h) for h in header]
    widths = [max(cell_len(r[i]) for r in [head, *texts]) for i in range(len(header))]
    out = Text(no_wrap=True, overflow="ignore")
    out.append(_line(head, widths, left), style="bold")
    out.append("\n" + "-" * (sum(widths) + len(_GAP) * (len(widths) - 1)))
    for row in rows:
        out.append("\n")
        if row is None:
            continue
        for index, (text, style) in enumerate(_cell(c) for c in row):
            gap = "" if index == 0 else _GAP
            out.append(gap + _pad(text, widths[index], index < left), style=style)
    return out


def _short(names: Sequence[str], width: int) -> list[str]:
    """Names on one line, made visible and at most ``width`` long (the findings keep them whole)."""
    return shorten_labels([_format.printable(n) for n in names], width)


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


def _summary(report: Report) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    for label, value in _format.summary_rows(report):
        table.add_row(label, Text(value, style="bold" if label == "accuracy" else ""))
    return table


def _matrix(report: Report) -> Text:
    counts = report.matrix.counts.tolist()
    rows: list[list[Cell]] = [
        [
            name,
            *(
                (_format.count(x), "bold green" if i == j else ("red" if x else "dim"))
                for j, x in enumerate(counts[i])
            ),
        ]
        for i, name in enumerate(_short(report.classes, NAME_WIDTH))
    ]
    return _table(["true \\ pred", *_short(report.classes, MATRIX_NAME_WIDTH)], rows)


def _per_class(report: Report) -> Text:
    header, rows = _format.class_table(report)
    for row, name in zip(rows, _short(report.classes, NAME_WIDTH), strict=True):
        row[0] = name
    averages: list[list[Cell]] = [[(c, "dim") for c in r] for r in _format.average_rows(report)]
    return _table(header, [*rows, None, *averages])


def _pairs(report: Report) -> RenderableType:
    if not report.pairs:
        return Text("none: no sample is misclassified")
    header = ["true class", "predicted as", "count", "of true class"]
    rows = _format.pair_rows(report)
    for row in rows:
        row[:2] = _short(row[:2], NAME_WIDTH)
    return _table(header, rows, left=2)


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
