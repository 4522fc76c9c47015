"""The exception and warning types raised by confmat.

Every error caused by bad input derives from :class:`ConfmatError`, itself a :class:`ValueError`,
so ``except ValueError`` keeps working for code that does not know confmat.
"""

from __future__ import annotations

__all__ = [
    "ClassesError",
    "ConfmatError",
    "DistributedError",
    "InputFileError",
    "LabelError",
    "MatrixError",
    "MergeError",
    "MissingValueWarning",
    "OptionError",
    "ScoreError",
    "ShapeError",
    "UndefinedMetricWarning",
    "UsageError",
    "WeightError",
    "one_line",
]


class ConfmatError(ValueError):
    """Base class of every error raised for bad input."""


class ShapeError(ConfmatError):
    """An input has the wrong shape, length, dtype or is empty."""


class LabelError(ConfmatError):
    """A label is out of range, negative, not integral or not one of the classes."""


class ScoreError(ConfmatError):
    """Scores are NaN, infinite or out of range, or the threshold is invalid."""


class ClassesError(ConfmatError):
    """Class names are duplicated, unknown, or ``positive`` is not a class."""


class WeightError(ConfmatError):
    """Sample weights are negative, not finite or misaligned with the samples."""


class MatrixError(ConfmatError):
    """A given matrix is not square, has negative or non-finite entries."""


class MergeError(ConfmatError):
    """Two results cannot be merged (different classes or kinds)."""


class InputFileError(ConfmatError):
    """A predictions file is missing, malformed or lacks a column."""


class OptionError(ConfmatError):
    """An option (threshold, zero_division, normalize, ...) has an invalid value."""


class UsageError(ConfmatError):
    """The command line itself is wrong (an unknown option, a missing argument)."""


class DistributedError(ConfmatError, RuntimeError):
    """The ranks did not all call ``compute``, or disagree on the class space."""


def one_line(text: object) -> str:
    r"""An error's text on one line (the command line prints every error as one line).

    Examples:
        >>> one_line("bad row\n  in file.csv")
        'bad row in file.csv'
    """
    return " ".join(str(text).split())


class UndefinedMetricWarning(UserWarning):
    """A statistic is undefined (0/0) and ``zero_division="warn"`` was asked for."""


class MissingValueWarning(UserWarning):
    """Samples with a missing label were left out, as ``dropna=True`` asked."""
