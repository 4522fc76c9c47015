"""The ``confmat`` command: argument parsing and exit codes only.

Exit status 0 on success, 2 on bad input or usage with one line on standard error.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from confmat import io
from confmat.exceptions import ConfmatError, InputFileError
from confmat.matrix import ConfusionMatrix

FORMATS = ("text", "markdown", "json", "csv", "html")

Renderer = Callable[[ConfusionMatrix], str]


class UsageError(ConfmatError):
    """The command line itself is wrong."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``confmat`` and its subcommands."""
    parser = _Parser(prog="confmat", description="How well a classifier really performs.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = commands.add_parser("report", help="report on a file of predictions")
    report.add_argument("input", help=f"predictions file ({', '.join(io.SUFFIXES)}) or - for CSV")
    report.add_argument("--true-col", default="y_true", help="column of true labels")
    report.add_argument("--pred-col", default="y_pred", help="column of predicted labels/scores")
    report.add_argument("--score-cols", help="comma-separated score columns, one per class")
    classes = report.add_mutually_exclusive_group()
    classes.add_argument("--classes", help="comma-separated class names, in order")
    classes.add_argument("--classes-file", help="file with one class name per line")
    report.add_argument("--positive", help="the positive class of a binary problem")
    report.add_argument("--threshold", type=float, default=0.5, help="binary score threshold")
    report.add_argument("--format", choices=FORMATS, default="text", help="report format")
    report.add_argument("--output", help="write the report to this file (atomically)")
    report.add_argument("--plot", help="write the heatmap to this file (.png, .svg, .pdf)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return _report(args)
    except ConfmatError as error:
        print(f"confmat: error: {_one_line(str(error))}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"confmat: error: {_one_line(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _report(args: argparse.Namespace) -> int:
    cm = matrix_from_file(args)
    color = args.format == "text" and not args.output and sys.stdout.isatty()
    text = _renderer(args.format, source=args.input, color=color)(cm)
    if args.plot:
        _plot(cm, args.plot)
    if args.output:
        io.write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _renderer(fmt: str, source: str | None = None, color: bool = False) -> Renderer:
    """The report of ``fmt``; colour only for text to a terminal, never to a file or pipe."""
    from confmat import report

    name = None if source in (None, "-") else source
    renderers: dict[str, Renderer] = {
        "text": functools.partial(
            report.render_text, source=name, color=color, width=_terminal_width(color)
        ),
        "markdown": functools.partial(report.render_markdown, source=name),
        "json": report.render_json,
        "csv": report.render_csv,
        "html": functools.partial(report.render_html, source=name),
    }
    return renderers[fmt]


def _terminal_width(color: bool) -> int | None:
    return shutil.get_terminal_size().columns if color else None


def _plot(cm: ConfusionMatrix, path: str) -> None:
    raise UsageError(f"--plot {path}: plotting is not available yet")


def matrix_from_file(args: argparse.Namespace) -> ConfusionMatrix:
    """Read ``args.input`` and count its predictions as the options say."""
    source = args.input
    table = io.read_table(source)
    y_true = io.column(table, args.true_col, source)
    classes = _classes(args, y_true)
    if args.score_cols:
        names = [c.strip() for c in args.score_cols.split(",") if c.strip()]
        columns = [_scores(io.column(table, c, source), c, source) for c in names]
        y_pred: np.ndarray = np.stack(columns, axis=1) if len(columns) > 1 else columns[0]
        if classes is None and len(columns) > 1 and y_true.dtype.kind == "U":
            classes = names
    else:
        y_pred = io.column(table, args.pred_col, source)
    try:
        return ConfusionMatrix.from_predictions(
            y_true, y_pred, classes=classes, threshold=args.threshold, positive=args.positive
        )
    except ConfmatError as error:
        raise type(error)(f"{source}: {error}") from None


def _scores(values: np.ndarray, name: str, source: str) -> np.ndarray:
    if values.dtype.kind not in "fiu":
        raise InputFileError(f"{source}: score column {name!r} must hold numbers")
    return values.astype(np.float64)


def _classes(args: argparse.Namespace, y_true: np.ndarray) -> list[Any] | None:
    """Class names from --classes or --classes-file; integers when the labels are integers."""
    if args.classes is not None:
        names = [c.strip() for c in args.classes.split(",")]
    elif args.classes_file is not None:
        path = Path(args.classes_file)
        if not path.is_file():
            raise InputFileError(f"{path}: no such classes file")
        names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        names = [n for n in names if n]
    else:
        return None
    if y_true.dtype.kind in "iu" and all(_is_integer(n) for n in names):
        return [int(n) for n in names]
    return names


def _is_integer(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
