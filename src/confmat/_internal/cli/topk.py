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
from confmat._internal.cli import vocabulary
from confmat._internal.io import reading as io
from confmat._internal.results.topk import TopK, top_k
from confmat.exceptions import ConfmatError, UsageError


def check_top_k(args: argparse.Namespace) -> None:
    """Usage errors of ``--top-k``, before anything is read."""
    if args.format == "csv":
        raise UsageError("--top-k has no CSV form: use --format json, text, markdown or html")
    if not args.score_cols:
        raise UsageError("--top-k needs --score-cols, one score column per class")


def top_k_of(args: argparse.Namespace) -> TopK:
    """The top-k results of ``--score-cols`` against ``--true-col`` in ``args.input``.

    The options of the vocabulary go to :func:`confmat.top_k` (``--classes``,
    ``--num-classes``, ``--ignore-index``, ``--weight-col``, ``--from-logits``,
    ``--zero-division``), as they go to ``from_predictions`` for the report itself.
    """
    check_top_k(args)
    source = args.input
    table = io.read_table(source, args.input_format)
    pairs = cli_input.score_pairs(args.score_cols)
    columns, keep = cli_input.present_rows(
        table, cli_input.input_columns(args, pairs), source, args.dropna
    )
    weights = None
    if args.weight_col is not None:
        weights = cli_input.weight_values(columns.pop(), args.weight_col, source, 1, keep)
    y_true, *values = columns
    scores = [cli_input.score_column(v, c, source) for v, (_, c) in zip(values, pairs, strict=True)]
    if len(scores) < 2:
        raise UsageError("--top-k needs one score column per class (at least two)")
    classes = vocabulary.classes_option(args, y_true)
    matrix, classes, _ = cli_input.match_scores(scores, pairs, classes, y_true)
    if matrix.ndim != 2:
        raise UsageError(
            "--top-k needs score columns that are the classes 0..C-1 (or names), in any order: "
            "other numbers are no columns of a model's scores",
            argument="--top-k",
        )
    try:
        return top_k(
            y_true,
            matrix.astype(np.float64),
            args.top_k,
            classes=classes,
            sample_weight=weights,
            num_classes=args.num_classes,
            ignore_index=vocabulary.ignore_index_option(args, y_true),
            from_logits=args.from_logits,
            zero_division=vocabulary.zero_division_option(args),
        )
    except ConfmatError as error:
        raise error.in_context(source=source) from None
