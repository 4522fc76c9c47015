"""ConfusionMatrix.from_counts: a matrix from a long table of counts (a mixin).

C[i, j] counts samples of true class i predicted as class j. Engines that hold the samples
(DuckDB, Spark, a SQL warehouse, pandas, polars, pyarrow) group them into ``(true, pred, count)``
rows; only those rows reach Python (see :mod:`io.engines` for the group-by helpers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from confmat._internal.core.tables import table_counts
from confmat._internal.core.types import ZeroDivision
from confmat._internal.io import engines

Built = TypeVar("Built", bound="CountSources")


class CountSources:
    """The constructor of a confusion matrix from counts aggregated elsewhere."""

    __slots__ = ()

    if TYPE_CHECKING:  # the matrix class provides it

        def __init__(
            self,
            counts: object,
            classes: Sequence[Any] | None = None,
            *,
            positive: object = None,
            zero_division: ZeroDivision = "nan",
        ) -> None: ...

    @classmethod
    def from_counts(
        cls: type[Built],
        table: object,
        true: str = "y_true",
        pred: str = "y_pred",
        count: str = "count",
        classes: Sequence[Any] | None = None,
        *,
        num_classes: int | None = None,
        positive: object = None,
        zero_division: ZeroDivision = "nan",
        sparse: bool | None = None,
    ) -> Built:
        """A matrix from a long table: one row per ``(true, pred)`` pair with its ``count``.

        The labels follow the rules of :meth:`ConfusionMatrix.from_predictions` (class order,
        ``classes``, ``num_classes``), so a table of counts gives the matrix its samples would.
        Rows of the same pair add up; pairs absent from the table count 0.

        Args:
            table: a pandas or polars DataFrame, a pyarrow Table, a DuckDB relation, a Spark
                DataFrame (only its rows are collected) or a mapping of columns.
            true: the true-label column.
            pred: the predicted-label column.
            count: integer counts, or float sums of sample weights (a weighted matrix).
            classes: class order, as in ``from_predictions``.
            num_classes: integer labels are indices ``0..num_classes-1``.
            positive: the positive class of a binary problem.
            zero_division: the value of 0/0 statistics (default NaN).
            sparse: the store, as in ``from_predictions`` (default: by the number of classes).

        Raises:
            ConfmatError: for a table of an unknown kind, a missing column, a null label or
                count, a negative count, or labels outside ``classes``.

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> table = {"y_true": ["cat", "cat", "dog"], "y_pred": ["cat", "dog", "dog"],
            ...          "count": [40, 3, 57]}
            >>> ConfusionMatrix.from_counts(table).counts.tolist()
            [[40, 3], [0, 57]]
        """
        columns = engines.table_columns(table, true, pred, count)
        counts, names = table_counts(
            columns.true,
            columns.pred,
            columns.count,
            classes=classes,
            num_classes=num_classes,
            store=sparse,
        )
        return cls(counts, names, positive=positive, zero_division=zero_division)
