"""``confmat report --multilabel``: reading the label columns, counting, rendering.

Multilabel predictions come either as one column per label (``--true-cols`` and
``--pred-cols``, 0/1 or scores) or as one JSON list per cell in ``--true-col``/``--pred-col``:
a list of label names (``["cat", "dog"]``, the label set of the sample) or a list of L 0/1
values or scores. The report is rendered by the shared renderers of :mod:`report`, as a
single-label report is (``--title`` and ``--top`` apply).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from confmat._internal.cli import inputs as cli_input
from confmat._internal.cli import vocabulary
from confmat._internal.io import reading as io
from confmat._internal.io import writing as output
from confmat._internal.results.multilabel import MultilabelConfusion
from confmat.exceptions import ConfmatError, InputFileError, UsageError


def multilabel_result(args: argparse.Namespace) -> MultilabelConfusion:
    """Read ``args.input`` as multilabel predictions and count them."""
    source = args.input
    table = io.read_table(source)
    if bool(args.true_cols) != bool(args.pred_cols):
        raise UsageError("--true-cols and --pred-cols go together (one column per label each)")
    if args.true_cols:
        names = cli_input.name_list(args.true_cols, "--true-cols")
        y_true = np.stack([_numbers(io.column(table, c, source), c, source) for c in names], 1)
        pred_names = cli_input.name_list(args.pred_cols, "--pred-cols")
        if len(pred_names) != len(names):
            raise UsageError(
                f"--pred-cols must name one column per label: {len(names)} true columns, "
                f"{len(pred_names)} predicted"
            )
        columns = [_numbers(io.column(table, c, source), c, source) for c in pred_names]
        y_pred = np.stack(columns, 1)
        labels: list[str] | None = names
    else:
        true_cells, pred_cells = _present_lists(table, args.true_col, args.pred_col, args)
        given = None if args.classes is None else cli_input.name_list(args.classes, "--classes")
        y_true, y_pred, labels = _grids(true_cells, pred_cells, given, source)
    try:
        return MultilabelConfusion.from_predictions(
            y_true,
            y_pred,
            classes=labels,
            threshold=0.5 if args.threshold is None else args.threshold,
            num_classes=args.num_classes,
            from_logits=args.from_logits,
            ignore_index=_ignore_index(args),
            zero_division=vocabulary.zero_division_option(args),
        )
    except ConfmatError as error:
        raise error.in_context(source=source) from None


def _ignore_index(args: argparse.Namespace) -> int | None:
    """``--ignore-index``: the cell value left out (a whole number other than 0 and 1)."""
    if args.ignore_index is None:
        return None
    return vocabulary.ignore_index_option(args, np.zeros(1, dtype=np.int64))  # type: ignore[return-value]


def _numbers(values: np.ndarray, name: str, source: str) -> np.ndarray:
    if values.dtype.kind not in "biuf":
        raise InputFileError(f"{source}: column {name!r} must hold 0/1 values or scores")
    return values


def _present_lists(
    table: io.Table, true_col: str, pred_col: str, args: argparse.Namespace
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The list cells of both columns, without the rows where one is missing.

    A null (or, in a CSV, empty) cell is missing: refused, or left out with ``--dropna``;
    ``[]`` is an empty label set.
    """
    from confmat._internal.core import missing

    source = args.input
    columns = [
        missing.Column(
            f"column {name!r}", _lists(io.column(table, name, source), name, source), True
        )
        for name in (true_col, pred_col)
    ]
    present = cli_input.without_missing(columns, source, args.dropna)
    true, pred = (list(values) for values in present.values)
    return true, pred


def _lists(values: np.ndarray, name: str, source: str) -> np.ndarray:
    """Each cell of a list column: a list (Arrow list, or JSON text), or None if missing."""
    cells = np.empty(len(values), dtype=object)
    for i, cell in enumerate(values.tolist()):
        parsed = cell
        if isinstance(cell, str):
            try:
                parsed = json.loads(cell)
            except json.JSONDecodeError:
                parsed = _MALFORMED
        elif isinstance(cell, float) and cell != cell:
            parsed = None  # NaN: a missing cell
        if parsed is not None and not isinstance(parsed, list):
            raise InputFileError(
                f"{source}: column {name!r} must hold a JSON list per row (label names, or one "
                f"0/1 value or score per label), got {str(cell)[:40]!r} in data row {i + 1}"
            )
        if parsed is not None and any(x is None or x != x for x in parsed):  # None, NaN
            raise InputFileError(
                f"{source}: column {name!r} holds a missing value inside the list of data row "
                f"{i + 1}: a list holds label names, or one 0/1 value or score per label "
                "(an empty list is an empty label set)"
            )
        cells[i] = parsed
    return cells


_MALFORMED = object()


def _grids(
    true: list[list[Any]], pred: list[list[Any]], labels: list[str] | None, source: str
) -> tuple[np.ndarray, np.ndarray, list[str] | None]:
    """Indicator grids from lists of label names, or the lists as rows of numbers."""
    every = [x for cell in true + pred for x in cell]
    if all(isinstance(x, (int, float)) for x in every) and every:  # 0/1 (or bools), scores
        width = len(true[0]) if true else 0
        for cells in (true, pred):
            row = next((r for r, cell in enumerate(cells) if len(cell) != width), None)
            if row is not None:
                raise InputFileError(
                    f"{source}: every list of 0/1 values or scores must have one value per "
                    f"label ({width}, as in the first row), got {len(cells[row])} in data row "
                    f"{row + 1} (counted after rows left out by --dropna)"
                )
        return np.asarray(true, dtype=np.float64), np.asarray(pred, dtype=np.float64), labels
    names = labels if labels is not None else sorted({str(x) for x in every})
    if not names:
        raise InputFileError(f"{source}: no label in any row; pass --classes to name the labels")
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted({str(x) for x in every} - set(index))
    if unknown:
        raise InputFileError(f"{source}: labels {unknown[:5]} are not among --classes")
    grids = []
    for cells in (true, pred):
        grid = np.zeros((len(cells), len(names)), dtype=np.int64)
        rows = [r for r, cell in enumerate(cells) for _ in cell]
        cols = [index[str(x)] for cell in cells for x in cell]
        grid[rows, cols] = 1
        grids.append(grid)
    return grids[0], grids[1], names


def render(result: MultilabelConfusion, args: argparse.Namespace) -> str:
    """The multilabel report in ``--format`` (text, markdown, json, csv or html)."""
    from confmat._internal import report
    from confmat._internal.report.model import TOP_PAIRS

    if args.format == "json":
        return report.render_json(result)
    source = None if args.input == "-" else args.input
    top = TOP_PAIRS if args.top is None else args.top
    built = report.build_report(result, title=args.title, source=source, top_pairs=top)
    if args.format == "csv":
        from confmat._internal.report.csv import csv_from_report

        return csv_from_report(built)
    if args.format == "markdown":
        from confmat._internal.report.markdown import markdown_from_report

        return markdown_from_report(built)
    if args.format == "html":
        from confmat._internal.report.html import html_from_report

        return html_from_report(built)
    from confmat._internal.report.text import text_from_report

    return text_from_report(built)


def report(args: argparse.Namespace) -> int:
    """``confmat report --multilabel``: count, render, write (and draw the co-confusion)."""
    single_label = ("score_cols", "top_k", "choose_threshold", "normalize", "score_of", "positive")
    for option in single_label:
        if getattr(args, option) is not None:
            flag = "--" + option.replace("_", "-")
            raise UsageError(f"{flag} is for single-label predictions, not with --multilabel")
    result = multilabel_result(args)
    text = render(result, args)
    if args.plot:
        from confmat._internal.show import figures

        shown = {"title": args.title, "top": args.top}  # as for a matrix's heatmap
        ax = result.plot(**{key: value for key, value in shown.items() if value is not None})
        try:
            figures.save(ax, args.plot)
        finally:
            figures.close(ax)
    output.write_output(args.output, text)
    return 0
