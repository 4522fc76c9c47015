"""Counts from the engines people already run: long ``(true, pred, count)`` tables.

A confusion matrix only needs the number of samples of every ``(true, pred)`` pair, so the
samples can stay where they are: the engine groups them and only the aggregated rows (at most
one per occurring pair) leave it. :func:`table_columns` reads such a table from pandas, polars,
pyarrow, a DuckDB relation, a Spark DataFrame or a mapping of columns;
:func:`duckdb_counts` and :func:`spark_counts` run the group-by in DuckDB and Spark. In any
SQL warehouse the same rows come from::

    SELECT y_true, y_pred, COUNT(*) AS count FROM predictions GROUP BY y_true, y_pred

Each library is imported only when a table of its kind arrives.

Examples:
    >>> cols = table_columns({"t": ["a", "b"], "p": ["a", "a"], "n": [5, 2]}, "t", "p", "n")
    >>> cols.true.tolist(), cols.pred.tolist(), cols.count.tolist()
    (['a', 'b'], ['a', 'a'], [5, 2])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from confmat.exceptions import LabelError, MatrixError, OptionError


class CountColumns(NamedTuple):
    """The three columns of a long table of counts, as 1-D numpy arrays of one length."""

    true: np.ndarray
    pred: np.ndarray
    count: np.ndarray  # type: ignore[assignment]  # the field shadows tuple.count


def table_columns(table: object, true: str, pred: str, count: str) -> CountColumns:
    """The ``true``, ``pred`` and ``count`` columns of a table, checked.

    Args:
        table: a pandas or polars DataFrame (or polars LazyFrame), a pyarrow Table or
            RecordBatch, a DuckDB relation, a Spark DataFrame, or a mapping of column names to
            1-D arrays.
        true: the true-label column (no nulls).
        pred: the predicted-label column (no nulls).
        count: the column of counts: integers (sample counts) or non-negative floats (sums of
            sample weights); no nulls.

    Raises:
        OptionError: for a table of an unknown kind or a missing column.
        LabelError: for a null label.
        MatrixError: for a null, negative or non-finite count.
    """
    columns = _fetch(table, (true, pred, count))
    for name, values in zip(("true", "pred"), columns[:2], strict=True):
        _check_no_nulls(values, name, LabelError)
    return CountColumns(columns[0], columns[1], _check_counts(columns[2], count))


def duckdb_counts(
    source: Any,
    true: str = "y_true",
    pred: str = "y_pred",
    *,
    weight: str | None = None,
    connection: Any = None,
) -> Any:
    """The ``(true, pred, count)`` rows of a DuckDB relation or SQL query, grouped in DuckDB.

    Args:
        source: a DuckDB relation, or SQL text: a query, a table name or a file such as
            ``'preds/*.parquet'`` (anything DuckDB accepts after ``FROM``).
        true: the true-label column; the result keeps its name.
        pred: the predicted-label column; the result keeps its name.
        weight: a column of sample weights: ``count`` is then their sum.
        connection: the DuckDB connection to run SQL text on (default: DuckDB's own).

    Returns:
        A DuckDB relation with columns ``true``, ``pred`` and ``count``, for
        :meth:`confmat.ConfusionMatrix.from_counts`.

    Examples:
        >>> import duckdb
        >>> rel = duckdb.sql("SELECT * FROM (VALUES (1, 1), (1, 2), (1, 1)) t(y_true, y_pred)")
        >>> sorted(duckdb_counts(rel).fetchall())
        [(1, 1, 2), (1, 2, 1)]
    """
    import duckdb

    if isinstance(source, str):
        con = duckdb if connection is None else connection
        text = source.strip()
        query = text if text.lower().startswith(("select", "with", "from")) else f"FROM {text}"
        source = con.sql(query)
    t, p = _quote(true), _quote(pred)
    total = "COUNT(*)" if weight is None else f"SUM({_quote(weight)})::DOUBLE"
    return source.aggregate(f"{t}, {p}, {total} AS count", f"{t}, {p}")


def spark_counts(
    frame: Any, true: str = "y_true", pred: str = "y_pred", *, weight: str | None = None
) -> Any:
    """The ``(true, pred, count)`` rows of a Spark DataFrame, grouped on the cluster.

    Only the aggregated rows (one per occurring pair) are collected by
    :meth:`confmat.ConfusionMatrix.from_counts`; the samples never leave Spark.

    Args:
        frame: a ``pyspark.sql.DataFrame``.
        true: the true-label column; the result keeps its name.
        pred: the predicted-label column; the result keeps its name.
        weight: a column of sample weights: ``count`` is then their sum (a double).

    Returns:
        A Spark DataFrame with columns ``true``, ``pred`` and ``count``.
    """
    from pyspark.sql import functions

    grouped = frame.groupBy(true, pred)
    if weight is None:
        return grouped.agg(functions.count(functions.lit(1)).alias("count"))
    return grouped.agg(functions.sum(functions.col(weight).cast("double")).alias("count"))


def _quote(name: str) -> str:
    """A SQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def _fetch(table: object, names: tuple[str, str, str]) -> list[np.ndarray]:
    """The named columns of a table of any supported kind, as numpy arrays."""
    if isinstance(table, Mapping):
        return [np.asarray(_column(table, name, list(table))) for name in names]
    library = type(table).__module__.split(".")[0]
    if library == "duckdb":
        selected = table.select(*(_quote(n) for n in names))  # type: ignore[attr-defined]
        fetch = getattr(selected, "to_arrow_table", None) or selected.fetch_arrow_table
        table = fetch()
        library = "pyarrow"
    elif library == "pyspark":
        table = _spark_arrow(table, names)
        library = "pyarrow"
    if library == "pyarrow":
        return [_arrow_numpy(_column(table, n, table.schema.names)) for n in names]  # type: ignore[attr-defined]
    if library == "polars":
        if type(table).__name__ == "LazyFrame":
            table = table.select(list(names)).collect()  # type: ignore[attr-defined]
        return [_column(table, n, table.columns).to_numpy() for n in names]  # type: ignore[attr-defined]
    if library == "pandas":
        return [_column(table, n, list(table.columns)).to_numpy() for n in names]  # type: ignore[attr-defined]
    raise OptionError(
        "from_counts needs a pandas or polars DataFrame, a pyarrow Table, a DuckDB relation, a "
        f"Spark DataFrame or a mapping of columns, got {type(table).__name__}",
        argument="from_counts",
    )


def _column(table: Any, name: str, available: list[str]) -> Any:
    """``table[name]``, or an error listing the columns there are."""
    if name not in available:
        raise OptionError(f"the table has no column {name!r}; its columns are {sorted(available)}")
    return table[name]


def _spark_arrow(frame: Any, names: tuple[str, str, str]) -> Any:
    """The named columns of a Spark DataFrame, collected to the driver as a pyarrow Table."""
    for name in names:
        _column(frame, name, frame.columns)
    selected = frame.select(*names)
    if hasattr(selected, "toArrow"):  # Spark 4
        return selected.toArrow()
    import pyarrow as pa

    return pa.Table.from_pandas(selected.toPandas(), preserve_index=False)


def _arrow_numpy(column: Any) -> np.ndarray:
    """A pyarrow column as numpy: nulls kept as None (object), whole decimals as int64."""
    import pyarrow as pa

    kind = column.type
    if pa.types.is_decimal(kind) and kind.scale == 0:  # e.g. SUM of integers in DuckDB
        column = column.cast(pa.int64())
    elif pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
    if column.null_count:
        return np.asarray(column.to_pylist(), dtype=object)
    return np.asarray(column.to_numpy(zero_copy_only=False))


def _check_no_nulls(values: np.ndarray, name: str, error: type[Exception]) -> None:
    """Raise ``error`` naming the first row where ``values`` holds a null (None or NaN)."""
    if values.dtype.kind == "O":
        missing = np.fromiter((v is None or v != v for v in values), bool, values.size)
    elif values.dtype.kind == "f":
        missing = np.isnan(values)
    else:
        return
    if missing.any():
        row = int(np.argmax(missing))
        raise error(
            f"the {name} column has a null at row {row} of the counts table; filter out or "
            "fill the null labels or counts before aggregating"
        )


def _check_counts(values: np.ndarray, name: str) -> np.ndarray:
    """Counts as int64 (whole-number types) or float64 (weighted sums), non-negative."""
    _check_no_nulls(values, "count", MatrixError)
    if values.dtype.kind in "iu":
        counts = values.astype(np.int64)
    elif values.dtype.kind == "f":
        counts = values.astype(np.float64)
        if not np.isfinite(counts).all():
            raise MatrixError(
                f"count column {name!r} must be finite, got {counts[~np.isfinite(counts)][0]}"
            )
    else:
        raise MatrixError(
            f"count column {name!r} must hold numbers (integer counts or weighted sums), got "
            f"{values.dtype}"
        )
    if counts.size and counts.min() < 0:
        row = int(np.argmax(counts < 0))
        raise MatrixError(f"count column {name!r} must be >= 0, got {counts[row]} at row {row}")
    return counts
