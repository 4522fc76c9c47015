"""The command line's arguments: the parser of ``confmat`` and its subcommands, and its help.

Only the standard library is imported here, so ``confmat --help``, ``--version`` and usage errors
are quick: every option is checked as it is parsed (bounds included), and its help shows its
default.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any, NoReturn

from confmat._version import __version__
from confmat.exceptions import UsageError

FORMATS = ("text", "markdown", "json", "csv", "html")

INPUT_SUFFIXES = ".csv, .tsv, .jsonl, .parquet or .npz"
"""The suffixes of ``io.reading.SUFFIXES``, for the help (a test keeps the two equal)."""

INPUT_FORMATS = ("csv", "tsv", "jsonl", "parquet", "npz")
"""``io.reading.INPUT_FORMATS``, the choices of ``--input-format`` (a test keeps them equal)."""

NORMALIZE = ("true", "pred", "all")

MAX_RESAMPLES = 1_000_000
"""The most bootstrap replicates ``confmat compare`` draws (memory grows with them)."""

MAX_SEED = 2**63 - 1

MAX_NUM_CLASSES = 1 << 24
"""The most classes ``--num-classes`` may name (their names are held in memory)."""

ZERO_DIVISION = ("nan", "warn", "0", "1")

SINGLE_LABEL_ONLY = ("--weight-col",)
"""Options of the single-label report that ``--multilabel`` does not take (yet)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (exit status 2) and whose help has defaults."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


class _Formatter(argparse.HelpFormatter):
    """Help that ends each option with its default, when it has one."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "%(default)" in text:
            return text
        if not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


def _count(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected an integer from {low} to {high:,}, got {text!r}"
            )
        return value

    return parse


def _level(text: str) -> float:
    """An argparse type: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"expected a number strictly between 0 and 1, got {text!r}"
        )
    return value


def _path(text: str) -> str:
    """An argparse type: a non-empty path."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a file name, got {text!r}")
    return text


def _text(text: str) -> str:
    """An argparse type: a non-blank name or value."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a non-blank value, got {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``confmat`` and its subcommands."""
    parser = _Parser(prog="confmat", description="How well a classifier really performs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_report_parser(commands)
    _add_compare_parser(commands)
    _add_demo_parser(commands)
    return parser


def _add_report_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="report on a file of predictions",
        description="Report on a file of predictions: the matrix, its statistics with "
        "intervals, the most confused pairs and findings.",
    )
    report.add_argument(
        "input",
        help=f"predictions file ({INPUT_SUFFIXES}; the text ones also .gz, .bz2, .zst, .lz4), "
        "a directory or quoted glob of .parquet files, or - for standard input",
    )
    report.add_argument(
        "--input-format",
        choices=INPUT_FORMATS,
        help="the input's format, for standard input (default csv) or an unusual file name",
    )
    report.add_argument(
        "--stream",
        action=argparse.BooleanOptionalAction,
        help="read the input in batches, in memory bounded whatever its size (default: for a "
        "directory or glob of Parquet files and for files over 64 MiB); --no-stream reads one "
        "file whole",
    )
    report.add_argument("--true-col", default="y_true", help="column of true labels")
    report.add_argument("--pred-col", default="y_pred", help="column of predicted labels/scores")
    report.add_argument("--score-cols", help="comma-separated score columns, one per class")
    _add_vocabulary(report)
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
    cut.add_argument(
        "--threshold",
        type=float,
        help="binary score threshold: the scored class iff score >= threshold (default: 0.5)",
    )
    cut.add_argument(
        "--choose-threshold",
        metavar="CRITERION",
        help="choose the binary threshold from the scores: youden, f1, fbeta=B, "
        "sensitivity>=X, specificity>=X, precision>=X or cost=FP:a,FN:b",
    )
    report.add_argument("--format", choices=FORMATS, default="text", help="report format")
    report.add_argument(
        "--output",
        type=_path,
        help="write the report to this file: a regular file is replaced atomically (through "
        "a symbolic link, its target); a FIFO or device (/dev/stdout) is written directly",
    )
    report.add_argument(
        "--plot", type=_path, help="write the heatmap to this file (.png, .svg, .pdf)"
    )
    report.add_argument(
        "--title", help="title of the text, markdown and html reports and of the --plot heatmap"
    )
    report.add_argument(
        "--normalize",
        choices=NORMALIZE,
        help="show the matrix of the text, markdown and html reports and of the --plot "
        "heatmap as shares of the true class (rows), of the predicted class (columns) or of "
        "all samples, instead of counts",
    )
    report.add_argument(
        "--top",
        metavar="K",
        type=_count(1, 1_000_000),
        help="list the K most confused pairs in the text, markdown and html reports (default "
        "10), and draw only the K classes most involved in confusions in the --plot heatmap",
    )
    group = report.add_argument_group("multilabel and top-k")
    group.add_argument("--multilabel", action="store_true", help="multilabel predictions")
    group.add_argument("--true-cols", help="multilabel: comma-separated 0/1 columns, one per label")
    group.add_argument("--pred-cols", help="multilabel: comma-separated 0/1 or score columns")
    group.add_argument(
        "--top-k", type=_count(1, 1_000_000), metavar="K", help="top-k of --score-cols"
    )


def _add_vocabulary(command: argparse.ArgumentParser) -> None:
    """The options every command that counts single-label predictions takes, one meaning each.

    Each is passed to the Python option of the same name (``classes``, ``num_classes``,
    ``positive``, ``score_of``, ``from_logits``, ``ignore_index``, ``sample_weight``,
    ``zero_division``), so the command and Python give the same numbers.
    """
    group = command.add_argument_group("classes and counting")
    classes = group.add_mutually_exclusive_group()
    classes.add_argument("--classes", help="comma-separated class names (label values), in order")
    classes.add_argument("--classes-file", help="file with one class name per line")
    group.add_argument(
        "--num-classes",
        metavar="N",
        type=_count(1, MAX_NUM_CLASSES),
        help="the number of classes: integer labels are indices 0..N-1 (classes '0'..'N-1')",
    )
    group.add_argument(
        "--positive",
        help="the class a binary report calls positive (never changes the counts; default: the "
        "scored class of one score column, else label 1 / true, else the second class)",
    )
    group.add_argument(
        "--score-of",
        metavar="CLASS",
        help="the class one score column is the probability of (default: label 1 / true; "
        "required for text labels)",
    )
    group.add_argument(
        "--from-logits",
        action="store_true",
        help="one score column holds logits: a sigmoid before the threshold",
    )
    group.add_argument(
        "--ignore-index",
        metavar="VALUE",
        type=_text,
        help="leave out the rows whose true label is VALUE (a number for numeric labels)",
    )
    group.add_argument(
        "--weight-col",
        metavar="NAME",
        type=_text,
        help="column of sample weights (finite, non-negative): counts become weighted sums",
    )
    group.add_argument(
        "--zero-division",
        choices=ZERO_DIVISION,
        help="the value of 0/0 statistics: nan, warn (nan and a warning), 0 or 1 (default: nan)",
    )


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
    _add_vocabulary(compare)
    compare.add_argument(
        "--threshold",
        type=float,
        help="binary score threshold: the scored class iff score >= threshold (default: 0.5)",
    )
    compare.add_argument(
        "--resamples",
        type=_count(1, MAX_RESAMPLES),
        default=2000,
        help=f"paired bootstrap replicates (at most {MAX_RESAMPLES:,})",
    )
    compare.add_argument("--level", type=_level, default=0.95, help="confidence level")
    compare.add_argument(
        "--seed", type=_count(0, MAX_SEED), default=0, help="seed of the bootstrap"
    )
    compare.add_argument("--format", choices=("text", "json"), default="text", help="format")
    compare.add_argument(
        "--output", type=_path, help="write the comparison to this file (as report --output)"
    )


def _add_demo_parser(commands: Any) -> None:
    demo = commands.add_parser(
        "demo", help="train two small networks, evaluate them, print and write their reports"
    )
    demo.add_argument(
        "--out",
        type=_path,
        default="confmat-demo",
        help="directory for the heatmaps, JSON and HTML reports",
    )
    demo.add_argument(
        "--seed",
        type=_count(0, MAX_SEED),
        default=0,
        help="seed of the splits and the training",
    )


def given_options(args: argparse.Namespace, options: tuple[str, ...]) -> list[str]:
    """Those of ``options`` given on the command line (flags set, values present)."""
    values = (getattr(args, option[2:].replace("-", "_"), None) for option in options)
    return [
        option
        for option, value in zip(options, values, strict=True)
        if value is not None and value is not False
    ]


def check_single_label(args: argparse.Namespace) -> None:
    """The options that ``--multilabel`` does not take are refused with it."""
    mode = "--multilabel" if args.multilabel else None
    given = given_options(args, SINGLE_LABEL_ONLY) if mode else []
    if given:
        raise UsageError(
            f"{given[0]} is not supported with {mode} (it applies to the single-label report): "
            "leave it out",
            argument=given[0],
        )
