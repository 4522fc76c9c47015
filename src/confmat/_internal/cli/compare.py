"""``confmat compare``: two models' predictions of the same samples -> their comparison.

Two prediction columns of one file, or one prediction column in each of two files whose true
labels agree row by row; counted by :func:`confmat.compare` (McNemar, paired bootstrap).
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from confmat._internal.cli.inputs import classes_option, present_columns
from confmat._internal.io import reading as io
from confmat._internal.io import writing as output
from confmat.exceptions import ConfmatError, InputFileError, UsageError


def run(args: argparse.Namespace) -> int:
    """Run ``confmat compare``; returns the exit status."""
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
