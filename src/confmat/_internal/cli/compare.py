"""``confmat compare``: two models' predictions of the same samples -> their comparison.

Two prediction columns of one file, or one prediction column in each of two files whose true
labels agree row by row; counted by :func:`confmat.compare` (McNemar, paired bootstrap) with
the options of the vocabulary (:mod:`cli.vocabulary`), each passed to its parameter of the
same name. ``--weight-col`` is a column of the first file (the samples are the same).
"""

from __future__ import annotations

import argparse
import json
from typing import Any, NamedTuple

import numpy as np

from confmat._internal.cli import vocabulary
from confmat._internal.cli.inputs import check_weight_col, present_columns, weight_values
from confmat._internal.cli.vocabulary import class_name, classes_option
from confmat._internal.io import reading as io
from confmat._internal.io import writing as output
from confmat.exceptions import ConfmatError, InputFileError, UsageError


class _Paired(NamedTuple):
    """Both models' predictions of the same samples, read from one file or two."""

    y_true: np.ndarray
    pred_a: np.ndarray
    pred_b: np.ndarray
    weights: np.ndarray | None
    names: tuple[str, str]  # the two models' names: their columns (and files)


def run(args: argparse.Namespace) -> int:
    """Run ``confmat compare``; returns the exit status."""
    from confmat._internal.report.comparison import render_comparison
    from confmat._internal.results.comparison import compare

    inputs = [p for p in (args.file_a, args.file_b, args.classes_file) if p]
    output.check_outputs([args.output] if args.output else [], inputs=inputs)
    paired = _paired_columns(args)
    try:
        result = compare(paired.y_true, paired.pred_a, paired.pred_b, **_options(args, paired))
    except UsageError:
        raise  # the command line's own error: no file to name
    except ConfmatError as error:
        raise error.in_context(source=args.file_a) from None
    if args.format == "json":
        text = json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n"
    else:
        text = render_comparison(result, *paired.names)
    output.write_output(args.output, text)
    return 0


def _options(args: argparse.Namespace, paired: _Paired) -> dict[str, Any]:
    """The keyword arguments of ``compare``: every option as the Python parameter takes it."""
    from confmat._internal.core import checks, codes

    y_true = paired.y_true
    classes = classes_option(args, y_true)
    score_of = class_name(args.score_of, y_true)
    kind = codes.prediction_kind(
        checks.as_values(paired.pred_a, "y_pred_a"), None, args.from_logits
    )
    vocabulary.check_score_options(args, kind, 1, " and ".join(paired.names))
    ignore = vocabulary.ignore_index_option(args, y_true)
    scored = None
    if kind == "scores" and paired.pred_a.ndim == 1:
        kept = y_true if ignore is None else y_true[y_true != ignore]
        scored = vocabulary.scored_name(kept, classes, score_of)
    return {
        "classes": classes,
        "num_classes": args.num_classes,
        "sample_weight": paired.weights,
        "ignore_index": ignore,
        "threshold": args.threshold,
        "score_of": score_of,
        "positive": codes.reported_positive(class_name(args.positive, y_true), scored),
        "from_logits": args.from_logits,
        "zero_division": vocabulary.zero_division_option(args),
        "n_resamples": args.resamples,
        "level": args.level,
        "seed": args.seed,
    }


def _paired_columns(args: argparse.Namespace) -> _Paired:
    """The true labels, both models' predictions, the weights and the models' names."""
    default = "y_pred" if args.file_b else None
    col_a = args.pred_col_a or default or "y_pred_a"
    col_b = args.pred_col_b or default or "y_pred_b"
    if args.file_b == "-" and args.file_a == "-":
        raise UsageError("only one of the two files can be standard input (-)")
    weight = [] if args.weight_col is None else [args.weight_col]
    if weight:
        check_weight_col(args.weight_col, [args.true_col, col_a, col_b])
    table_a = io.read_table(args.file_a)
    if not args.file_b:
        wanted = [args.true_col, col_a, col_b, *weight]
        y_true, pred_a, pred_b, *weights = present_columns(table_a, wanted, args.file_a, False)
        return _Paired(y_true, pred_a, pred_b, _weights(args, weights), (col_a, col_b))
    wanted = [args.true_col, col_a, *weight]
    y_true, pred_a, *weights = present_columns(table_a, wanted, args.file_a, False)
    table_b = io.read_table(args.file_b)
    true_b, pred_b = present_columns(table_b, [args.true_col, col_b], args.file_b, False)
    _check_same_samples(args, y_true, true_b)
    names = (f"{args.file_a}:{col_a}", f"{args.file_b}:{col_b}")
    return _Paired(y_true, pred_a, pred_b, _weights(args, weights), names)


def _weights(args: argparse.Namespace, read: list[np.ndarray]) -> np.ndarray | None:
    """The checked weights of ``--weight-col`` (of the first file), if it was given."""
    if not read:
        return None
    return weight_values(read[0], args.weight_col, args.file_a, 1, None)


def _check_same_samples(args: argparse.Namespace, y_true: np.ndarray, true_b: np.ndarray) -> None:
    """The second file must hold the first one's samples, in the same order."""
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
