"""The command line's input half: columns of a predictions file -> counting arguments.

Which columns are read, how missing cells are refused or dropped (by the one rule of
:mod:`core.missing`, rows numbered from 1), how ``--classes`` and ``--score-cols`` name
classes (always by value and by name, never by position), when a threshold applies, and which
class one score column describes (``--score-of``, by :func:`core.encode.scored_class`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from confmat._internal.io import reading as io
from confmat._internal.results.matrix import ConfusionMatrix
from confmat.exceptions import ConfmatError, InputFileError, UsageError

if TYPE_CHECKING:
    from confmat._internal.core import missing


def matrix_from_file(args: argparse.Namespace) -> ConfusionMatrix:
    """Read ``args.input`` and count its predictions as the options say."""
    source = args.input
    table = io.read_table(source, args.input_format)
    pairs = score_pairs(args.score_cols) if args.score_cols else None
    wanted = [args.true_col, *([c for _, c in pairs] if pairs else [args.pred_col])]
    y_true, *predictions = present_columns(table, wanted, source, args.dropna)
    classes = classes_option(args, y_true)
    score_of = args.score_of
    if pairs is None:
        y_pred = predictions[0]
    else:
        columns = [score_column(v, c, source) for v, (_, c) in zip(predictions, pairs, strict=True)]
        y_pred, classes, named = match_scores(columns, pairs, classes, y_true)
        score_of = one_score_of(score_of, named)
    score_of = class_name(score_of, y_true)
    threshold = _threshold(args, y_true, y_pred, classes, score_of)
    try:
        return ConfusionMatrix.from_predictions(
            y_true,
            y_pred,
            classes=classes,
            threshold=threshold,
            positive=class_name(args.positive, y_true),
            score_of=score_of,
            pred_kind=args.pred_kind,
        )
    except ConfmatError as error:
        raise error.in_context(source=source) from None


def present_columns(
    table: io.Table, names: list[str], source: str, dropna: bool
) -> list[np.ndarray]:
    """The columns ``names`` without rows of missing cells (refused unless ``--dropna``)."""
    from confmat._internal.core import missing

    columns = [missing.Column(f"column {n!r}", io.column(table, n, source), True) for n in names]
    for column in columns:
        _refuse_lists(column.values, column.name, source)
    present = without_missing(columns, source, dropna)
    typed = [np.asarray(v.tolist()) if v.dtype == object else v for v in present.values]
    return typed  # type: ignore[return-value]


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


def name_list(text: str, option: str) -> list[str]:
    """Comma-separated names; a blank one (a stray or trailing comma) is an error."""
    names = [name.strip() for name in text.split(",")]
    for i, name in enumerate(names):
        if not name:
            raise UsageError(
                f"{option} {text!r} has a blank name at position {i + 1} (a stray or trailing "
                "comma?): separate non-empty names with commas",
                argument=option,
            )
    return names


def score_pairs(text: str) -> list[tuple[str, str]]:
    """``--score-cols``: ``COLUMN`` or ``CLASS=COLUMN`` entries, as (class, column) pairs."""
    pairs = []
    for entry in name_list(text, "--score-cols"):
        name, _, column = entry.partition("=")
        pair = (name.strip(), column.strip()) if column else (entry, entry)
        if not all(pair):
            raise UsageError(f"--score-cols entry {entry!r} needs CLASS=COLUMN")
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
    values = _class_values(named, y_true, "--score-cols")
    if classes is None:
        classes = values
    given = [str(c) for c in classes]
    if sorted(map(str, values)) != sorted(given):
        raise UsageError(
            f"--score-cols names the classes {named} but --classes gives {given}: score columns "
            "are matched to classes by name, so name the same classes (--score-cols "
            "CLASS=COLUMN,... names a column's class)"
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
        raise UsageError(f"--score-of {option!r} contradicts --score-cols {named}=...")
    return option if option is not None else named


def _threshold(
    args: argparse.Namespace,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    classes: list[Any] | None,
    score_of: str | None,
) -> float | None:
    """``--threshold``, or the one ``--choose-threshold`` picks (announced on standard error)."""
    check_threshold_applies(args, y_pred)
    if args.choose_threshold is None:
        return None if args.threshold is None else float(args.threshold)
    from confmat._internal.core import codes
    from confmat._internal.stats import curves

    if y_pred.dtype.kind != "f" or y_pred.ndim != 1:
        raise UsageError(
            "--choose-threshold needs binary scores: one column of probabilities (--pred-col)"
        )
    strings = y_true.dtype.kind == "U"
    if classes is None and strings:
        classes = curves.check_two_string_classes(y_true)
    names = [str(c) for c in classes] if classes is not None else _numeric_names(y_true)
    if len(names) == 2:
        scored = names[codes.scored_class(score_of, names, strings)]
    counts = curves.threshold_counts(y_true, y_pred, classes=classes, score_of=scored)
    choice = curves.choose_threshold(counts, args.choose_threshold)
    print(
        f"confmat: threshold {choice.threshold:.6g} chosen by {choice.criterion} for class "
        f"{scored!r} (value {choice.value:.4g} there; {choice.counts})",
        file=sys.stderr,
    )
    return choice.threshold


def _numeric_names(y_true: np.ndarray) -> list[str]:
    return ["False", "True"] if y_true.dtype.kind == "b" else ["0", "1"]


def check_threshold_applies(args: argparse.Namespace, y_pred: np.ndarray) -> None:
    """``--threshold`` and ``--choose-threshold`` need scores: refused with labels."""
    if args.threshold is None and args.choose_threshold is None:
        return
    from confmat._internal.core import checks, codes

    if args.threshold is not None:
        checks.check_threshold(args.threshold)

    if codes.prediction_kind(checks.as_values(y_pred, "y_pred"), args.pred_kind, False) == "labels":
        option = "--threshold" if args.choose_threshold is None else "--choose-threshold"
        raise UsageError(
            f"{option} needs binary scores, but the predictions ({args.pred_col}) are labels: "
            "leave it out, or declare a column of scores with --pred-kind scores",
            argument=option,
        )


def score_column(values: np.ndarray, name: str, source: str) -> np.ndarray:
    """A score column as float64; numbers only."""
    if values.dtype.kind not in "fiu":
        raise InputFileError(f"{source}: score column {name!r} must hold numbers")
    return values.astype(np.float64)


def classes_option(args: argparse.Namespace, y_true: np.ndarray) -> list[Any] | None:
    """Classes from --classes or --classes-file, looked up by value (see _class_values)."""
    if args.classes is not None:
        return _class_values(name_list(args.classes, "--classes"), y_true, "--classes")
    if args.classes_file is not None:
        return _class_values(_classes_file(args.classes_file), y_true, "--classes-file")
    return None


def _classes_file(name: str) -> list[str]:
    """One class name per line of a UTF-8 file (blank lines skipped)."""
    path = Path(name)
    if not path.is_file():
        raise InputFileError(f"{path}: no such classes file")
    with path.open("rb") as handle:
        data = handle.read(io.INPUT_LIMIT_BYTES + 1)
    if len(data) > io.INPUT_LIMIT_BYTES:
        raise InputFileError(f"{path}: more than {io.INPUT_LIMIT_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}): "
            "save the classes file as UTF-8"
        ) from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _class_values(names: list[str], y_true: np.ndarray, option: str) -> list[Any]:
    """THE --classes rule: classes are label *values*, looked up by value.

    Text labels are matched by name; numeric labels by number (``1`` and ``1.0`` alike, so a
    name must be a number); bool labels by ``true``/``false`` (or 1/0).
    """
    from confmat._internal.core import checks

    checks.check_class_names(names)
    if y_true.dtype.kind not in "biuf":
        return names
    values = [_label_value(name, y_true.dtype.kind == "b") for name in names]
    for name, value in zip(names, values, strict=True):
        if value is None:
            raise UsageError(
                f"{option}: {name!r} is not a label value; the true labels are numbers and "
                "classes are looked up by value (e.g. --classes 0,1,2; --score-cols "
                "CLASS=COLUMN names a score column's class)"
            )
    return values


def class_name(text: str | None, y_true: np.ndarray) -> str | None:
    """A class named by ``--positive`` or ``--score-of``, canonical as ``--classes`` makes it.

    With numeric labels ``1`` and ``1.0`` are one class; with bool labels ``true`` and ``1``.
    """
    if text is None or y_true.dtype.kind not in "biuf":
        return text
    value = _label_value(text, y_true.dtype.kind == "b")
    return text if value is None else str(value)


def _label_value(text: str, bools: bool) -> int | bool | None:
    if bools and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    try:
        number = int(text)
    except ValueError:
        try:
            real = float(text)
        except ValueError:
            return None
        if not real.is_integer():
            return None
        number = int(real)
    return bool(number) if bools and number in (0, 1) else number
