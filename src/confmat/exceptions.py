"""The exception and warning types raised by confmat.

Every error caused by bad input derives from :class:`ConfmatError`, itself a :class:`ValueError`,
so ``except ValueError`` keeps working for code that does not know confmat.
"""

from __future__ import annotations

import re

__all__ = [
    "ClassesError",
    "ConfmatError",
    "DistributedError",
    "FromLogitsWarning",
    "InputFileError",
    "LabelError",
    "MatrixError",
    "MergeError",
    "MissingValueWarning",
    "OptionError",
    "SampleCountWarning",
    "ScoreError",
    "ShapeError",
    "UndefinedMetricWarning",
    "UsageError",
    "WeightError",
    "one_line",
    "printable",
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


_BLANKS = re.compile(r"[ \t\n]+")


def printable(text: object) -> str:
    r"""``text`` with every control and format character made visible as an escape.

    The one rule for text that may come from a file (class and column names, file names, rows
    quoted by a parser) before it reaches a terminal, a log or a report: ESC, CSI and OSC
    sequences, CR, BEL, NUL, bidirectional overrides (U+202E) and line breaks are written as
    ``\x1b``, ``\r``, ``\x07``, ``\x00``, ``\u202e``, ``\n``, so that they can neither restyle nor
    clear the terminal, nor hide or reorder text.

    Examples:
        >>> print(printable("cat\x1b[2J\u202e\r"))
        cat\x1b[2J\u202e\r
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def one_line(text: object) -> str:
    r"""An error's text on one line, through :func:`printable` (the command line prints errors so).

    Runs of spaces, tabs and newlines become one space; every other control character (a CR
    included) is made visible.

    Examples:
        >>> one_line("bad row\n  in file.csv")
        'bad row in file.csv'
        >>> one_line("row 3: \x1b]0;owned\x07")
        'row 3: \\x1b]0;owned\\x07'
    """
    return printable(_BLANKS.sub(" ", str(text)).strip(" "))


class UndefinedMetricWarning(UserWarning):
    """A statistic is undefined (0/0) and ``zero_division="warn"`` was asked for."""


class FromLogitsWarning(UserWarning):
    """Scores that contradict ``from_logits``: all in [0, 1] read as logits, or the reverse.

    Raised (as a warning, once, at the end) by :func:`confmat.evaluate` and
    :meth:`confmat.Accumulator.compute`; the message says which ``from_logits`` to pass.
    """


class SampleCountWarning(UserWarning):
    """:func:`confmat.evaluate` did not count every sample of its loader exactly once.

    Samples dropped by ``drop_last`` were never seen; ranks without a ``DistributedSampler``
    each count the whole data set. The message says how many and how to fix the loader.
    """


class MissingValueWarning(UserWarning):
    """Samples with a missing label were left out, as ``dropna=True`` asked."""
