"""The command line's input half: columns of a predictions file -> counting arguments.

Which columns are read, how missing cells are refused or dropped (by the one rule of
:mod:`core.missing`, rows numbered from 1), how ``--score-cols`` name classes (always by value
and by name, never by position), the sample weights of ``--weight-col``, when a threshold
applies and which one ``--choose-threshold`` picks. The options themselves (classes, ignored
labels, the positive class, ...) are read by :mod:`cli.vocabulary`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from confmat._internal.cli import vocabulary
from confmat._internal.cli.vocabulary import class_name
from confmat._internal.cli.vocabulary import (  # re-exported: the multilabel inputs read them here
    classes_option as classes_option,
)
from confmat._internal.cli.vocabulary import name_list as name_list
from confmat._internal.io import reading as io
from confmat._internal.results.matrix import ConfusionMatrix
from confmat.exceptions import ConfmatError, InputFileError, UsageError, WeightError

if TYPE_CHECKING:
    from confmat._internal.core import missing


class Predictions(NamedTuple):
    """The columns of one input, missing rows left out: true labels, predictions, weights."""

    y_true: np.ndarray
    predictions: list[np.ndarray]  # the prediction column, or one score column per class
    weights: np.ndarray | None


def matrix_from_file(args: argparse.Namespace) -> ConfusionMatrix:
    """Read ``args.input`` and count its predictions as the options say."""
    source = args.input
    pairs = score_pairs(args.score_cols) if args.score_cols else None
    if pairs is not None and len(pairs) > 1:  # refused before anything is read
        vocabulary.check_score_options(args, "scores", len(pairs), args.score_cols)
    table = io.read_table(source, args.input_format)
    columns, keep = present_rows(table, input_columns(args, pairs), source, args.dropna)
    weights = None
    if args.weight_col is not None:
        weights = weight_values(columns.pop(), args.weight_col, source, 1, keep)
    try:
        return _count(args, Predictions(columns[0], columns[1:], weights), pairs)
    except UsageError:
        raise  # the command line's own error: no file to name
    except ConfmatError as error:
        raise error.in_context(source=source) from None


def _count(
    args: argparse.Namespace, read: Predictions, pairs: list[tuple[str, str]] | None
) -> ConfusionMatrix:
    """The matrix of the columns read, every option passed to ``from_predictions``."""
    from confmat._internal.core import codes

    y_true = read.y_true
    classes = classes_option(args, y_true)
    score_of = args.score_of
    if pairs is None:
        y_pred = read.predictions[0]
    else:
        columns = [
            score_column(v, c, args.input)
            for v, (_, c) in zip(read.predictions, pairs, strict=True)
        ]
        y_pred, classes, named = match_scores(columns, pairs, classes, y_true)
        score_of = one_score_of(score_of, named)
    score_of = class_name(score_of, y_true)
    one_column = _check_kind(args, y_pred)
    ignore = vocabulary.ignore_index_option(args, y_true)
    counted = Predictions(y_true, [y_pred], read.weights)
    if ignore is not None:
        counted = _without_ignored(counted, ignore)
    scored = vocabulary.scored_name(counted.y_true, classes, score_of) if one_column else None
    threshold = args.threshold
    if args.choose_threshold is not None:
        threshold = _chosen_threshold(args, counted, classes, scored)
    return ConfusionMatrix.from_predictions(
        y_true,
        y_pred,
        classes=classes,
        sample_weight=read.weights,
        ignore_index=ignore,
        threshold=None if threshold is None else float(threshold),
        positive=codes.reported_positive(class_name(args.positive, y_true), scored),
        num_classes=args.num_classes,
        from_logits=args.from_logits,
        score_of=score_of,
        pred_kind=args.pred_kind,
        zero_division=vocabulary.zero_division_option(args),
    )


def _check_kind(args: argparse.Namespace, y_pred: np.ndarray) -> bool:
    """Refuse the score options where they change nothing; whether it is one score column."""
    from confmat._internal.core import checks, codes

    values = checks.as_values(y_pred, "y_pred")
    kind = codes.prediction_kind(values, args.pred_kind, args.from_logits)
    columns = y_pred.shape[1] if y_pred.ndim == 2 else 1
    vocabulary.check_score_options(args, kind, columns, args.score_cols or args.pred_col)
    return kind == "scores" and columns == 1


def _without_ignored(read: Predictions, ignore: int | str) -> Predictions:
    """The samples whose true label is not ``--ignore-index`` (for the threshold's choice)."""
    keep = read.y_true != ignore
    weights = None if read.weights is None else read.weights[keep]
    return Predictions(read.y_true[keep], [p[keep] for p in read.predictions], weights)


def _chosen_threshold(
    args: argparse.Namespace, read: Predictions, classes: list[Any] | None, scored: str | None
) -> float:
    """The threshold ``--choose-threshold`` picks, announced on standard error.

    With ``--from-logits`` it is chosen among the probabilities (the logits' sigmoid), the
    scale ``--threshold`` takes; with ``--weight-col`` by the weighted counts.
    """
    import torch

    from confmat._internal.core import codes
    from confmat._internal.stats import curves

    y_true, (scores,) = read.y_true, read.predictions
    if classes is None and y_true.dtype.kind not in "biuf":
        classes = curves.check_two_string_classes(y_true)
    if scored is None:
        raise UsageError(
            f"--choose-threshold needs binary scores of two classes, got the classes {classes}",
            argument="--choose-threshold",
        )
    if args.from_logits:
        scores = codes.positive_probability(torch.from_numpy(scores), True).numpy()
    counts = curves.threshold_counts(
        y_true, scores, sample_weight=read.weights, classes=classes, score_of=scored
    )
    choice = curves.choose_threshold(counts, args.choose_threshold)
    print(
        f"confmat: threshold {choice.threshold:.6g} chosen by {choice.criterion} for class "
        f"{scored!r} (value {choice.value:.4g} there; {choice.counts})",
        file=sys.stderr,
    )
    return choice.threshold


def input_columns(args: argparse.Namespace, pairs: list[tuple[str, str]] | None) -> list[str]:
    """The columns read: the true labels, the predictions (or scores), the weights if any."""
    predictions = [column for _, column in pairs] if pairs else [args.pred_col]
    used = [args.true_col, *predictions]
    if args.weight_col is None:
        return used
    check_weight_col(args.weight_col, used)
    return [*used, args.weight_col]


def check_weight_col(name: str, used: list[str]) -> None:
    """``--weight-col`` must be a column of its own, not one of labels or predictions."""
    if name in used:
        raise UsageError(
            f"--weight-col {name!r} is also a column of labels or predictions: name the column "
            "of sample weights",
            argument="--weight-col",
            column=name,
        )


def present_columns(
    table: io.Table, names: list[str], source: str, dropna: bool
) -> list[np.ndarray]:
    """The columns ``names`` without rows of missing cells (refused unless ``--dropna``)."""
    return present_rows(table, names, source, dropna)[0]


def present_rows(
    table: io.Table, names: list[str], source: str, dropna: bool
) -> tuple[list[np.ndarray], np.ndarray | None]:
    """(the columns ``names`` without rows of missing cells, the rows kept or None if all)."""
    from confmat._internal.core import missing

    columns = [missing.Column(f"column {n!r}", io.column(table, n, source), True) for n in names]
    for column in columns:
        _refuse_lists(column.values, column.name, source)
    present = without_missing(columns, source, dropna)
    typed = [np.asarray(v.tolist()) if v.dtype == object else v for v in present.values]
    return typed, present.keep  # type: ignore[return-value]


def without_missing(columns: list[missing.Column], source: str, dropna: bool) -> missing.Present:
    """The rows of a whole file's ``columns`` with no missing cell.

    By the one rule of :mod:`core.missing` (data rows from 1): refused unless
    ``--dropna``, which says on standard error how many rows it left out.
    """
    from confmat._internal.core import missing

    try:
        present = missing.drop_missing(
            columns,
            dropna,
            first_row=1,
            row_word="data row",
            fix="pass --dropna to leave out such rows",
        )
    except ConfmatError as error:
        raise error.in_context(source=source) from None
    if present.keep is not None:
        print(
            f"confmat: {source}: left out {present.dropped} of {present.keep.shape[0]} rows "
            "with a missing value (--dropna)",
            file=sys.stderr,
        )
    return present


def _refuse_lists(values: object, name: str, source: str) -> None:
    """A list column (one label set per row) is for ``--multilabel`` only."""
    if not isinstance(values, np.ndarray) or values.dtype != object:
        return
    first = next((cell for cell in values if cell is not None), None)
    if isinstance(first, list):  # an Arrow list column: every present cell is a list
        raise UsageError(
            f"{source}: {name} holds lists (a label set per row): pass --multilabel to read "
            "them as multilabel predictions"
        )


def data_row(first_row: int, keep: np.ndarray | None, index: int) -> int:
    """The data row of the ``index``-th sample kept (``keep``: the rows kept, None if all)."""
    return first_row + (index if keep is None else int(np.flatnonzero(keep)[index]))


def weight_values(
    values: np.ndarray, column: str, source: str, first_row: int, keep: np.ndarray | None
) -> np.ndarray:
    """The sample weights of a column (missing rows already left out), as float64.

    Numbers only, finite and non-negative by the rule of ``core.checks.check_weights``; a
    weight that breaks it is refused naming its data row (``first_row`` is the row of the
    first of ``values`` before ``keep`` left rows out).
    """
    import torch

    from confmat._internal.core import checks

    if values.dtype.kind not in "iuf":
        i = _first_non_number(values)
        row = data_row(first_row, keep, i)
        raise WeightError(
            f"column {column!r} must hold numbers (sample weights), got {values[i].item()!r} "
            f"at data row {row}",
            argument="--weight-col",
            column=column,
            row=row,
            source=source,
        )
    try:
        return checks.check_weights(values, values.shape[0], torch.device("cpu")).numpy()
    except WeightError as error:
        row = data_row(first_row, keep, error.index or 0)  # the shape is right: a value is not
        raise WeightError(
            f"column {column!r} must hold finite, non-negative sample weights, got "
            f"{error.value!r} at data row {row}",
            argument="--weight-col",
            value=error.value,
            row=row,
            column=column,
            source=source,
        ) from None


def _first_non_number(values: np.ndarray) -> int:
    """The index of the first cell that is no number (bools are none); a loop, on errors only."""
    if values.dtype.kind != "b":
        for i, cell in enumerate(values.tolist()):
            try:
                float(cell)
            except (TypeError, ValueError):
                return i
    return 0


def score_pairs(text: str) -> list[tuple[str, str]]:
    """``--score-cols``: ``COLUMN`` or ``CLASS=COLUMN`` entries, as (class, column) pairs."""
    pairs = []
    for entry in name_list(text, "--score-cols"):
        name, _, column = entry.partition("=")
        pair = (name.strip(), column.strip()) if column else (entry, entry)
        if not all(pair):
            raise UsageError(
                f"--score-cols entry {entry!r} needs CLASS=COLUMN", argument="--score-cols"
            )
        pairs.append(pair)
    return pairs


def match_scores(
    columns: list[np.ndarray],
    pairs: list[tuple[str, str]],
    classes: list[Any] | None,
    y_true: np.ndarray,
) -> tuple[np.ndarray, list[Any] | None, str | None]:
    """(y_pred, classes, the class of a single score column): score columns matched by name."""
    named = [name for name, _ in pairs]
    if len(columns) == 1:
        return columns[0], classes, named[0] if pairs[0][0] != pairs[0][1] else None
    values = vocabulary.class_values(named, y_true, "--score-cols")
    if classes is None:
        classes = values
    given = [str(c) for c in classes]
    if sorted(map(str, values)) != sorted(given):
        raise UsageError(
            f"--score-cols names the classes {named} but --classes gives {given}: score columns "
            "are matched to classes by name, so name the same classes (--score-cols "
            "CLASS=COLUMN,... names a column's class)",
            argument="--score-cols",
        )
    return _columns_as_python_reads_them(np.stack(columns, axis=1), values, classes), classes, None


def _columns_as_python_reads_them(
    scores: np.ndarray, values: list[Any], classes: list[Any]
) -> np.ndarray:
    """Score columns (in --score-cols order, each named by its class) as Python reads them.

    Column j is label j for numeric labels, ``classes[j]`` for text labels.

    Numeric classes other than 0..C-1 have no column order: the predicted labels (the
    argmax over the columns in --score-cols order) are returned instead.
    """
    from confmat._internal.core import checks

    if not all(isinstance(value, (int, np.integer)) for value in values):
        position = {str(c): i for i, c in enumerate(values)}
        return scores[:, [position[str(c)] for c in classes]]  # text: column j is classes[j]
    if sorted(values) == list(range(len(values))):
        return scores[:, np.argsort(values)]  # column j is label j
    checks.check_finite_scores(torch_tensor(scores), "--score-cols")
    labels: np.ndarray = np.asarray(values)[scores.argmax(axis=1)]
    return labels


def torch_tensor(values: np.ndarray) -> Any:
    """``values`` as a tensor (torch imported on first use)."""
    import torch

    return torch.from_numpy(values)


def one_score_of(option: str | None, named: str | None) -> str | None:
    """The class ``--score-of`` names, or the one ``--score-cols CLASS=COLUMN`` names; not two."""
    if option is not None and named is not None and option != named:
        raise UsageError(
            f"--score-of {option!r} contradicts --score-cols {named}=...", argument="--score-of"
        )
    return option if option is not None else named


def score_column(values: np.ndarray, name: str, source: str) -> np.ndarray:
    """A score column as float64; numbers only."""
    if values.dtype.kind not in "fiu":
        raise InputFileError(f"score column {name!r} must hold numbers", column=name, source=source)
    return values.astype(np.float64)
