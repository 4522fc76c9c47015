"""The counting options of the command line -> the arguments of the Python entry points.

One meaning per option (the vocabulary of ``confmat``): ``--classes`` and ``--classes-file``
(label *values*, looked up by value), ``--num-classes``, ``--positive``, ``--score-of``,
``--from-logits``, ``--ignore-index`` and ``--zero-division`` become the value that the option
of the same name of ``ConfusionMatrix.from_predictions``, ``ConfusionMatrix.from_counts`` and
``confmat.compare`` takes, so the command line and Python give the same document. An option that
would change nothing is refused rather than ignored (:func:`check_score_options`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from confmat._internal.cli.parser import given_options
from confmat._internal.core.types import ZeroDivision
from confmat._internal.io import reading as io
from confmat.exceptions import InputFileError, UsageError

SCORE_OPTIONS = ("--threshold", "--choose-threshold", "--score-of", "--from-logits")
"""The options of one column of binary scores: they change nothing for labels or argmax."""


def check_score_options(args: argparse.Namespace, kind: str, columns: int, what: str) -> None:
    """The options of one score column are refused where they would change nothing.

    Args:
        args: the parsed command line.
        kind: ``"labels"`` or ``"scores"``: what the predictions hold.
        columns: the score columns (1, or one per class with ``--score-cols``).
        what: the prediction column(s), for the message.
    """
    if args.threshold is not None:
        from confmat._internal.core import checks

        checks.check_threshold(args.threshold)
    given = given_options(args, SCORE_OPTIONS)
    if not given:
        return
    if kind == "labels":
        raise UsageError(
            f"{given[0]} needs binary scores, but the predictions ({what}) are labels: leave it "
            "out, or declare a column of scores with --pred-kind scores",
            argument=given[0],
        )
    if columns > 1:
        raise UsageError(
            f"{given[0]} applies to one column of binary scores, but --score-cols gives one "
            f"column per class ({columns}), and their argmax decides: leave it out, or pass the "
            "one column of a binary score (--score-cols CLASS=COLUMN)",
            argument=given[0],
        )


def zero_division_option(args: argparse.Namespace) -> ZeroDivision:
    """``--zero-division``: ``"nan"`` (the default), ``"warn"``, 0 or 1."""
    text: str | None = args.zero_division
    if text is None:
        return "nan"
    return int(text) if text in ("0", "1") else text  # type: ignore[return-value]  # a choice


def ignore_index_option(args: argparse.Namespace, y_true: np.ndarray) -> int | str | None:
    """``--ignore-index``: the label value whose rows are left out, as Python matches it.

    A whole number within int64 for numeric labels (``1`` and ``1.0`` alike; ``true``/``false``
    or 1/0 for bool labels), the text itself for text labels.
    """
    from confmat._internal.core import limits

    text: str | None = args.ignore_index
    if text is None or y_true.dtype.kind not in "biuf":
        return text
    value = _label_value(text, y_true.dtype.kind == "b")
    if value is None or not limits.fits_int64(int(value)):
        raise UsageError(
            f"--ignore-index {text!r} is not a label value: the true labels are numbers, so it "
            "must be a whole number within int64 (e.g. --ignore-index -100)",
            argument="--ignore-index",
            value=text,
        )
    return int(value)


def scored_name(y_true: np.ndarray, classes: list[Any] | None, score_of: object) -> str | None:
    """The class one score column is the probability of, by ``core.codes.scored_class``.

    ``y_true`` without its ignored rows; None when the labels are not of two classes (the
    count then says why).
    """
    from confmat._internal.core import checks, codes

    strings = y_true.dtype.kind not in "biuf"
    if classes is not None:
        names = checks.class_names(classes)
    elif strings:
        names = sorted(set(np.unique(y_true).tolist()))
    else:
        names = ["False", "True"] if y_true.dtype.kind == "b" else ["0", "1"]
    if len(names) != 2:
        return None
    return names[codes.scored_class(score_of, names, strings)]


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


def classes_option(args: argparse.Namespace, y_true: np.ndarray) -> list[Any] | None:
    """Classes from --classes or --classes-file, looked up by value (see :func:`class_values`).

    A ``--num-classes`` that contradicts them is refused.
    """
    if args.classes is not None:
        option, names = "--classes", name_list(args.classes, "--classes")
    elif args.classes_file is not None:
        option, names = "--classes-file", _classes_file(args.classes_file)
    else:
        return None
    classes = class_values(names, y_true, option)
    wanted = getattr(args, "num_classes", None)
    if wanted is not None and wanted != len(classes):
        raise UsageError(
            f"--num-classes {wanted} contradicts {option}, which names {len(classes)} classes: "
            "give one of the two",
            argument="--num-classes",
            value=wanted,
        )
    return classes


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


def class_values(names: list[str], y_true: np.ndarray, option: str) -> list[Any]:
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
                "CLASS=COLUMN names a score column's class)",
                argument=option,
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
