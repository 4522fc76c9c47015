"""The ``confmat`` command: running the commands, and exit codes.

Exit status 0 on success, 2 on bad input or usage with one line on standard error, 130 when
interrupted. The arguments are parsed by :mod:`cli.parser` (standard library only):
``--help``, ``--version`` and usage errors import neither torch nor numpy; the commands import
what they need.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from confmat._internal.cli.parser import build_parser
from confmat.exceptions import ConfmatError, InputFileError, UsageError, one_line

if TYPE_CHECKING:
    import numpy as np

    from confmat._internal.report.model import Report
    from confmat._internal.results.matrix import ConfusionMatrix
    from confmat._internal.results.topk import TopK

Renderer = Callable[["Report"], str]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            args = build_parser().parse_args(argv)
            if args.command == "compare":
                return _compare(args)
            if args.command == "demo":
                return _demo(args)
            return _report(args)
    except ConfmatError as error:
        print(f"confmat: error: {one_line(error)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"confmat: error: {one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("confmat: interrupted", file=sys.stderr)
        return 130


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """A warning on one line of standard error, its text escaped (it may quote a file)."""
    print(f"confmat: warning: {one_line(message)} ({category.__name__})", file=sys.stderr)


def _report(args: argparse.Namespace) -> int:
    _check_presentation(args)  # a usage error: before any heavy import
    from confmat._internal.io import writing as output

    inputs = [args.input, args.classes_file]
    outputs = [path for path in (args.plot, args.output) if path]
    output.check_outputs(outputs, inputs=[p for p in inputs if p])
    if args.plot:
        _check_plot(args.plot)
    from confmat._internal.cli import streaming as cli_stream

    stream = cli_stream.streamed(args)
    if args.multilabel:
        from confmat._internal.cli import multilabel as cli_multilabel

        return cli_multilabel.report(args)
    from confmat._internal.cli.inputs import matrix_from_file

    cm = cli_stream.matrix_from_stream(args) if stream else matrix_from_file(args)
    color = args.format == "text" and not args.output and sys.stdout.isatty()
    top_k = None
    if args.top_k is not None:
        from confmat._internal.cli import topk as cli_topk

        top_k = cli_topk.top_k_of(args)
    text = _render(cm, args, color, top_k)
    picture = _plot(cm, args) if args.plot else None
    if picture is not None:  # both are drawn before either is written
        output.write_atomic(args.plot, picture)
    if args.output:
        output.write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _check_presentation(args: argparse.Namespace) -> None:
    """--title, --top and --normalize must show somewhere: refused where nothing shows them."""
    if args.plot:
        return
    people = args.format in ("text", "markdown", "html")
    for option, value, shown in (
        ("--title", args.title, people),
        ("--top", args.top, people),
        ("--normalize", args.normalize, people),
    ):
        if value is not None and not shown:
            raise UsageError(
                f"{option} has no effect on --format {args.format}: it applies to --format "
                "text, markdown, html or --plot",
                argument=option,
            )


def _render(
    cm: ConfusionMatrix, args: argparse.Namespace, color: bool, top_k: TopK | None = None
) -> str:
    """The report in ``--format``; colour only for text to a terminal, never to a file or pipe."""
    from confmat._internal import report
    from confmat._internal.report.model import TOP_PAIRS

    if args.format == "json":
        return report.render_json(cm, top_k=top_k)
    if args.format == "csv":
        return report.render_csv(cm)
    source = None if args.input == "-" else args.input
    top = TOP_PAIRS if args.top is None else args.top
    built = report.build_report(
        cm, title=args.title, source=source, top_pairs=top, normalize=args.normalize, top_k=top_k
    )
    return _renderer(args.format, color)(built)


def _renderer(fmt: str, color: bool) -> Renderer:
    """The rendering of a built report for people: text, markdown or html."""
    if fmt == "text":
        from confmat._internal.report.text import text_from_report

        width = _terminal_width(color)
        return lambda built: text_from_report(built, color=color, width=width)
    if fmt == "markdown":
        from confmat._internal.report.markdown import markdown_from_report

        return markdown_from_report
    from confmat._internal.report.html import html_from_report

    return html_from_report


def _terminal_width(color: bool) -> int | None:
    return shutil.get_terminal_size().columns if color else None


def _check_plot(path: str) -> None:
    """A --plot that cannot be drawn fails before anything is read or written."""
    from confmat._internal.show import figures

    figures.image_format(path)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(f"--plot {path}: needs matplotlib: pip install 'confmat[plot]'") from None


def _plot(cm: ConfusionMatrix, args: argparse.Namespace) -> bytes:
    """The heatmap's file: PNG, SVG or PDF by the extension of ``--plot``."""
    from confmat._internal.show import figures
    from confmat._internal.show.heatmap import heatmap

    display = heatmap(cm, normalize=args.normalize, top=args.top, title=args.title)
    try:
        return figures.render(display, figures.image_format(args.plot))
    finally:
        figures.close(display)


# -- confmat demo ---------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from confmat._internal.cli.demo import run_demo

    try:
        run_demo(args.out, seed=args.seed)
    except ImportError as error:
        raise UsageError(f"the demo needs {error.name}: pip install 'confmat[all]'") from None
    return 0


def _compare(args: argparse.Namespace) -> int:
    import json

    from confmat._internal.cli.inputs import classes_option
    from confmat._internal.io import writing as output
    from confmat._internal.report.comparison import render_comparison
    from confmat._internal.results.comparison import compare

    inputs = [p for p in (args.file_a, args.file_b, args.classes_file) if p]
    output.check_outputs([args.output] if args.output else [], inputs=inputs)
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
        raise error.in_context(source=args.file_a) from None
    if args.format == "json":
        text = json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n"
    else:
        text = render_comparison(result, *names)
    if args.output:
        output.write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _paired_columns(
    args: argparse.Namespace,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, str]]:
    """(y_true, predictions of A, predictions of B, the two models' names) from the files."""
    import numpy as np

    from confmat._internal.cli.inputs import present_columns
    from confmat._internal.io import reading as io

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
