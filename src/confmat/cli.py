"""The ``confmat`` command: argument parsing and exit codes only.

Exit status 0 on success, 2 on bad input or usage with one line on standard error.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from confmat import io
from confmat.cli_input import classes_option, matrix_from_file, present_columns
from confmat.exceptions import ConfmatError, InputFileError, UsageError, one_line
from confmat.matrix import ConfusionMatrix

FORMATS = ("text", "markdown", "json", "csv", "html")

Renderer = Callable[[ConfusionMatrix], str]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``confmat`` and its subcommands."""
    parser = _Parser(prog="confmat", description="How well a classifier really performs.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = commands.add_parser("report", help="report on a file of predictions")
    report.add_argument(
        "input", help=f"predictions file ({', '.join(io.SUFFIXES)}, .gz/.zst) or - for stdin"
    )
    report.add_argument(
        "--input-format",
        choices=io.INPUT_FORMATS,
        help="the input's format, for standard input (default csv) or an unusual file name",
    )
    report.add_argument("--true-col", default="y_true", help="column of true labels")
    report.add_argument("--pred-col", default="y_pred", help="column of predicted labels/scores")
    report.add_argument("--score-cols", help="comma-separated score columns, one per class")
    classes = report.add_mutually_exclusive_group()
    classes.add_argument("--classes", help="comma-separated class names, in order")
    classes.add_argument("--classes-file", help="file with one class name per line")
    report.add_argument(
        "--positive", help="the class a binary report calls positive (never changes the counts)"
    )
    report.add_argument(
        "--score-of",
        metavar="CLASS",
        help="the class one score column is the probability of (default: label 1 / true; "
        "required for text labels)",
    )
    report.add_argument(
        "--pred-kind",
        choices=("labels", "scores"),
        help="what a float prediction column holds (default: whole numbers outside [0, 1] are "
        "labels, fractions scores)",
    )
    report.add_argument(
        "--dropna", action="store_true", help="leave out rows with a missing label or score"
    )
    cut = report.add_mutually_exclusive_group()
    cut.add_argument("--threshold", type=float, help="binary score threshold (default 0.5)")
    cut.add_argument(
        "--choose-threshold",
        metavar="CRITERION",
        help="choose the binary threshold from the scores: youden, f1, fbeta=B, "
        "sensitivity>=X, specificity>=X, precision>=X or cost=FP:a,FN:b",
    )
    report.add_argument("--format", choices=FORMATS, default="text", help="report format")
    report.add_argument("--output", help="write the report to this file (atomically)")
    report.add_argument("--plot", help="write the heatmap to this file (.png, .svg, .pdf)")
    _add_compare_parser(commands)
    _add_demo_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        if args.command == "compare":
            return _compare(args)
        if args.command == "demo":
            return _demo(args)
        return _report(args)
    except ConfmatError as error:
        print(f"confmat: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"confmat: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


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
    """Write the heatmap to ``path``: PNG, SVG or PDF by its extension, atomically."""
    from confmat.show import figures
    from confmat.show.heatmap import heatmap

    figures.image_format(path)  # a wrong extension fails before anything is drawn or written
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(f"--plot {path}: needs matplotlib: pip install 'confmat[plot]'") from None
    display = heatmap(cm)
    try:
        figures.save(display, path)
    finally:
        figures.close(display)


# -- confmat demo ---------------------------------------------------------------------------


def _add_demo_parser(commands: Any) -> None:
    demo = commands.add_parser(
        "demo", help="train two small networks, evaluate them, print and write their reports"
    )
    demo.add_argument(
        "--out",
        default="confmat-demo",
        help="directory for the heatmaps, JSON and HTML reports (default ./confmat-demo/)",
    )
    demo.add_argument("--seed", type=int, default=0, help="seed of the splits and the training")


def _demo(args: argparse.Namespace) -> int:
    from confmat.demo import run_demo

    try:
        run_demo(args.out, seed=args.seed)
    except ImportError as error:
        raise UsageError(f"the demo needs {error.name}: pip install 'confmat[all]'") from None
    return 0


def _add_compare_parser(commands: Any) -> None:
    """``confmat compare``: two models' predictions of the same samples."""
    compare = commands.add_parser(
        "compare",
        help="compare two models on the same samples (McNemar, paired bootstrap)",
        description="Compare two models on the same samples: two prediction columns of one "
        "file, or one prediction column in each of two files with the same true labels.",
    )
    compare.add_argument("file_a", help="predictions file (or - for CSV on standard input)")
    compare.add_argument("file_b", nargs="?", help="second predictions file (same rows)")
    compare.add_argument("--true-col", default="y_true", help="column of true labels")
    compare.add_argument(
        "--pred-col-a", help="model A's column (default y_pred_a, or y_pred with two files)"
    )
    compare.add_argument(
        "--pred-col-b", help="model B's column (default y_pred_b, or y_pred with two files)"
    )
    classes = compare.add_mutually_exclusive_group()
    classes.add_argument("--classes", help="comma-separated class names, in order")
    classes.add_argument("--classes-file", help="file with one class name per line")
    compare.add_argument("--positive", help="the positive class of a binary problem")
    compare.add_argument(
        "--score-of", metavar="CLASS", help="the class one score column is the probability of"
    )
    compare.add_argument("--threshold", type=float, default=0.5, help="binary score threshold")
    compare.add_argument("--resamples", type=int, default=2000, help="bootstrap replicates")
    compare.add_argument("--level", type=float, default=0.95, help="confidence level")
    compare.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    compare.add_argument("--format", choices=("text", "json"), default="text")
    compare.add_argument("--output", help="write the comparison to this file (atomically)")


def _compare(args: argparse.Namespace) -> int:
    import json

    from confmat.compare import compare
    from confmat.report.comparison import render_comparison

    y_true, pred_a, pred_b, names = _paired_columns(args)
    try:
        result = compare(
            y_true,
            pred_a,
            pred_b,
            classes=classes_option(args, y_true),
            threshold=args.threshold,
            positive=args.positive,
            score_of=args.score_of,
            n_resamples=args.resamples,
            level=args.level,
            seed=args.seed,
        )
    except ConfmatError as error:
        raise type(error)(f"{args.file_a}: {error}") from None
    if args.format == "json":
        text = json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n"
    else:
        text = render_comparison(result, *names)
    if args.output:
        io.write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _paired_columns(
    args: argparse.Namespace,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, str]]:
    """(y_true, predictions of A, predictions of B, the two models' names) from the files."""
    default = "y_pred" if args.file_b else None
    col_a = args.pred_col_a or default or "y_pred_a"
    col_b = args.pred_col_b or default or "y_pred_b"
    if args.file_b == "-" and args.file_a == "-":
        raise UsageError("only one of the two files can be standard input (-)")
    table_a = io.read_table(args.file_a)
    if not args.file_b:
        wanted = [args.true_col, col_a, col_b]
        y_true, pred_a, pred_b = present_columns(table_a, wanted, args.file_a, False)
        return y_true, pred_a, pred_b, (col_a, col_b)
    y_true, pred_a = present_columns(table_a, [args.true_col, col_a], args.file_a, False)
    table_b = io.read_table(args.file_b)
    true_b, pred_b = present_columns(table_b, [args.true_col, col_b], args.file_b, False)
    if true_b.shape != y_true.shape:
        raise InputFileError(
            f"{args.file_b}: {true_b.shape[0]} rows, but {args.file_a} has {y_true.shape[0]}; "
            "the two files must hold the same samples in the same order"
        )
    differ = np.flatnonzero(true_b.astype(str) != y_true.astype(str))
    if differ.size:
        raise InputFileError(
            f"{args.file_b}: true label {str(true_b[differ[0]])!r} in data row {differ[0] + 1} "
            f"differs from {args.file_a}'s {str(y_true[differ[0]])!r}; the files must hold the "
            "same samples in the same order"
        )
    names = (f"{args.file_a}:{col_a}", f"{args.file_b}:{col_b}")
    return y_true, pred_a, pred_b, names


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
