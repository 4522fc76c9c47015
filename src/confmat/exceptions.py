"""The exception and warning types raised by confmat.

Every error caused by bad input derives from :class:`ConfmatError`, itself a :class:`ValueError`,
so ``except ValueError`` keeps working for code that does not know confmat.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

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
    """Base class of every error raised for bad input; it carries the facts of its message.

    Attributes:
        message: the message without its context (the file it came from).
        argument: the argument or option the error is about (``"y_true"``, ``"threshold"``,
            ``"--classes"``), when there is one.
        value: the offending value (a label, a score, an option's value), when there is one.
        index: the 0-based index of the offending sample, when there is one.
        row: the 1-based data row of a file, when the input is a file.
        column: the column of a file, when there is one.
        source: the file (or ``-``, standard input) the input came from, when there is one.

    ``str(error)`` is ``"{source}: {message}"`` when ``source`` is known, else the message:
    :meth:`in_context` adds the context once, where it is known, without rebuilding the text.

    Examples:
        >>> error = LabelError("y_true holds label 7", argument="y_true", value=7, index=3)
        >>> error.argument, error.index, str(error.in_context(source="preds.csv"))
        ('y_true', 3, 'preds.csv: y_true holds label 7')
    """

    def __init__(
        self,
        message: str,
        *,
        argument: str | None = None,
        value: object = None,
        index: int | None = None,
        row: int | None = None,
        column: str | None = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.argument = argument
        self.value = value
        self.index = index
        self.row = row
        self.column = column
        self.source = source
        self._around_index: tuple[str, str] | None = None

    @classmethod
    def at_index(cls, before: str, index: int, after: str, **facts: Any) -> Self:
        """An error whose message names sample ``index`` between ``before`` and ``after``.

        Such an error can be moved to another index (:meth:`moved_to`), e.g. from a batch's
        sample to the same sample of the whole input.

        Examples:
            >>> error = LabelError.at_index("label 7 at index ", 3, " is not a class")
            >>> str(error.moved_to(1003)), error.moved_to(1003).index
            ('label 7 at index 1003 is not a class', 1003)
        """
        error = cls(f"{before}{index}{after}", index=index, **facts)
        error._around_index = (before, after)
        return error

    def moved_to(self, index: int) -> Self:
        """The same error at another sample ``index`` (see :meth:`at_index`)."""
        if self._around_index is None:
            raise ValueError("only an error made by at_index() names its index in its message")
        before, after = self._around_index
        return type(self).at_index(before, index, after, **self._context())

    def in_context(
        self, *, source: str | None = None, column: str | None = None, row: int | None = None
    ) -> Self:
        """The same error, of the same type, with the file (and column, row) it came from.

        Facts already known are kept: a context is added once, where it is first known.
        """
        facts = self._context()
        facts["source"] = self.source or source
        facts["column"] = self.column or column
        facts["row"] = self.row if self.row is not None else row
        copy = type(self)(self.message, index=self.index, **facts)
        copy._around_index = self._around_index
        return copy

    def _context(self) -> dict[str, Any]:
        """Every fact but the index."""
        return {
            "argument": self.argument,
            "value": self.value,
            "row": self.row,
            "column": self.column,
            "source": self.source,
        }

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        facts = {**self._context(), "index": self.index}
        return (_rebuild, (type(self), self.message, facts, self._around_index))


def _rebuild(
    kind: type[ConfmatError],
    message: str,
    facts: dict[str, Any],
    around: tuple[str, str] | None,
) -> ConfmatError:
    """An error unpickled (errors cross process boundaries under torch.distributed)."""
    error = kind(message, **facts)
    error._around_index = around
    return error


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
