"""``confmat report`` on inputs bigger than memory: counting batch by batch.

Each batch of :func:`io.batches.read_batches` goes through the rules of the whole-file
path (:mod:`cli.inputs`): missing cells by :mod:`core.missing` (the data row
counted from the file's first), scores to labels by :mod:`core.codes`; it becomes a
small long table of ``(true, pred, count)`` (:mod:`core.pairs`) merged into the running
one, and the final table is counted by ``ConfusionMatrix.from_counts`` with the class rules of
the whole input. So the report equals the whole-file one. A float prediction column of
undeclared kind (labels or scores) is read twice: a first pass over its values decides the kind
as :func:`core.codes.prediction_kind` decides it for the whole column.

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
from typing import Any, cast

import numpy as np

from confmat._internal.cli.inputs import (
    check_threshold_applies,
    class_name,
    classes_option,
    match_scores,
    one_score_of,
    score_column,
    score_pairs,
)
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


class _Counter:
    """The running count of one input: its pair table, rows dropped and first batch."""

    def __init__(self, args: argparse.Namespace, kind: str | None) -> None:
        self.args, self.kind = args, kind
        self.pairs = score_pairs(args.score_cols) if args.score_cols else None
        self.names = [
            args.true_col,
            *([c for _, c in self.pairs] if self.pairs else [args.pred_col]),
        ]
        self.tables: list[Any] = []
        self.pending = self.merged = self.rows = self.dropped = 0
        self.classes: list[Any] | None = None
        self.first: np.ndarray | None = None  # the true labels of the first batch (their kind)
        self.pool: ThreadPoolExecutor | None = None
        self.running: collections.deque[Future[Any]] = collections.deque()

    def batches(
        self, report: bool
    ) -> Generator[tuple[Any, np.ndarray, list[np.ndarray], np.ndarray | None], None, None]:
        """(batch, true labels, predictions, kept rows) of every batch, missing rows left out."""
        from confmat._internal.core import missing

        for batch in cli_batches.read_batches(self.args.input, self.args.input_format, self.names):
            columns = [
                missing.Column(f"column {n!r}", v, True)
                for n, v in zip(self.names, batch.columns, strict=True)
            ]
            try:
                present = missing.drop_missing(
                    columns,
                    self.args.dropna,
                    first_row=batch.first_row,
                    row_word="data row",
                    fix="pass --dropna to leave out such rows",
                )
            except ConfmatError as error:
                raise error.in_context(source=batch.source) from None
            if report:
                self.rows += len(batch.columns[0])
                self.dropped += present.dropped
            values = cast("list[np.ndarray]", present.values)  # numpy in, numpy out
            typed = [np.asarray(v.tolist()) if v.dtype == object else v for v in values]
            if len(typed[0]):
                if self.first is None:
                    self.first = typed[0]
                    self.classes = classes_option(self.args, typed[0])
                yield batch, typed[0], typed[1:], present.keep

    def group(self, y_true: np.ndarray, y_pred: np.ndarray) -> None:
        """Group a batch's pairs on a worker thread (at most ``WORKERS`` batches waiting)."""
        from confmat._internal.core import pairs

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


def matrix_from_stream(args: argparse.Namespace) -> ConfusionMatrix:
    """Count ``args.input`` batch by batch as the options say (see the module docstring)."""
    many = args.score_cols is not None and len(score_pairs(args.score_cols)) > 1
    kind = args.pred_kind or ("scores" if many else None)
    if args.pred_kind is not None:
        check_threshold_applies(args, np.zeros(1))  # a declared kind decides alone
    if kind is None:
        kind = _decided_kind(args)
    counter = _Counter(args, kind)
    with ThreadPoolExecutor(max_workers=WORKERS) as counter.pool:
        for batch, y_true, predictions, keep in counter.batches(report=True):
            if kind == "labels":
                pred = predictions[0]
                if counter.pairs is not None:
                    pred = score_column(pred, counter.pairs[0][1], batch.source)
                counter.group(y_true, pred)
            else:
                _add_scores(counter, batch, y_true, predictions, keep)
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
    for _, y_true, (y_pred,), _ in _Counter(counter.args, "labels").batches(report=False):
        try:
            ConfusionMatrix.from_predictions(y_true, y_pred, classes=counter.classes)
        except LabelError as error:
            if error.index is None:
                raise error.in_context(source=counter.args.input) from None
            moved = error.moved_to(before + error.index)  # its sample among the whole input's
            raise moved.in_context(source=counter.args.input) from None
        before += len(y_true)


def _decided_kind(args: argparse.Namespace) -> str:
    """Labels or scores for one prediction column: labels unless it holds floats (module doc)."""
    import torch

    from confmat._internal.core import codes, pairs

    witnesses = []
    counter = _Counter(args, None)
    batches = counter.batches(report=False)
    for batch, _, (pred,), _ in batches:
        if counter.pairs is not None:  # one score column: numbers, as float64
            pred = score_column(pred, counter.pairs[0][1], batch.source)
        if pred.dtype.kind != "f":  # labels, or strings declared as scores: one batch tells
            batches.close()
            check_threshold_applies(args, pred[:1])
            return "labels"
        witnesses.append(pairs.kind_witnesses(pred))
    values = np.concatenate(witnesses) if witnesses else np.zeros(0)
    check_threshold_applies(args, values)
    return codes.prediction_kind(torch.from_numpy(values), None, False)


def _add_scores(
    counter: _Counter,
    batch: Any,
    y_true: np.ndarray,
    predictions: list[np.ndarray],
    keep: np.ndarray | None,
) -> None:
    """Scores -> class positions by THE rule, invalid scores refused naming their data row."""
    import torch

    from confmat._internal.core import codes

    args = counter.args
    if counter.pairs is None:
        scores = predictions[0]
        if scores.dtype.kind not in "fiub":
            codes.prediction_kind(scores, "scores", False)  # the whole-file path's ShapeError
        scores = scores if scores.dtype.kind == "f" else scores.astype(np.float64)
        name = args.pred_col
    else:
        columns = [
            score_column(v, c, batch.source)
            for v, (_, c) in zip(predictions, counter.pairs, strict=True)
        ]
        scores, counter.classes, _ = match_scores(columns, counter.pairs, counter.classes, y_true)
        name = args.score_cols
    values = torch.from_numpy(scores)
    bad = codes.invalid_scores(values, from_logits=False)
    if bool(bad.any()):
        i = int(bad.nonzero()[0, 0])
        row = batch.first_row + (i if keep is None else int(np.flatnonzero(keep)[i]))
        what = "finite scores" if codes.is_multiclass(values) else "probabilities in [0, 1]"
        raise ScoreError(
            f"{batch.source}: {name} must hold {what}, got {values[i].tolist()} at data row {row}"
        )
    threshold = 0.5 if args.threshold is None else float(args.threshold)
    predicted = codes.score_labels(values, threshold=threshold, scored=1)
    counter.group(y_true, predicted.numpy())


def _matrix(counter: _Counter) -> ConfusionMatrix:
    """The matrix of the merged table, by the class rules of ``from_predictions``."""
    from confmat._internal.core import checks, pairs

    args, first = counter.args, counter.first
    if first is None or not counter.tables:
        checks.check_not_empty(0)
    assert first is not None
    table = pairs.merge(counter.tables)
    positive = class_name(args.positive, first)
    if counter.kind == "labels":
        pred = table.pred
        if pred.dtype.kind == "f":  # float labels: whole numbers, or the whole-file error
            import torch

            pred = checks.integral_labels(torch.from_numpy(pred), "y_pred").numpy()
        columns = {"true": table.true, "pred": pred, "count": table.count}
        return ConfusionMatrix.from_counts(
            columns, "true", "pred", "count", counter.classes, positive=positive
        )
    return _score_matrix(counter, table, positive)


def _score_matrix(counter: _Counter, table: Any, positive: str | None) -> ConfusionMatrix:
    """Positions of predicted classes -> the matrix: one row per pair through ``encode``.

    A representative score row per pair (1.0 or 0.0 for the scored class, one-hot for
    ``--score-cols``) passes the same encoding as the whole file, so the class names and the
    checks of the true labels are those of ``from_predictions``.
    """
    from confmat._internal.core import codes, encode

    args = counter.args
    if counter.pairs is None or len(counter.pairs) == 1:
        representative = table.pred.astype(np.float64)
        named = None
        if counter.pairs is not None and counter.pairs[0][0] != counter.pairs[0][1]:
            named = counter.pairs[0][0]
        score_of = one_score_of(args.score_of, named)
    else:
        representative = np.eye(len(counter.pairs))[table.pred]
        score_of = None  # one column per class: the argmax decides
    assert counter.first is not None
    encoded = encode.encode(
        table.true,
        representative,
        classes=counter.classes,
        score_of=class_name(score_of, counter.first),
        pred_kind="scores",
    )
    names = np.asarray(encoded.classes, dtype=str)
    columns = {
        "true": names[encoded.true.numpy()],
        "pred": names[encoded.pred.numpy()],
        "count": table.count,
    }
    scored = None if encoded.score_of is None else encoded.classes[encoded.score_of]
    return ConfusionMatrix.from_counts(
        columns,
        "true",
        "pred",
        "count",
        encoded.classes,
        positive=codes.reported_positive(positive, scored),
    )
