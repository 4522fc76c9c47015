"""The exception and warning types raised by confmat.

Every error caused by bad input derives from :class:`ConfmatError`, itself a :class:`ValueError`,
so ``except ValueError`` keeps working for code that does not know confmat.
"""

from __future__ import annotations

__all__ = [
    "ClassesError",
    "ConfmatError",
    "InputFileError",
    "LabelError",
    "MatrixError",
    "MergeError",
    "OptionError",
    "ScoreError",
    "ShapeError",
    "UndefinedMetricWarning",
    "WeightError",
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


class UndefinedMetricWarning(UserWarning):
    """A statistic is undefined (0/0) and ``zero_division="warn"`` was asked for."""
