"""``confmat report`` on inputs bigger than memory: counting batch by batch.

Each batch of :func:`io.batches.read_batches` goes through the rules of the whole-file
path (:mod:`cli.inputs`): missing cells by :mod:`core.missing` (the data row
counted from the file's first), scores to labels by :mod:`core.codes`; it becomes a
small long table of ``(true, pred, count)`` (:mod:`core.pairs`) merged into the running
one, and the final table is counted by ``ConfusionMatrix.from_counts`` with the class rules of
the whole input. So the report equals the whole-file one. A float prediction column of
undeclared kind (labels or scores) is read twice: a first pass over its values decides the kind
as :func:`core.codes.prediction_kind` decides it for the whole column.

The options of the vocabulary follow the whole-file path: ``--ignore-index`` leaves out a
batch's rows of that true label (after the missing-cell and weight checks, before the score
checks, as ``from_predictions`` orders them); ``--weight-col`` sums the weights of each pair
(:mod:`cli.weight_sums`, in sample order: the bits of the whole-file sums); ``--num-classes``,
``--zero-division`` and the positive class (by default the scored class of one score column,
:func:`core.codes.reported_positive`) go to ``from_counts``.

Options that need every score at once (``--choose-threshold``, ``--top-k``, ``--multilabel``)
are not streamed: a large file is then read whole (up to ``io.reading.INPUT_LIMIT_BYTES``), and a
directory, glob or ``--stream`` is refused naming the option.
"""

from __future__ import annotations

import argparse
import collections
import sys
from collections.abc import Generator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, NamedTuple, cast

import numpy as np

from confmat._internal.cli import vocabulary
from confmat._internal.cli.inputs import (
    data_row,
    input_columns,
    match_scores,
    one_score_of,
    score_column,
    score_pairs,
    weight_values,
)
from confmat._internal.cli.vocabulary import class_name, classes_option
from confmat._internal.cli.weight_sums import WeightSums
from confmat._internal.io import batches as cli_batches
from confmat._internal.results.matrix import ConfusionMatrix
from confmat.exceptions import ConfmatError, LabelError, ScoreError, UsageError

WORKERS = 2
"""Threads grouping batches into pairs while the next ones are read (numpy releases the GIL)."""

MERGE_ROWS = 1 << 20
"""Pending pair rows merged into the running table once there are this many and twice the
running table's rows (so merging costs O(rows) in all, in memory bounded by the pairs)."""


def streamed(args: argparse.Namespace) -> bool:
    """Whether ``confmat report`` streams its input (see :func:`cli_batches.wants_stream`)."""
    if not cli_batches.wants_stream(args.input, args.input_format, args.stream):
        return False
    whole = [
        option
        for option, value in (
            ("--choose-threshold", args.choose_threshold),
            ("--top-k", args.top_k),
            ("--multilabel", args.multilabel),
        )
        if value
    ]
    if not whole:
        return True
    if args.stream or cli_batches.is_collection(args.input):
        raise UsageError(
            f"{whole[0]} needs every score in memory, so it cannot stream {args.input}: pass one "
            "file with --no-stream (read whole, at most 4 GiB)"
        )
    return False


class _Batch(NamedTuple):
    """One batch's samples, missing and ignored rows left out, and the rows they came from."""

    source: str
    first_row: int
    y_true: np.ndarray
    predictions: list[np.ndarray]
    weights: np.ndarray | None
    keep: np.ndarray | None  # the batch's rows kept, None if all

    def row(self, index: int) -> int:
        """The data row of the ``index``-th sample kept."""
        return data_row(self.first_row, self.keep, index)


class _Counter:
    """The running count of one input: its pair table, rows dropped and first batch."""

    def __init__(self, args: argparse.Namespace, kind: str | None) -> None:
        self.args, self.kind = args, kind
        self.pairs = score_pairs(args.score_cols) if args.score_cols else None
        self.names = input_columns(args, self.pairs)
        self.tables: list[Any] = []
        self.weighted = None if args.weight_col is None else WeightSums(MERGE_ROWS)
        self.pending = self.merged = self.rows = self.dropped = 0
        self.classes: list[Any] | None = None
        self.ignore: int | str | None = None
        self.first: np.ndarray | None = None  # the true labels of the first batch (their kind)
        self.pool: ThreadPoolExecutor | None = None
        self.running: collections.deque[Future[Any]] = collections.deque()

    def batches(self, report: bool, ignored: bool = True) -> Generator[_Batch, None, None]:
        """Every batch, missing rows left out, and ignored ones unless ``ignored`` is False."""
        for batch in cli_batches.read_batches(self.args.input, self.args.input_format, self.names):
            present = self._present(batch)
            if report:
                self.rows += len(batch.columns[0])
                self.dropped += present.dropped
            values = cast("list[np.ndarray]", present.values)  # numpy in, numpy out
            typed = [np.asarray(v.tolist()) if v.dtype == object else v for v in values]
            weights = None
            if self.args.weight_col is not None:
                weights = weight_values(
                    typed.pop(), self.args.weight_col, batch.source, batch.first_row, present.keep
                )
            if not len(typed[0]):
                continue
            if self.first is None:
                self.first = typed[0]
                self.classes = classes_option(self.args, typed[0])
                self.ignore = vocabulary.ignore_index_option(self.args, typed[0])
            found = _Batch(
                batch.source, batch.first_row, typed[0], typed[1:], weights, present.keep
            )
            if ignored and self.ignore is not None:
                found = _without_ignored(found, self.ignore)
            if len(found.y_true):
                yield found

    def _present(self, batch: Any) -> Any:
        """The batch's columns without the rows of a missing cell (refused unless --dropna)."""
        from confmat._internal.core import missing

        columns = [
            missing.Column(f"column {n!r}", v, True)
            for n, v in zip(self.names, batch.columns, strict=True)
        ]
        try:
            return missing.drop_missing(
                columns,
                self.args.dropna,
                first_row=batch.first_row,
                row_word="data row",
                fix="pass --dropna to leave out such rows",
            )
        except ConfmatError as error:
            raise error.in_context(source=batch.source) from None

    def group(self, y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray | None) -> None:
        """Count a batch's pairs: grouped on a worker thread, or their weights summed in order."""
        from confmat._internal.core import pairs

        if self.weighted is not None:
            assert weights is not None
            self.weighted.add(y_true, y_pred, weights)
            return
        assert self.pool is not None
        self.running.append(self.pool.submit(pairs.group_pairs, y_true, y_pred))
        if len(self.running) > WORKERS:
            self.add(self.running.popleft().result())

    def finish(self) -> None:
        """Add the tables of the batches still being grouped."""
        while self.running:
            self.add(self.running.popleft().result())

    def add(self, table: Any) -> None:
        from confmat._internal.core import pairs

        self.tables.append(table)
        self.pending += len(table.count)
        if self.pending >= max(MERGE_ROWS, 2 * self.merged) and len(self.tables) > 1:
            self.tables = [pairs.merge(self.tables)]
            self.pending = self.merged = len(self.tables[0].count)

    def table(self) -> Any:
        """The merged pair table: int64 counts, or float64 sums of the weights."""
        from confmat._internal.core import checks, pairs

        counted = bool(self.tables) if self.weighted is None else not self.weighted.empty
        if self.first is None or not counted:
            checks.check_not_empty(0)
        if self.weighted is not None:
            return self.weighted.table()
        return pairs.merge(self.tables)


def _without_ignored(batch: _Batch, ignore: int | str) -> _Batch:
    """The batch without the samples whose true label is ``--ignore-index``."""
    keep = batch.y_true != ignore
    if bool(keep.all()):
        return batch
    rows = np.ones(len(keep), dtype=bool) if batch.keep is None else batch.keep.copy()
    rows[rows] = keep  # the batch's rows kept: of those kept so far, the ones not ignored
    weights = None if batch.weights is None else batch.weights[keep]
    predictions = [p[keep] for p in batch.predictions]
    return batch._replace(
        y_true=batch.y_true[keep], predictions=predictions, weights=weights, keep=rows
    )


def matrix_from_stream(args: argparse.Namespace) -> ConfusionMatrix:
    """Count ``args.input`` batch by batch as the options say (see the module docstring)."""
    pairs = score_pairs(args.score_cols) if args.score_cols else None
    columns = 1 if pairs is None else len(pairs)
    kind = args.pred_kind or ("scores" if columns > 1 else None)
    if kind is None:
        kind = _decided_kind(args)
    vocabulary.check_score_options(args, kind, columns, args.score_cols or args.pred_col)
    counter = _Counter(args, kind)
    with ThreadPoolExecutor(max_workers=WORKERS) as counter.pool:
        for batch in counter.batches(report=True):
            if kind == "labels":
                pred = batch.predictions[0]
                if counter.pairs is not None:
                    pred = score_column(pred, counter.pairs[0][1], batch.source)
                counter.group(batch.y_true, pred, batch.weights)
            else:
                _add_scores(counter, batch)
        counter.finish()
    if args.dropna and counter.dropped:
        print(
            f"confmat: {args.input}: left out {counter.dropped} of {counter.rows} rows "
            "with a missing value (--dropna)",
            file=sys.stderr,
        )
    try:
        return _matrix(counter)
    except ConfmatError as error:
        if isinstance(error, LabelError) and kind == "labels" and error.index is not None:
            _raise_at_sample(counter)  # the same error, at the same sample as the whole file's
        raise error.in_context(source=args.input) from None


def _raise_at_sample(counter: _Counter) -> None:
    """Raise the first batch's label error with its index among the whole input's samples.

    A label refused by the class rules (not a class, a negative inferred label) is found in
    the merged table; a second pass finds its first sample, as the whole-file path names it.
    """
    before = 0
    options = {"classes": counter.classes, "num_classes": counter.args.num_classes}
    for batch in _Counter(counter.args, "labels").batches(report=False):
        try:
            ConfusionMatrix.from_predictions(batch.y_true, batch.predictions[0], **options)
        except LabelError as error:
            if error.index is None:
                raise error.in_context(source=counter.args.input) from None
            moved = error.moved_to(before + error.index)  # its sample among the whole input's
            raise moved.in_context(source=counter.args.input) from None
        before += len(batch.y_true)


def _decided_kind(args: argparse.Namespace) -> str:
    """Labels or scores for one prediction column: labels unless it holds floats (module doc).

    Decided on every row with a prediction (ignored ones too), as ``from_predictions``
    decides before it leaves out the ignored samples.
    """
    import torch

    from confmat._internal.core import codes, pairs

    witnesses = []
    counter = _Counter(args, None)
    batches = counter.batches(report=False, ignored=False)
    for batch in batches:
        pred = batch.predictions[0]
        if counter.pairs is not None:  # one score column: numbers, as float64
            pred = score_column(pred, counter.pairs[0][1], batch.source)
        if pred.dtype.kind != "f":  # labels, or strings declared as scores: one batch tells
            batches.close()
            return "labels"
        if args.from_logits:  # logits are scores, whatever their values
            batches.close()
            return "scores"
        witnesses.append(pairs.kind_witnesses(pred))
    values = np.concatenate(witnesses) if witnesses else np.zeros(0)
    return codes.prediction_kind(torch.from_numpy(values), None, False)


def _add_scores(counter: _Counter, batch: _Batch) -> None:
    """Scores -> class positions by THE rule, invalid scores refused naming their data row."""
    import torch

    from confmat._internal.core import codes

    args = counter.args
    if counter.pairs is None:
        scores = batch.predictions[0]
        if scores.dtype.kind not in "fiub":
            codes.prediction_kind(scores, "scores", False)  # the whole-file path's ShapeError
        scores = scores if scores.dtype.kind == "f" else scores.astype(np.float64)
        name = args.pred_col
    else:
        columns = [
            score_column(v, c, batch.source)
            for v, (_, c) in zip(batch.predictions, counter.pairs, strict=True)
        ]
        name = args.score_cols
        if len(columns) > 1:  # checked as one row of scores per sample, as read
            _refuse_invalid(torch.from_numpy(np.stack(columns, axis=1)), name, args, batch)
        scores, counter.classes, _ = match_scores(
            columns, counter.pairs, counter.classes, batch.y_true
        )
        if len(columns) > 1:  # one column per class: the argmax, as a class label
            counter.group(batch.y_true, _argmax_labels(scores, counter.classes), batch.weights)
            return
    values = torch.from_numpy(scores)
    _refuse_invalid(values, name, args, batch)
    threshold = 0.5 if args.threshold is None else float(args.threshold)
    predicted = codes.score_labels(
        values, threshold=threshold, from_logits=args.from_logits, scored=1
    )
    counter.group(batch.y_true, predicted.numpy(), batch.weights)


def _refuse_invalid(values: Any, name: str, args: argparse.Namespace, batch: _Batch) -> None:
    """Invalid scores (the rule of ``core.codes.invalid_scores``) refused naming the data row."""
    from confmat._internal.core import codes

    bad = codes.invalid_scores(values, from_logits=args.from_logits)
    if not bool(bad.any()):
        return
    i = int(bad.nonzero()[0, 0])
    what = "finite scores" if codes.is_multiclass(values) else "probabilities in [0, 1]"
    if args.from_logits:
        what = "finite logits"
    row = batch.row(i)
    raise ScoreError(
        f"{name} must hold {what}, got {values[i].tolist()} at data row {row}",
        argument=name,
        value=values[i].tolist(),
        row=row,
        source=batch.source,
    )


def _argmax_labels(scores: np.ndarray, classes: list[Any] | None) -> np.ndarray:
    """The class labels ``match_scores`` predicts: the argmax column's label, or its labels.

    Column j is label j for numeric classes, ``classes[j]`` for text classes (as Python reads
    score columns); numeric classes other than 0..C-1 come back as labels already.
    """
    if scores.ndim == 1:
        return scores
    columns: np.ndarray = scores.argmax(axis=1)
    if classes is not None and not all(isinstance(c, (int, np.integer)) for c in classes):
        labels: np.ndarray = np.asarray([str(c) for c in classes])[columns]
        return labels
    return columns


def _matrix(counter: _Counter) -> ConfusionMatrix:
    """The matrix of the merged table, by the class rules of ``from_predictions``."""
    args, first = counter.args, counter.first
    table = counter.table()
    assert first is not None
    positive = class_name(args.positive, first)
    if counter.kind == "labels":
        pred = table.pred
        if pred.dtype.kind == "f":  # float labels: whole numbers, or the whole-file error
            import torch

            from confmat._internal.core import checks

            pred = checks.integral_labels(torch.from_numpy(pred), "y_pred").numpy()
        columns = {"true": table.true, "pred": pred, "count": table.count}
        return _from_counts(counter, columns, counter.classes, positive)
    return _score_matrix(counter, table, positive)


def _from_counts(
    counter: _Counter, columns: dict[str, Any], classes: list[Any] | None, positive: object
) -> ConfusionMatrix:
    """``from_counts`` of the pair table, with the options of the vocabulary."""
    return ConfusionMatrix.from_counts(
        columns,
        "true",
        "pred",
        "count",
        classes,
        num_classes=counter.args.num_classes,
        positive=positive,
        zero_division=vocabulary.zero_division_option(counter.args),
    )


def _score_matrix(counter: _Counter, table: Any, positive: object) -> ConfusionMatrix:
    """Positions of predicted classes -> the matrix: one row per pair through ``encode``.

    A representative prediction per pair (a score of 1.0 or 0.0 for the scored class; the
    argmax's class label for ``--score-cols`` of one column per class) passes the same
    encoding as the whole file, so the class names and the checks of the true labels are those
    of ``from_predictions``; one score column's scored class is the report's positive class
    unless ``--positive`` says otherwise.
    """
    from confmat._internal.core import codes, encode

    args = counter.args
    if counter.pairs is None or len(counter.pairs) == 1:
        representative = table.pred.astype(np.float64)
        named = None
        if counter.pairs is not None and counter.pairs[0][0] != counter.pairs[0][1]:
            named = counter.pairs[0][0]
        score_of, kind = one_score_of(args.score_of, named), "scores"
    else:  # one column per class: the argmax's class labels were counted
        representative, score_of, kind = table.pred, None, "labels"
    assert counter.first is not None
    encoded = encode.encode(
        table.true,
        representative,
        classes=counter.classes,
        num_classes=args.num_classes,
        score_of=class_name(score_of, counter.first),
        pred_kind=kind,
    )
    if encoded.score_of is not None:
        positive = codes.reported_positive(positive, encoded.classes[encoded.score_of])
    names = np.asarray(encoded.classes, dtype=str)
    columns = {
        "true": names[encoded.true.numpy()],
        "pred": names[encoded.pred.numpy()],
        "count": table.count,
    }
    return _from_counts(counter, columns, encoded.classes, positive)
