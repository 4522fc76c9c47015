"""``confmat report --top-k K``: the top-k results of ``--score-cols`` in the report.

Top-k accuracy, per-class top-k recall and the top-k confusion of the score columns (one per
class, matched to the classes by name as for the report itself) become a section of the
single-label report, drawn by the shared renderers (``"top_k"`` in the JSON document). CSV
has no place for them.
"""

from __future__ import annotations

import argparse

import numpy as np

from confmat._internal.cli import inputs as cli_input
from confmat._internal.io import reading as io
from confmat._internal.results.topk import TopK, top_k
from confmat.exceptions import ConfmatError, InputFileError, UsageError


def check_top_k(args: argparse.Namespace) -> None:
    """Usage errors of ``--top-k``, before anything is read."""
    if args.format == "csv":
        raise UsageError("--top-k has no CSV form: use --format json, text, markdown or html")
    if not args.score_cols:
        raise UsageError("--top-k needs --score-cols, one score column per class")


def top_k_of(args: argparse.Namespace) -> TopK:
    """The top-k results of ``--score-cols`` against ``--true-col`` in ``args.input``."""
    check_top_k(args)
    source = args.input
    table = io.read_table(source, args.input_format)
    pairs = cli_input.score_pairs(args.score_cols)
    wanted = [args.true_col, *(column for _, column in pairs)]
    y_true, *values = cli_input.present_columns(table, wanted, source, args.dropna)
    columns = [
        cli_input.score_column(v, c, source) for v, (_, c) in zip(values, pairs, strict=True)
    ]
    if len(columns) < 2:
        raise UsageError("--top-k needs one score column per class (at least two)")
    classes = cli_input.classes_option(args, y_true)
    scores, classes, _ = cli_input.match_scores(columns, pairs, classes, y_true)
    names = [str(c) for c in (classes or [name for name, _ in pairs])]
    try:
        return top_k_result(args, y_true, scores.astype(np.float64), names)
    except ConfmatError as error:
        raise error.in_context(source=source) from None


def top_k_result(
    args: argparse.Namespace, y_true: np.ndarray, scores: np.ndarray, names: list[str]
) -> TopK:
    """Top-k of the score columns, the true labels looked up among the classes by value."""
    index = {name: i for i, name in enumerate(names)}
    distinct, inverse = np.unique(y_true.astype(str), return_inverse=True)
    unknown = [label for label in distinct.tolist() if label not in index]
    if unknown:
        raise InputFileError(f"{args.input}: true labels {unknown[:5]} are not score columns")
    codes = np.asarray([index[label] for label in distinct.tolist()], dtype=np.int64)[inverse]
    return top_k(codes, scores, args.top_k, classes=names)
