"""``confmat report``: one file of predictions -> the report, its heatmap and where they go.

The input half (columns, classes, scores, thresholds) is :mod:`cli.inputs` for a file read
whole and :mod:`cli.streaming` for one read in batches; ``--multilabel`` is
:mod:`cli.multilabel` and ``--top-k`` :mod:`cli.topk` (a section of the report). Here: the
options of the presentation, the rendering in ``--format``, ``--plot``, and writing (every
output checked before anything is read, then atomically).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from confmat._internal.cli.parser import check_single_label
from confmat.exceptions import UsageError

if TYPE_CHECKING:
    from confmat._internal.report.model import Report
    from confmat._internal.results.matrix import ConfusionMatrix
    from confmat._internal.results.topk import TopK

Renderer = Callable[["Report"], str]


def run(args: argparse.Namespace) -> int:
    """Run ``confmat report``; returns the exit status."""
    _check_presentation(args)  # usage errors: before any heavy import
    check_single_label(args)
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
    output.write_output(args.output, text)
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

        width = shutil.get_terminal_size().columns if color else None
        return lambda built: text_from_report(built, color=color, width=width)
    if fmt == "markdown":
        from confmat._internal.report.markdown import markdown_from_report

        return markdown_from_report
    from confmat._internal.report.html import html_from_report

    return html_from_report


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
